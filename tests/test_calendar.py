"""The Russian working-time calendar: days off, deadline arithmetic and delivery hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from bot.calendar import (
    WorkingCalendar,
    add_working_days,
    is_delivery_time,
    is_working_day,
    local_today,
    next_delivery_time,
    next_working_day,
    previous_working_day,
    transfers_known_until,
    working_days_between,
)

MOSCOW = "Europe/Moscow"


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _local(timezone: str, *args: int) -> datetime:
    """An aware UTC moment given as local wall-clock time in ``timezone``."""
    return datetime(*args, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


# Days off ------------------------------------------------------------------------------


def test_new_year_holidays_2025():
    assert not any(is_working_day(day) for day in _days(date(2025, 1, 1), date(2025, 1, 8)))
    assert is_working_day(date(2025, 1, 9))


def test_new_year_holidays_2026_include_the_moved_friday_9_january():
    assert not any(is_working_day(day) for day in _days(date(2026, 1, 1), date(2026, 1, 11)))
    assert is_working_day(date(2026, 1, 12))


def test_8_march_2025_on_a_saturday_is_moved_to_13_june_not_to_monday_10_march():
    library = holidays.country_holidays("RU", years=2025)
    assert date(2025, 3, 8) in library
    assert date(2025, 6, 13) in library
    assert date(2025, 3, 10) not in library
    assert not is_working_day(date(2025, 3, 8))
    assert is_working_day(date(2025, 3, 10))


def test_may_2025_holidays_with_2_and_8_may_moved_days_off():
    assert [is_working_day(day) for day in _days(date(2025, 4, 30), date(2025, 5, 12))] == [
        True,  # Wed 30 April
        False,  # Thu 1 May
        False,  # Fri 2 May, moved from Saturday 4 January
        False,  # Sat
        False,  # Sun
        True,  # Mon 5 May
        True,  # Tue
        True,  # Wed 7 May
        False,  # Thu 8 May, moved from Sunday 23 February
        False,  # Fri 9 May
        False,  # Sat
        False,  # Sun
        True,  # Mon 12 May
    ]


def test_russia_day_2025_with_friday_13_june_off():
    assert not is_working_day(date(2025, 6, 12))
    assert not is_working_day(date(2025, 6, 13))
    assert is_working_day(date(2025, 6, 16))


def test_unity_day_2025_with_the_working_saturday_1_november():
    assert date(2025, 11, 1) in holidays.country_holidays("RU", years=2025).weekend_workdays
    assert is_working_day(date(2025, 11, 1))
    assert not is_working_day(date(2025, 11, 2))
    assert not is_working_day(date(2025, 11, 3))
    assert not is_working_day(date(2025, 11, 4))
    assert is_working_day(date(2025, 11, 5))


def test_31_december_2025_is_a_day_off_and_30_december_is_not():
    assert is_working_day(date(2025, 12, 30))
    assert not is_working_day(date(2025, 12, 31))


def test_ordinary_weekends_are_days_off():
    assert is_working_day(date(2025, 10, 17))  # Friday
    assert not is_working_day(date(2025, 10, 18))
    assert not is_working_day(date(2025, 10, 19))


def test_the_library_knows_the_decrees_at_least_until_2026():
    known = transfers_known_until()
    assert known is not None and known >= 2026


def test_years_beyond_the_library_fall_back_to_fixed_holidays_and_weekends():
    for year in (2031, 2101, 1900):
        assert not is_working_day(date(year, 1, 1))
        assert not is_working_day(date(year, 1, 7))
        assert not is_working_day(date(year, 6, 12))
        assert not is_working_day(date(year, 11, 4))
    assert is_working_day(date(2101, 1, 10))  # Monday
    assert not is_working_day(date(2101, 1, 15))  # Saturday
    assert working_days_between(date(2100, 12, 1), date(2101, 2, 1)) > 0
    assert add_working_days(date(2100, 12, 31), 1) == date(2101, 1, 10)


def test_the_whole_range_agrees_with_the_library_day_by_day():
    library = holidays.country_holidays("RU", years=range(2024, 2028))
    for day in _days(date(2024, 1, 1), date(2027, 12, 31)):
        assert is_working_day(day) == library.is_working_day(day), day


# Counting working days -----------------------------------------------------------------


def test_due_today_is_zero():
    assert working_days_between(date(2025, 10, 15), date(2025, 10, 15)) == 0
    assert working_days_between(date(2025, 11, 4), date(2025, 11, 4)) == 0


def test_a_deadline_on_the_next_working_day_is_one_day_left():
    assert working_days_between(date(2025, 10, 15), date(2025, 10, 16)) == 1
    # Friday to Monday: the weekend does not count.
    assert working_days_between(date(2025, 10, 17), date(2025, 10, 20)) == 1


def test_counting_across_a_weekend_and_holidays():
    # Thursday 30 October 2025 to Friday 7 November 2025: Fri 31, Sat 1 (working),
    # Wed 5, Thu 6, Fri 7; Sunday 2 and 3-4 November are days off.
    assert working_days_between(date(2025, 10, 30), date(2025, 11, 7)) == 5
    # 30 December 2025 to 12 January 2026: only 12 January.
    assert working_days_between(date(2025, 12, 30), date(2026, 1, 12)) == 1
    # A deadline on a day off in the future still counts the working days before it.
    assert working_days_between(date(2025, 4, 30), date(2025, 5, 4)) == 0
    assert working_days_between(date(2025, 4, 29), date(2025, 5, 4)) == 1


def test_an_overdue_deadline_gives_a_negative_count():
    assert working_days_between(date(2025, 10, 16), date(2025, 10, 15)) == -1
    # Deadline on Friday: -1 on Saturday, Sunday and Monday, -2 on Tuesday.
    assert working_days_between(date(2025, 10, 18), date(2025, 10, 17)) == -1
    assert working_days_between(date(2025, 10, 20), date(2025, 10, 17)) == -1
    assert working_days_between(date(2025, 10, 21), date(2025, 10, 17)) == -2
    # Deadline 30 April 2025, seen on 12 May: 30 April, 5, 6 and 7 May have passed.
    assert working_days_between(date(2025, 5, 12), date(2025, 4, 30)) == -4


def test_counting_agrees_with_a_day_by_day_count_over_years():
    library = holidays.country_holidays("RU", years=range(2024, 2028))
    first = date(2024, 11, 20)
    for start in _days(first, first + timedelta(days=40)):
        for end in (
            start + timedelta(days=n) for n in (-400, -61, -7, -1, 0, 1, 3, 9, 45, 380, 800)
        ):
            if end > start:
                expected = library.get_working_days_count(start + timedelta(days=1), end)
            elif end < start:
                expected = -library.get_working_days_count(end, start - timedelta(days=1))
            else:
                expected = 0
            assert working_days_between(start, end) == expected, (start, end)


def test_add_working_days_across_the_may_holidays():
    assert add_working_days(date(2025, 4, 30), 1) == date(2025, 5, 5)
    assert add_working_days(date(2025, 4, 30), 3) == date(2025, 5, 7)
    assert add_working_days(date(2025, 4, 30), 4) == date(2025, 5, 12)
    assert add_working_days(date(2025, 5, 12), -1) == date(2025, 5, 7)
    assert add_working_days(date(2025, 5, 5), -1) == date(2025, 4, 30)


def test_add_zero_working_days_keeps_a_working_day_and_moves_a_day_off():
    assert add_working_days(date(2025, 5, 7), 0) == date(2025, 5, 7)
    assert add_working_days(date(2025, 5, 1), 0) == date(2025, 5, 5)
    assert add_working_days(date(2025, 12, 31), 0) == date(2026, 1, 12)


def test_add_working_days_across_years():
    assert add_working_days(date(2025, 12, 30), 1) == date(2026, 1, 12)
    assert add_working_days(date(2026, 1, 12), -1) == date(2025, 12, 30)
    assert add_working_days(date(2025, 12, 30), 2) == date(2026, 1, 13)
    # Far ahead and back: add then count round-trips.
    far = add_working_days(date(2025, 3, 3), 600)
    assert working_days_between(date(2025, 3, 3), far) == 600
    back = add_working_days(date(2025, 3, 3), -600)
    assert working_days_between(date(2025, 3, 3), back) == -600


def test_add_working_days_round_trips_with_the_count():
    for day in _days(date(2025, 12, 1), date(2026, 1, 31)):
        for count in (1, 2, 5, 20, -1, -2, -5, -20):
            target = add_working_days(day, count)
            assert is_working_day(target)
            assert working_days_between(day, target) == count, (day, count)


def test_next_and_previous_working_day():
    assert next_working_day(date(2025, 10, 31)) == date(2025, 11, 1)  # working Saturday
    assert next_working_day(date(2025, 11, 1)) == date(2025, 11, 5)
    assert previous_working_day(date(2025, 11, 5)) == date(2025, 11, 1)
    assert previous_working_day(date(2026, 1, 12)) == date(2025, 12, 30)
    assert next_working_day(date(2025, 10, 15)) == date(2025, 10, 16)


# Delivery hours ------------------------------------------------------------------------


def test_friday_evening_in_moscow_waits_until_monday_morning():
    friday_evening = _local(MOSCOW, 2025, 3, 14, 18, 30)
    assert not is_delivery_time(friday_evening, MOSCOW)
    assert next_delivery_time(friday_evening, MOSCOW) == _local(MOSCOW, 2025, 3, 17, 9, 0)


def test_friday_evening_before_a_working_saturday_waits_until_saturday_morning():
    friday_evening = _local(MOSCOW, 2025, 10, 31, 18, 30)
    assert next_delivery_time(friday_evening, MOSCOW) == _local(MOSCOW, 2025, 11, 1, 9, 0)


def test_new_years_eve_waits_until_the_first_working_day_of_january():
    evening = _local(MOSCOW, 2025, 12, 31, 20, 0)
    assert next_delivery_time(evening, MOSCOW) == _local(MOSCOW, 2026, 1, 12, 9, 0)
    last_working_evening = _local(MOSCOW, 2025, 12, 30, 18, 0)
    assert next_delivery_time(last_working_evening, MOSCOW) == _local(MOSCOW, 2026, 1, 12, 9, 0)


def test_early_morning_waits_until_nine_the_same_day():
    early = _local(MOSCOW, 2025, 10, 15, 6, 15)
    assert next_delivery_time(early, MOSCOW) == _local(MOSCOW, 2025, 10, 15, 9, 0)


def test_a_moment_inside_the_window_is_returned_unchanged():
    moment = _local(MOSCOW, 2025, 10, 15, 9, 0)
    assert is_delivery_time(moment, MOSCOW)
    result = next_delivery_time(moment, MOSCOW)
    assert result == moment and result.utcoffset() == timedelta(0)
    late = _local(MOSCOW, 2025, 10, 15, 17, 59, 59)
    assert next_delivery_time(late, MOSCOW) == late


def test_the_window_end_is_excluded_and_custom_windows_work():
    assert not is_delivery_time(_local(MOSCOW, 2025, 10, 15, 18, 0), MOSCOW)
    moment = _local(MOSCOW, 2025, 10, 15, 10, 0)
    assert not is_delivery_time(moment, MOSCOW, start=time(11), end=time(12))
    assert next_delivery_time(moment, MOSCOW, start=time(11), end=time(12)) == _local(
        MOSCOW, 2025, 10, 15, 11, 0
    )
    with pytest.raises(ValueError):
        next_delivery_time(moment, MOSCOW, start=time(18), end=time(9))


def test_monday_8_in_moscow_is_already_17_in_kamchatka():
    moment = _local(MOSCOW, 2025, 3, 10, 8, 0)
    assert not is_delivery_time(moment, MOSCOW)
    assert is_delivery_time(moment, "Asia/Kamchatka")
    assert next_delivery_time(moment, "Asia/Kamchatka") == moment


@pytest.mark.parametrize(
    ("timezone", "expected_local"),
    [
        # 06:30 UTC on Monday 10 March 2025 (working: 8 March was moved to 13 June).
        ("Europe/Kaliningrad", (2025, 3, 10, 9, 0)),  # 08:30 local: wait until 09:00
        ("Europe/Moscow", (2025, 3, 10, 9, 30)),  # inside the window
        ("Asia/Yekaterinburg", (2025, 3, 10, 11, 30)),
        ("Asia/Novosibirsk", (2025, 3, 10, 13, 30)),
        ("Asia/Vladivostok", (2025, 3, 10, 16, 30)),
        ("Asia/Kamchatka", (2025, 3, 11, 9, 0)),  # 18:30 local: wait until Tuesday
    ],
)
def test_the_same_moment_across_russian_time_zones(timezone, expected_local):
    moment = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)
    result = next_delivery_time(moment, timezone)
    assert result.tzinfo is not None and result.utcoffset() == timedelta(0)
    assert result.astimezone(ZoneInfo(timezone)).timetuple()[:5] == expected_local
    assert is_delivery_time(result, timezone)


@pytest.mark.parametrize(
    ("timezone", "expected_local"),
    [
        # 06:30 UTC on Friday 31 October 2025; Saturday 1 November is a working day,
        # 2-4 November are days off.
        ("Europe/Kaliningrad", (2025, 10, 31, 9, 0)),
        ("Europe/Moscow", (2025, 10, 31, 9, 30)),
        ("Asia/Yekaterinburg", (2025, 10, 31, 11, 30)),
        ("Asia/Novosibirsk", (2025, 10, 31, 13, 30)),
        ("Asia/Vladivostok", (2025, 10, 31, 16, 30)),
        ("Asia/Kamchatka", (2025, 11, 1, 9, 0)),
    ],
)
def test_time_zones_before_the_november_holidays(timezone, expected_local):
    moment = datetime(2025, 10, 31, 6, 30, tzinfo=UTC)
    result = next_delivery_time(moment, timezone)
    assert result.astimezone(ZoneInfo(timezone)).timetuple()[:5] == expected_local


def test_saturday_evening_in_kamchatka_waits_past_the_holidays():
    # 1 November 2025, 18:30 in Kamchatka: the next working day is Wednesday 5 November.
    moment = _local("Asia/Kamchatka", 2025, 11, 1, 18, 30)
    assert next_delivery_time(moment, "Asia/Kamchatka") == _local(
        "Asia/Kamchatka", 2025, 11, 5, 9, 0
    )


def test_local_today_depends_on_the_time_zone():
    moment = datetime(2025, 12, 31, 13, 0, tzinfo=UTC)
    assert local_today(moment, "Europe/Kaliningrad") == date(2025, 12, 31)
    assert local_today(moment, MOSCOW) == date(2025, 12, 31)
    assert local_today(moment, "Asia/Vladivostok") == date(2025, 12, 31)
    assert local_today(moment, "Asia/Kamchatka") == date(2026, 1, 1)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        next_delivery_time(datetime(2025, 10, 15, 10, 0), MOSCOW)
    with pytest.raises(ValueError):
        local_today(datetime(2025, 10, 15, 10, 0), MOSCOW)


def test_a_separate_calendar_instance_gives_the_same_answers():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(date(2025, 11, 1))
    assert calendar.working_days_between(date(2025, 4, 30), date(2025, 5, 12)) == 4
