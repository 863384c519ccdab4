"""When a coordinator's weekly digest is due: a pure rule over their setting and the clock.

A person chooses a weekday and a time of day (default Monday 09:00) in their own time zone.
A week's digest goes on the first working day on or after the chosen weekday (a holiday
Monday moves it to Tuesday, or further; the Russian production calendar of
`bot.calendar.WorkingCalendar`), at the chosen time. A week is the person's local calendar
week, Monday to Sunday, and it gets at most one digest:

* a digest missed (the bot was down) goes once when the bot is back, the same week, on a
  working day at or after the chosen time of day; never for a week that has ended;
* a chosen day whose next working day lies in the following week (New Year, a holiday
  Friday) is that following week's digest, and the week itself has none.

The week of a digest is its key: the scan stores the local date of the last digest sent and
sends for a week only while that date lies before the week's Monday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.calendar import DEFAULT_CALENDAR, WorkingCalendar, time_zone

MONDAY = 0
DEFAULT_WEEKDAY = MONDAY
DEFAULT_TIME = time(9, 0)
# The days and hours offered by /digest.
OFFERED_WEEKDAYS = tuple(range(5))
OFFERED_HOURS = tuple(range(8, 19))
_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class DigestSetting:
    """A person's choice: the weekday (0 = Monday … 6 = Sunday), the local time, on or off."""

    weekday: int = DEFAULT_WEEKDAY
    at: time = DEFAULT_TIME
    enabled: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")


DEFAULT_SETTING = DigestSetting()


@dataclass(frozen=True, slots=True)
class DueDigest:
    """A digest to send now: the week it is for (its Monday) and the local day it goes."""

    week: date
    local_date: date


def week_of(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def scheduled_day(week: date, weekday: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> date:
    """The day the digest of the week starting on `week` goes: the chosen weekday, or the next
    working day after it when it is not a working day (possibly in the next week)."""
    day = week + timedelta(days=weekday)
    return day if calendar.is_working_day(day) else calendar.next_working_day(day)


def _reached(day: date, weekday: int, calendar: WorkingCalendar) -> bool:
    """Has the digest day of `day`'s week come by `day`: this week's own day, or last week's
    moved into this one by holidays, and `day` a working day?"""
    if not calendar.is_working_day(day):
        return False
    week = week_of(day)
    days = (scheduled_day(week - _WEEK, weekday, calendar), scheduled_day(week, weekday, calendar))
    return any(week <= scheduled <= day for scheduled in days)


def _sent_for(week: date, last_sent_on: date | None) -> bool:
    return last_sent_on is not None and last_sent_on >= week


def due_digest(
    setting: DigestSetting,
    *,
    timezone: str,
    last_sent_on: date | None,
    now: datetime,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> DueDigest | None:
    """The digest due at `now` for a person in `timezone`, or None.

    `last_sent_on` is the local date the last digest went (None: never)."""
    if not setting.enabled:
        return None
    local = now.astimezone(time_zone(timezone))
    today = local.date()
    week = week_of(today)
    if _sent_for(week, last_sent_on) or local.time() < setting.at:
        return None
    if not _reached(today, setting.weekday, calendar):
        return None
    return DueDigest(week=week, local_date=today)


def next_digest_day(
    setting: DigestSetting,
    *,
    timezone: str,
    last_sent_on: date | None,
    now: datetime,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> date | None:
    """The local day the next digest goes (today if it is due now or later today), None when
    off: the first day on which `due_digest` says yes at the chosen time."""
    if not setting.enabled:
        return None
    today = now.astimezone(time_zone(timezone)).date()
    for offset in range(4 * 7):
        day = today + timedelta(days=offset)
        if not _sent_for(week_of(day), last_sent_on) and _reached(day, setting.weekday, calendar):
            return day
    return None
