"""The reminder policy: which point of a measure's schedule is due, for whom, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import local_today
from bot.clock import DEFAULT_TIMEZONE, person_timezone
from bot.reminder_policy import (
    DEFAULT_POLICY,
    Audience,
    PointKind,
    ReminderPoint,
    ReminderPolicy,
    ScheduledReminder,
    delivery_time,
    is_remindable,
    latest_point,
    next_reminder,
    points_until,
)

EXECUTOR, HEAD, COORDINATOR = Audience.EXECUTOR, Audience.HEAD, Audience.COORDINATOR

KALININGRAD = "Europe/Kaliningrad"  # UTC+2
MOSCOW = "Europe/Moscow"  # UTC+3
NOVOSIBIRSK = "Asia/Novosibirsk"  # UTC+7
VLADIVOSTOK = "Asia/Vladivostok"  # UTC+10
KAMCHATKA = "Asia/Kamchatka"  # UTC+12


def _local(timezone: str, *args: int) -> datetime:
    """An aware UTC moment given as local wall-clock time in ``timezone``."""
    return datetime(*args, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _point(audience, deadline, today, *, head=False, policy=DEFAULT_POLICY):
    return latest_point(policy, audience, deadline, today, body_has_head=head)


def _key(audience, deadline, today, *, head=False, policy=DEFAULT_POLICY):
    point = _point(audience, deadline, today, head=head, policy=policy)
    return None if point is None else point.key()


# Before the deadline -------------------------------------------------------------------

DEADLINE = date(2025, 5, 31)  # a Saturday


@pytest.mark.parametrize("offset", [14, 7, 3, 1])
def test_each_before_offset_day_is_a_before_point(offset):
    day = DEADLINE - timedelta(days=offset)
    point = _point(EXECUTOR, DEADLINE, day)
    assert point == ReminderPoint(EXECUTOR, PointKind.BEFORE, day, days_before=offset)
    assert point.key() == f"executor:before:{offset}:{day.isoformat()}"


def test_key_format():
    assert _key(EXECUTOR, DEADLINE, date(2025, 5, 24)) == "executor:before:7:2025-05-24"


def test_between_offsets_the_latest_passed_offset_stays_due():
    # 20 May is 11 days before: the 14-day point (17 May) is the latest one.
    point = _point(EXECUTOR, DEADLINE, date(2025, 5, 20))
    assert (point.kind, point.days_before, point.point_day) == ("before", 14, date(2025, 5, 17))


def test_nothing_before_the_first_offset_day():
    assert _point(EXECUTOR, DEADLINE, date(2025, 5, 16)) is None
    assert _point(EXECUTOR, DEADLINE, date(2025, 1, 1)) is None


def test_due_today():
    point = _point(EXECUTOR, DEADLINE, DEADLINE)
    assert point == ReminderPoint(EXECUTOR, PointKind.DUE_TODAY, DEADLINE, days_before=0)
    assert point.key() == "executor:due_today:0:2025-05-31"


def test_head_and_coordinators_get_nothing_before_the_deadline_or_on_the_day():
    for day in (DEADLINE - timedelta(days=3), DEADLINE):
        for head in (True, False):
            assert _point(HEAD, DEADLINE, day, head=head) is None
            assert _point(COORDINATOR, DEADLINE, day, head=head) is None


def test_custom_offsets_without_the_day_itself():
    policy = ReminderPolicy(before_days=(5, 2))
    assert _point(EXECUTOR, DEADLINE, date(2025, 5, 25), policy=policy) is None
    assert _point(EXECUTOR, DEADLINE, DEADLINE, policy=policy).days_before == 2
    assert ReminderPolicy(before_days=()).before_days == ()
    assert _point(EXECUTOR, DEADLINE, DEADLINE, policy=ReminderPolicy(before_days=())) is None


# Overdue -------------------------------------------------------------------------------


def _executor_overdue(deadline, today):
    point = _point(EXECUTOR, deadline, today)
    return (point.kind, point.working_days_overdue, point.point_day)


def test_overdue_every_two_working_days_across_a_weekend():
    friday = date(2025, 5, 23)
    # Monday 26 May is the 1st working day overdue: nothing new, due_today stays latest.
    assert _point(EXECUTOR, friday, date(2025, 5, 24)).kind == "due_today"
    assert _point(EXECUTOR, friday, date(2025, 5, 26)).kind == "due_today"
    assert _executor_overdue(friday, date(2025, 5, 27)) == ("overdue", 2, date(2025, 5, 27))
    assert _executor_overdue(friday, date(2025, 5, 28)) == ("overdue", 2, date(2025, 5, 27))
    assert _executor_overdue(friday, date(2025, 5, 29)) == ("overdue", 4, date(2025, 5, 29))
    # Friday 30 May is the 5th; the weekend keeps the 4th; Monday 2 June is the 6th.
    assert _executor_overdue(friday, date(2025, 5, 31)) == ("overdue", 4, date(2025, 5, 29))
    assert _executor_overdue(friday, date(2025, 6, 1)) == ("overdue", 4, date(2025, 5, 29))
    assert _executor_overdue(friday, date(2025, 6, 2)) == ("overdue", 6, date(2025, 6, 2))


def test_overdue_across_the_may_2025_holidays():
    # 1-4 May and 8-11 May 2025 are days off (2 and 8 May moved days off).
    deadline = date(2025, 4, 30)
    assert _point(EXECUTOR, deadline, date(2025, 5, 2)).kind == "due_today"
    assert _point(EXECUTOR, deadline, date(2025, 5, 5)).kind == "due_today"  # 1st
    assert _executor_overdue(deadline, date(2025, 5, 6)) == ("overdue", 2, date(2025, 5, 6))
    assert _executor_overdue(deadline, date(2025, 5, 7)) == ("overdue", 2, date(2025, 5, 6))
    for holiday in (date(2025, 5, 8), date(2025, 5, 9), date(2025, 5, 11)):
        assert _executor_overdue(deadline, holiday) == ("overdue", 2, date(2025, 5, 6))
    assert _executor_overdue(deadline, date(2025, 5, 12)) == ("overdue", 4, date(2025, 5, 12))
    assert _executor_overdue(deadline, date(2025, 5, 14)) == ("overdue", 6, date(2025, 5, 14))


def test_overdue_across_new_year_2026():
    # 31 December 2025 and 1-11 January 2026 are days off.
    deadline = date(2025, 12, 29)  # Monday
    assert _point(EXECUTOR, deadline, date(2025, 12, 30)).kind == "due_today"  # 1st
    for day in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 9), date(2026, 1, 11)):
        assert _point(EXECUTOR, deadline, day).kind == "due_today"
    assert _executor_overdue(deadline, date(2026, 1, 12)) == ("overdue", 2, date(2026, 1, 12))
    assert _executor_overdue(deadline, date(2026, 1, 14)) == ("overdue", 4, date(2026, 1, 14))


def test_a_deadline_on_a_saturday_counts_from_the_saturday():
    # The n-th working day overdue is add_working_days(deadline, n): Monday is the 1st.
    saturday = date(2025, 5, 31)
    assert _point(HEAD, saturday, date(2025, 6, 2), head=True).working_days_overdue == 1
    assert _executor_overdue(saturday, date(2025, 6, 3)) == ("overdue", 2, date(2025, 6, 3))


def test_overdue_interval_from_the_policy():
    policy = ReminderPolicy(overdue_every_working_days=1)
    friday = date(2025, 5, 23)
    point = _point(EXECUTOR, friday, date(2025, 5, 26), policy=policy)
    assert (point.kind, point.working_days_overdue) == ("overdue", 1)


# Escalation ----------------------------------------------------------------------------

FRIDAY = date(2025, 5, 23)
# Working days overdue after Friday 23 May 2025 (12 and 13 June are days off).
NTH = {
    1: date(2025, 5, 26),
    2: date(2025, 5, 27),
    5: date(2025, 5, 30),
    6: date(2025, 6, 2),
    7: date(2025, 6, 3),
    11: date(2025, 6, 9),
    12: date(2025, 6, 10),
    13: date(2025, 6, 11),
    14: date(2025, 6, 16),
    16: date(2025, 6, 18),
}


def _escalation(audience, today, head):
    point = _point(audience, FRIDAY, today, head=head)
    return None if point is None else (point.kind, point.working_days_overdue, point.point_day)


def test_with_a_head_the_head_first_on_day_1_then_coordinators_on_day_2_then_weekly():
    assert _escalation(HEAD, NTH[1], True) == ("escalation", 1, NTH[1])
    assert _escalation(COORDINATOR, NTH[1], True) is None
    assert _escalation(COORDINATOR, NTH[2], True) == ("escalation", 2, NTH[2])
    assert _escalation(HEAD, NTH[5], True) == ("escalation", 1, NTH[1])
    assert _escalation(HEAD, NTH[6], True) == ("escalation", 6, NTH[6])
    assert _escalation(COORDINATOR, NTH[6], True) == ("escalation", 2, NTH[2])
    assert _escalation(COORDINATOR, NTH[7], True) == ("escalation", 7, NTH[7])
    assert _escalation(HEAD, NTH[11], True) == ("escalation", 11, NTH[11])
    assert _escalation(COORDINATOR, NTH[12], True) == ("escalation", 12, NTH[12])
    # Across the 12-13 June days off: the 16th is the next weekly one for the head.
    assert _escalation(HEAD, NTH[14], True) == ("escalation", 11, NTH[11])
    assert _escalation(HEAD, NTH[16], True) == ("escalation", 16, NTH[16])


def test_without_a_head_coordinators_on_day_1_then_weekly_and_no_head_point():
    assert _escalation(COORDINATOR, FRIDAY, False) is None
    assert _escalation(COORDINATOR, NTH[1], False) == ("escalation", 1, NTH[1])
    assert _escalation(COORDINATOR, NTH[5], False) == ("escalation", 1, NTH[1])
    assert _escalation(COORDINATOR, NTH[6], False) == ("escalation", 6, NTH[6])
    assert _escalation(COORDINATOR, NTH[11], False) == ("escalation", 11, NTH[11])
    for n in NTH:
        assert _escalation(HEAD, NTH[n], False) is None


def test_escalation_interval_from_the_policy():
    policy = ReminderPolicy(escalation_every_working_days=2)
    point = _point(COORDINATOR, FRIDAY, NTH[5], policy=policy)
    assert point.working_days_overdue == 5  # 1, 3, 5


def test_audiences_are_independent_and_keys_differ():
    today = NTH[2]
    keys = {_key(audience, FRIDAY, today, head=True) for audience in Audience}
    assert keys == {
        "executor:overdue:2:2025-05-27",
        "head:escalation:1:2025-05-26",
        "coordinator:escalation:2:2025-05-27",
    }


def test_audience_may_be_given_as_text():
    assert _key("head", FRIDAY, NTH[1], head=True) == "head:escalation:1:2025-05-26"


def test_disabled_policy_says_nothing():
    policy = ReminderPolicy(enabled=False)
    for audience in Audience:
        for today in (FRIDAY, NTH[1], NTH[16]):
            assert _point(audience, FRIDAY, today, head=True, policy=policy) is None
    assert points_until(policy, EXECUTOR, FRIDAY, NTH[16], body_has_head=True) == []


# Missed points and moved deadlines -----------------------------------------------------


def test_missed_points_only_the_latest_counts():
    deadline = date(2025, 4, 30)
    # Down from 10 April to 14 May: points 14, 7, 3, 1, 0, overdue 2, 4, 6 all passed.
    point = _point(EXECUTOR, deadline, date(2025, 5, 14))
    assert (point.kind, point.working_days_overdue) == ("overdue", 6)
    # Before the deadline: from 17 April the 14- and 7-day points passed; only 3 counts.
    assert _point(EXECUTOR, deadline, date(2025, 4, 28)).days_before == 3


def test_latest_point_is_the_last_of_the_full_schedule_every_day():
    for deadline in (date(2025, 4, 30), date(2025, 5, 31), date(2025, 12, 29)):
        for offset in range(-20, 40):
            today = deadline + timedelta(days=offset)
            for audience in Audience:
                for head in (True, False):
                    schedule = points_until(
                        DEFAULT_POLICY, audience, deadline, today, body_has_head=head
                    )
                    expected = schedule[-1] if schedule else None
                    assert _point(audience, deadline, today, head=head) == expected


def test_full_executor_schedule():
    schedule = points_until(DEFAULT_POLICY, EXECUTOR, FRIDAY, NTH[6], body_has_head=False)
    assert [point.key() for point in schedule] == [
        "executor:before:14:2025-05-09",
        "executor:before:7:2025-05-16",
        "executor:before:3:2025-05-20",
        "executor:before:1:2025-05-22",
        "executor:due_today:0:2025-05-23",
        "executor:overdue:2:2025-05-27",
        "executor:overdue:4:2025-05-29",
        "executor:overdue:6:2025-06-02",
    ]


def test_a_moved_deadline_restarts_the_schedule_from_the_new_date():
    today = NTH[6]  # Monday 2 June 2025
    assert _point(EXECUTOR, FRIDAY, today).kind == "overdue"
    new_deadline = today + timedelta(days=10)
    point = _point(EXECUTOR, new_deadline, today, head=True)
    assert (point.kind, point.days_before) == ("before", 14)
    assert point.key() == "executor:before:14:2025-05-29"
    assert _point(HEAD, new_deadline, today, head=True) is None
    assert _point(COORDINATOR, new_deadline, today, head=True) is None
    # Two days before the new date the 3-day point is due.
    assert _point(EXECUTOR, new_deadline, new_deadline - timedelta(days=3)).days_before == 3


# Remindable measures -------------------------------------------------------------------


def test_open_or_returned_measures_are_remindable():
    for status in ("in_progress", "returned"):
        assert is_remindable(
            deadline=DEADLINE, done_on=None, removed=False, assignment_status=status
        )


@pytest.mark.parametrize(
    ("deadline", "done_on", "removed", "status"),
    [
        (DEADLINE, date(2025, 5, 20), False, "in_progress"),  # done
        (DEADLINE, None, False, "submitted"),  # reported, waiting for review
        (DEADLINE, None, False, "accepted"),
        (DEADLINE, None, True, "in_progress"),  # removed
        (None, None, False, "in_progress"),  # no deadline
    ],
)
def test_done_reported_removed_or_without_deadline_are_not_remindable(
    deadline, done_on, removed, status
):
    assert not is_remindable(
        deadline=deadline, done_on=done_on, removed=removed, assignment_status=status
    )


# Time zones and delivery ---------------------------------------------------------------

# Friday 23 May 2025, 14:30 UTC.
MOMENT = datetime(2025, 5, 23, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timezone", "local_day", "kind"),
    [
        (KALININGRAD, date(2025, 5, 23), "before"),  # 16:30 Friday
        (MOSCOW, date(2025, 5, 23), "before"),  # 17:30 Friday
        (NOVOSIBIRSK, date(2025, 5, 23), "before"),  # 21:30 Friday
        (VLADIVOSTOK, date(2025, 5, 24), "due_today"),  # 00:30 Saturday
        (KAMCHATKA, date(2025, 5, 24), "due_today"),  # 02:30 Saturday
    ],
)
def test_the_same_utc_moment_is_a_different_local_day(timezone, local_day, kind):
    saturday_deadline = date(2025, 5, 24)
    today = local_today(MOMENT, timezone)
    assert today == local_day
    assert _point(EXECUTOR, saturday_deadline, today).kind == kind


@pytest.mark.parametrize(
    ("timezone", "expected"),
    [
        (KALININGRAD, MOMENT),  # within working hours: now
        (MOSCOW, MOMENT),
        (NOVOSIBIRSK, _local(NOVOSIBIRSK, 2025, 5, 26, 9)),  # Friday evening: Monday
        (VLADIVOSTOK, _local(VLADIVOSTOK, 2025, 5, 26, 9)),  # Saturday night: Monday
        (KAMCHATKA, _local(KAMCHATKA, 2025, 5, 26, 9)),
    ],
)
def test_delivery_within_working_hours_of_the_recipient(timezone, expected):
    assert delivery_time(date(2025, 5, 23), MOMENT, timezone) == expected


def test_kamchatka_monday_morning_is_still_sunday_in_utc():
    assert delivery_time(date(2025, 5, 24), MOMENT, KAMCHATKA) == datetime(
        2025, 5, 25, 21, tzinfo=UTC
    )


def test_a_saturday_point_is_delivered_on_monday_at_9_local():
    saturday = date(2025, 5, 24)
    for timezone in (KALININGRAD, MOSCOW, NOVOSIBIRSK, VLADIVOSTOK, KAMCHATKA):
        deliver_at = delivery_time(saturday, MOMENT, timezone)
        assert deliver_at.tzinfo == UTC
        local = deliver_at.astimezone(ZoneInfo(timezone))
        assert (local.date(), local.hour, local.minute) == (date(2025, 5, 26), 9, 0)


def test_a_future_point_waits_for_9_local_on_its_day():
    assert delivery_time(date(2025, 5, 27), MOMENT, MOSCOW) == _local(MOSCOW, 2025, 5, 27, 9)


def test_a_past_point_goes_out_now_or_on_the_next_working_morning():
    now = _local(MOSCOW, 2025, 5, 27, 11, 15)
    assert delivery_time(date(2025, 5, 20), now, MOSCOW) == now
    evening = _local(MOSCOW, 2025, 5, 27, 18, 0)
    assert delivery_time(date(2025, 5, 20), evening, MOSCOW) == _local(MOSCOW, 2025, 5, 28, 9)


def test_a_point_in_the_may_holidays_waits_for_the_next_working_day():
    now = _local(MOSCOW, 2025, 4, 30, 19)
    assert delivery_time(date(2025, 5, 1), now, MOSCOW) == _local(MOSCOW, 2025, 5, 5, 9)


def test_next_reminder_within_hours_uses_the_local_date_of_now():
    reminder = next_reminder(
        DEFAULT_POLICY, EXECUTOR, date(2025, 5, 24), MOMENT, MOSCOW, body_has_head=False
    )
    assert reminder == ScheduledReminder(
        ReminderPoint(EXECUTOR, PointKind.BEFORE, date(2025, 5, 23), days_before=1), MOMENT
    )


def test_next_reminder_on_a_weekend_says_what_is_due_on_monday():
    # Deadline Monday 26 May: seen on Saturday, the 1-day point (Sunday) and the due-today
    # point (Monday) would both wait for Monday morning; only the latest is given.
    saturday_noon = _local(MOSCOW, 2025, 5, 24, 12)
    reminder = next_reminder(
        DEFAULT_POLICY, EXECUTOR, date(2025, 5, 26), saturday_noon, MOSCOW, body_has_head=False
    )
    assert reminder.point.key() == "executor:due_today:0:2025-05-26"
    assert reminder.deliver_at == _local(MOSCOW, 2025, 5, 26, 9)


def test_next_reminder_none_when_nothing_is_due():
    assert (
        next_reminder(DEFAULT_POLICY, HEAD, date(2025, 5, 26), MOMENT, MOSCOW, body_has_head=True)
        is None
    )


def test_next_reminder_per_time_zone_for_a_friday_deadline():
    # Friday 14:30 UTC is still the deadline day in Kaliningrad and Moscow (working hours):
    # nothing for the head yet. Further east it is past working hours, so the next moment is
    # Monday 26 May 09:00 local, the 1st working day overdue: the head's first point.
    for timezone in (KALININGRAD, MOSCOW):
        assert (
            next_reminder(DEFAULT_POLICY, HEAD, FRIDAY, MOMENT, timezone, body_has_head=True)
            is None
        )
    for timezone in (NOVOSIBIRSK, VLADIVOSTOK, KAMCHATKA):
        reminder = next_reminder(DEFAULT_POLICY, HEAD, FRIDAY, MOMENT, timezone, body_has_head=True)
        assert reminder.point.key() == "head:escalation:1:2025-05-26"
        assert reminder.deliver_at == _local(timezone, 2025, 5, 26, 9)


# Time zone of a recipient --------------------------------------------------------------


def test_person_timezone_falls_back_official_body_plan_default():
    assert person_timezone(KAMCHATKA, MOSCOW, NOVOSIBIRSK) == KAMCHATKA
    assert person_timezone(None, VLADIVOSTOK, NOVOSIBIRSK) == VLADIVOSTOK
    assert person_timezone("", None, NOVOSIBIRSK) == NOVOSIBIRSK
    assert person_timezone(None, None, None) == DEFAULT_TIMEZONE == MOSCOW
    assert person_timezone(None, None, None, default=KALININGRAD) == KALININGRAD


def test_person_timezone_skips_unknown_zones():
    assert person_timezone("Moscow", "Mars/Olympus", KAMCHATKA) == KAMCHATKA


# JSON ----------------------------------------------------------------------------------


def test_from_json_none_or_empty_gives_the_defaults():
    assert ReminderPolicy.from_json(None) == ReminderPolicy() == DEFAULT_POLICY
    assert ReminderPolicy.from_json({}) == DEFAULT_POLICY
    assert DEFAULT_POLICY.before_days == (14, 7, 3, 1, 0)
    assert DEFAULT_POLICY.overdue_every_working_days == 2
    assert DEFAULT_POLICY.escalation_every_working_days == 5
    assert DEFAULT_POLICY.enabled


def test_from_json_ignores_unknown_keys_and_normalises_offsets():
    policy = ReminderPolicy.from_json(
        {"before_days": [1, 30, 1, 0], "future_option": {"x": 1}, "enabled": False}
    )
    assert policy == ReminderPolicy(before_days=(30, 1, 0), enabled=False)


def test_round_trip():
    policy = ReminderPolicy(
        before_days=(60, 10, 0),
        overdue_every_working_days=3,
        escalation_every_working_days=10,
        enabled=False,
    )
    data = policy.to_json()
    assert data == {
        "before_days": [60, 10, 0],
        "overdue_every_working_days": 3,
        "escalation_every_working_days": 10,
        "enabled": False,
    }
    assert ReminderPolicy.from_json(data) == policy
    assert ReminderPolicy.from_json(DEFAULT_POLICY.to_json()) == DEFAULT_POLICY


def test_to_json_overrides_only():
    assert DEFAULT_POLICY.to_json(overrides_only=True) == {}
    policy = ReminderPolicy(overdue_every_working_days=1)
    assert policy.to_json(overrides_only=True) == {"overdue_every_working_days": 1}
    assert ReminderPolicy.from_json(policy.to_json(overrides_only=True)) == policy


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"before_days": [14, -1]}, "before_days"),
        ({"before_days": [61]}, "before_days"),
        ({"before_days": ["7"]}, "before_days"),
        ({"before_days": [7.5]}, "before_days"),
        ({"before_days": "14,7"}, "before_days"),
        ({"before_days": 7}, "before_days"),
        ({"before_days": None}, "before_days"),
        ({"overdue_every_working_days": 0}, "overdue_every_working_days"),
        ({"overdue_every_working_days": 21}, "overdue_every_working_days"),
        ({"overdue_every_working_days": "2"}, "overdue_every_working_days"),
        ({"overdue_every_working_days": True}, "overdue_every_working_days"),
        ({"escalation_every_working_days": 2.0}, "escalation_every_working_days"),
        ({"escalation_every_working_days": -5}, "escalation_every_working_days"),
        ({"enabled": "yes"}, "enabled"),
        ({"enabled": 1}, "enabled"),
    ],
)
def test_from_json_bad_values_raise_naming_the_key(data, key):
    with pytest.raises(ValueError, match=key):
        ReminderPolicy.from_json(data)


def test_from_json_not_an_object():
    with pytest.raises(ValueError, match="reminder policy"):
        ReminderPolicy.from_json([14, 7])  # type: ignore[arg-type]


def test_direct_construction_is_validated_too():
    with pytest.raises(ValueError, match="escalation_every_working_days"):
        ReminderPolicy(escalation_every_working_days=0)
