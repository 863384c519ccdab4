"""When a coordinator's weekly digest is due: the chosen day and time in their zone, moved past
holidays, once a week, and a missed one sent when the bot is back the same week."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar import DEFAULT_CALENDAR
from bot.digest_schedule import (
    DEFAULT_SETTING,
    DigestSetting,
    DueDigest,
    due_digest,
    next_digest_day,
    scheduled_day,
    week_of,
)

MOSCOW = "Europe/Moscow"
VLADIVOSTOK = "Asia/Vladivostok"


def at(day: date, hour: int, minute: int = 0, zone: str = MOSCOW) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(UTC)


def due(now: datetime, last: date | None = None, setting=DEFAULT_SETTING, zone=MOSCOW):
    return due_digest(setting, timezone=zone, last_sent_on=last, now=now)


def test_monday_at_nine_in_the_persons_zone() -> None:
    monday = date(2025, 5, 19)
    assert due(at(monday, 8, 59)) is None
    assert due(at(monday, 9, 0)) == DueDigest(week=monday, local_date=monday)
    # Sent: not again that week, whatever the hour or day.
    assert due(at(monday, 9, 1), last=monday) is None
    assert due(at(monday + timedelta(days=4), 17), last=monday) is None
    # The next Monday, again.
    assert due(at(monday + timedelta(days=7), 9), last=monday) is not None


def test_vladivostok_gets_it_seven_hours_before_moscow() -> None:
    monday = date(2025, 5, 19)
    moment = at(monday, 9, zone=VLADIVOSTOK)  # Monday 02:00 in Moscow
    assert due(moment, zone=VLADIVOSTOK) == DueDigest(week=monday, local_date=monday)
    assert due(moment, zone=MOSCOW) is None
    # Sunday 23:30 UTC is Monday morning in Vladivostok and still Sunday in Moscow.
    assert due(datetime(2025, 5, 18, 23, 30, tzinfo=UTC), zone=VLADIVOSTOK) is not None


def test_a_holiday_monday_moves_it_to_the_next_working_day() -> None:
    monday, tuesday = date(2026, 5, 11), date(2026, 5, 12)  # 11 May 2026 is a holiday
    assert not DEFAULT_CALENDAR.is_working_day(monday)
    assert due(at(monday, 10)) is None
    assert due(at(tuesday, 9)) == DueDigest(week=monday, local_date=tuesday)


def test_the_may_holidays_week_gets_its_digest_on_its_first_working_day() -> None:
    # 1–4 May 2025 and 8–11 May are off; Monday 5 May works.
    assert scheduled_day(date(2025, 5, 5), 0) == date(2025, 5, 5)
    # Thursday 8 May is a holiday: a Thursday digest goes on Monday 12 May, the next week's.
    assert scheduled_day(date(2025, 5, 5), 3) == date(2025, 5, 12)
    thursday = DigestSetting(weekday=3)
    assert due(at(date(2025, 5, 8), 10), setting=thursday) is None
    assert due(at(date(2025, 5, 11), 20), setting=thursday) is None
    sent = due(at(date(2025, 5, 12), 9), setting=thursday)
    assert sent == DueDigest(week=date(2025, 5, 12), local_date=date(2025, 5, 12))
    # That week's own Thursday is not a second digest for the week.
    assert due(at(date(2025, 5, 15), 9), last=sent.local_date, setting=thursday) is None


def test_new_year_holidays_leave_the_first_week_without_a_digest() -> None:
    # 1–11 January 2026 are off: the week of 5 January has no working day.
    for day in (date(2026, 1, 5), date(2026, 1, 8), date(2026, 1, 11)):
        assert due(at(day, 12), last=date(2025, 12, 29)) is None
    monday = date(2026, 1, 12)
    assert due(at(monday, 9), last=date(2025, 12, 29)) == DueDigest(monday, monday)


def test_a_digest_missed_while_the_bot_was_down_goes_once_when_back_the_same_week() -> None:
    monday, wednesday = date(2025, 5, 19), date(2025, 5, 21)
    assert due(at(wednesday, 15), last=date(2025, 5, 12)) == DueDigest(monday, wednesday)
    assert due(at(wednesday, 15, 1), last=wednesday) is None
    # Back only the next Monday before nine: the old week is over, the new one waits for nine.
    assert due(at(monday + timedelta(days=7), 8), last=date(2025, 5, 12)) is None


def test_off_means_never() -> None:
    off = DigestSetting(enabled=False)
    assert due(at(date(2025, 5, 19), 9), setting=off) is None
    assert (
        next_digest_day(off, timezone=MOSCOW, last_sent_on=None, now=at(date(2025, 5, 19), 9))
        is None
    )


def test_the_next_digest_day_follows_the_setting() -> None:
    now = at(date(2025, 5, 20), 10)  # Tuesday
    monday_sent = date(2025, 5, 19)
    assert next_digest_day(DEFAULT_SETTING, timezone=MOSCOW, last_sent_on=monday_sent, now=now) == (
        date(2025, 5, 26)
    )
    friday = DigestSetting(weekday=4, at=time(15))
    assert next_digest_day(friday, timezone=MOSCOW, last_sent_on=None, now=now) == date(2025, 5, 23)
    # This week's digest went on Monday: a new day this week waits for the next week.
    assert next_digest_day(friday, timezone=MOSCOW, last_sent_on=monday_sent, now=now) == (
        date(2025, 5, 30)
    )


def test_moving_the_day_back_before_this_weeks_digest_went_sends_it_now() -> None:
    tuesday_ten = at(date(2025, 5, 20), 10)
    monday = DigestSetting(weekday=0)
    last_week = date(2025, 5, 14)
    assert next_digest_day(monday, timezone=MOSCOW, last_sent_on=last_week, now=tuesday_ten) == (
        date(2025, 5, 20)
    )
    assert due(tuesday_ten, last=last_week, setting=monday) == DueDigest(
        date(2025, 5, 19), date(2025, 5, 20)
    )


ZONES = st.sampled_from([MOSCOW, VLADIVOSTOK, "Asia/Kamchatka", "Europe/Kaliningrad"])


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1)),
    zone=ZONES,
    weekday=st.integers(0, 4),
    hour=st.integers(8, 18),
)
def test_over_weeks_of_scans_every_week_gets_at_most_one_digest_on_a_working_day(
    start, zone, weekday, hour
) -> None:
    """A scan every 30 minutes for five weeks: one digest a week at most, on a working day at
    or after the chosen time, and every week whose chosen day is within it gets one."""
    setting = DigestSetting(weekday=weekday, at=time(hour))
    now = start.replace(tzinfo=UTC)
    last: date | None = None
    announced = next_digest_day(setting, timezone=zone, last_sent_on=None, now=now)
    sent: list[date] = []
    for _ in range(5 * 7 * 48):
        found = due_digest(setting, timezone=zone, last_sent_on=last, now=now)
        if found is not None:
            local = now.astimezone(ZoneInfo(zone))
            assert found.local_date == local.date() and local.time() >= setting.at
            assert DEFAULT_CALENDAR.is_working_day(found.local_date)
            last = found.local_date
            sent.append(found.local_date)
        now += timedelta(minutes=30)
    weeks = [week_of(day) for day in sent]
    assert len(weeks) == len(set(weeks))
    assert sent[0] == announced  # /digest says the day it comes
    first_week = week_of(start.date()) + timedelta(days=7)
    for week_index in range(3):
        week = first_week + timedelta(days=7 * week_index)
        day = scheduled_day(week, weekday)
        if week_of(day) == week:
            assert week in weeks
