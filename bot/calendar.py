"""The Russian working-time calendar: working days, deadlines and delivery hours.

Pure functions, no database and no Telegram. Everything here answers two questions:
how many working days are left until (or have passed since) a deadline, and when a
reminder may be delivered to a person (a working day, within working hours, in that
person's time zone).

Where the calendar comes from
-----------------------------
The production calendar is taken from the ``holidays`` package (``holidays.Russia``),
not maintained here. What it covers (checked in its source, version 0.109):

* Fixed public holidays of the Labour Code (art. 112) for 1991-2100, with their
  historical changes; today: 1-6 and 8 January (New Year holidays), 7 January,
  23 February, 8 March, 1 and 9 May, 12 June, 4 November.
* The yearly government decrees that move days off ("substituted holidays"), 1991-2027
  at the time of writing (the latest year is :func:`transfers_known_until`). For example
  in 2025: Friday 2 May, Thursday 8 May, Friday 13 June (moved from Saturday 8 March),
  Monday 3 November and Wednesday 31 December are days off. A day off moved away from
  a weekend day that was not itself a holiday makes that weekend day a working day: the
  library exposes those as ``weekend_workdays`` (Saturday 1 November 2025; Saturdays
  27 April, 2 November and 28 December 2024; Saturday 20 February 2027) and honours them
  in its ``is_working_day`` method, which this module builds on.
* The Labour Code's own moves (a holiday falling on a weekend moves to the next working
  day) as "observed" holidays, for the years the library lists them, e.g. Monday 9 March
  and Monday 11 May 2026.

Known gaps (not patched here on purpose: update the ``holidays`` package instead):

* Years after the last decree the library knows (:func:`transfers_known_until`) have
  only the fixed-date holidays and weekends. The Labour Code's automatic rule (a holiday
  falling on a weekend moves to the next working day, except the January ones) is not
  applied by the library for those years, nor here, until a library update brings the
  decree.
* Years outside the library's range (before 1991, after 2100) get weekends plus the
  fixed-date holidays as the library defines them for its last year. Nothing raises.
* Regional holidays (e.g. Kurban Bayram in Tatarstan or Bashkortostan) are not included:
  the library has no Russian subdivisions.
* Shortened pre-holiday working days are not modelled: every working day is whole.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

COUNTRY = "RU"
DEFAULT_START = time(9)
DEFAULT_END = time(18)

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1024)
def time_zone(name: str) -> ZoneInfo:
    """The zone of this name, kept. `ZoneInfo` itself keeps only the 8 it made last: a pass
    over Russia's 11 zones (every update's "today" in each) would read them all from disk
    again each time. Raises ZoneInfoNotFoundError (or ValueError) for an unknown name."""
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class _YearTable:
    """Working days of one calendar year, ready for arithmetic.

    ``working[i]`` is 1 when the i-th day of the year (0 = 1 January) is a working day;
    ``cumulative[i]`` is the number of working days among the first ``i`` days of the year,
    so ``cumulative[-1]`` is the number of working days in the whole year.
    """

    first_ordinal: int
    working: bytes
    cumulative: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.cumulative[-1]


def _build_year_table(days: list[date], working: list[bool]) -> _YearTable:
    cumulative = [0]
    for flag in working:
        cumulative.append(cumulative[-1] + flag)
    return _YearTable(
        first_ordinal=days[0].toordinal(),
        working=bytes(working),
        cumulative=tuple(cumulative),
    )


def _days_of_year(year: int) -> list[date]:
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return [date.fromordinal(ordinal) for ordinal in range(first, last + 1)]


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is required (use UTC)")
    return moment


def _check_window(start: time, end: time) -> tuple[time, time]:
    start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if start >= end:
        raise ValueError(f"the delivery window must not be empty: {start}-{end}")
    return start, end


class WorkingCalendar:
    """Working days by the Russian production calendar, and delivery hours.

    Holiday data is read once per year from the ``holidays`` package and kept as
    precomputed tables, so the queries below cost a few look-ups and subtractions
    whatever the length of the range (plus one look-up per calendar year it spans).
    """

    def __init__(self) -> None:
        reference = holidays.country_holidays(COUNTRY)
        self._first_known_year: int = reference.start_year
        self._last_known_year: int = reference.end_year
        self._weekend: frozenset[int] = frozenset(reference.weekend)
        decree_years = set(getattr(reference, "special_public_holidays", {}))
        decree_years |= set(getattr(reference, "special_public_holidays_observed", {}))
        self._transfers_known_until: int | None = max(decree_years, default=None)
        # One cache per calendar instance (an lru_cache on the method would be shared).
        self._year_table = lru_cache(maxsize=None)(self._load_year)

    # Loading -------------------------------------------------------------------------

    def _load_year(self, year: int) -> _YearTable:
        days = _days_of_year(year)
        if self._first_known_year <= year <= self._last_known_year:
            library = holidays.country_holidays(COUNTRY, years=year)
            working = [library.is_working_day(day) for day in days]
        else:
            fixed = self._fixed_holidays()
            working = [
                day.weekday() not in self._weekend and (day.month, day.day) not in fixed
                for day in days
            ]
        return _build_year_table(days, working)

    def _fixed_holidays(self) -> frozenset[tuple[int, int]]:
        """(month, day) of the holidays of the library's last year: the fallback pattern."""
        library = holidays.country_holidays(COUNTRY, years=self._last_known_year)
        return frozenset((day.month, day.day) for day in library)

    def _table_and_index(self, day: date) -> tuple[_YearTable, int]:
        table = self._year_table(day.year)
        return table, day.toordinal() - table.first_ordinal

    def transfers_known_until(self) -> int | None:
        """The last year for which the library knows the government's moved days off.

        Later years are computed from fixed-date holidays and weekends only; the bot may
        warn an administrator when the current or next year is past this.
        """
        return self._transfers_known_until

    # Days ------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True on a working day: not a weekend, a public holiday or a moved day off.

        A weekend day made working by a decree (e.g. Saturday 1 November 2025) is a
        working day.
        """
        table, index = self._table_and_index(day)
        return bool(table.working[index])

    def _count_working(self, first: date, last: date) -> int:
        """The number of working days in ``[first, last]``, both included (0 if empty)."""
        if first > last:
            return 0
        table_first, index_first = self._table_and_index(first)
        table_last, index_last = self._table_and_index(last)
        if first.year == last.year:
            return table_last.cumulative[index_last + 1] - table_first.cumulative[index_first]
        count = table_first.total - table_first.cumulative[index_first]
        count += table_last.cumulative[index_last + 1]
        for year in range(first.year + 1, last.year):
            count += self._year_table(year).total
        return count

    def working_days_between(self, start: date, end: date) -> int:
        """Working days from ``start`` (usually today) to ``end`` (usually a deadline).

        The deadline day is counted, today is not:

        * ``end`` after ``start``: the number of working days after ``start`` up to and
          including ``end`` — "working days left". A deadline on the next working day
          gives 1; a deadline on Monday seen on Friday gives 1 as well.
        * ``end`` equal to ``start``: 0 — "due today".
        * ``end`` before ``start``: minus the number of working days from ``end``
          (included) up to ``start`` (excluded) — "working days overdue". A deadline
          yesterday, a working day, gives -1; a deadline on Friday seen on Saturday,
          Sunday or Monday gives -1 too, and -2 on Tuesday.

        When the deadline itself is not a working day, 0 may also be returned for a
        deadline in the future or in the past (e.g. a Sunday deadline seen on Saturday):
        compare the dates to tell "due" from "overdue"; the count is only a magnitude.
        """
        if end > start:
            return self._count_working(start + _ONE_DAY, end)
        if end < start:
            return -self._count_working(end, start - _ONE_DAY)
        return 0

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (before it when ``count`` is negative).

        ``day`` itself is never counted. With ``count == 0`` the result is ``day`` when it
        is a working day, else the next working day — e.g. the day a deadline that falls
        on a day off effectively moves to. Examples for 2025: ``add_working_days(30 April,
        1)`` is 5 May (1-4 May are days off); ``add_working_days(12 May, -1)`` is 7 May.
        """
        if count == 0:
            return day if self.is_working_day(day) else self.add_working_days(day, 1)
        table, index = self._table_and_index(day)
        year = day.year
        if count > 0:
            # Rank (1-based, within the year) of the wanted working day.
            rank = table.cumulative[index + 1] + count
            while rank > table.total:
                rank -= table.total
                year += 1
                table = self._year_table(year)
        else:
            rank = table.cumulative[index] + count + 1
            while rank < 1:
                year -= 1
                table = self._year_table(year)
                rank += table.total
        # cumulative[i] reaches ``rank`` first right after the day with index i - 1.
        position = bisect_left(table.cumulative, rank)
        return date.fromordinal(table.first_ordinal + position - 1)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self.add_working_days(day, -1)

    # Moments ---------------------------------------------------------------------------

    def local_today(self, moment: datetime, timezone: str) -> date:
        """The date it is at ``moment`` (an aware datetime) in the time zone ``timezone``."""
        return _require_aware(moment).astimezone(time_zone(timezone)).date()

    def is_delivery_time(
        self,
        moment: datetime,
        timezone: str,
        start: time = DEFAULT_START,
        end: time = DEFAULT_END,
    ) -> bool:
        """True when ``moment`` is on a local working day, local time within ``[start, end)``.

        ``start`` and ``end`` are local wall-clock times in ``timezone`` (an IANA name such
        as "Europe/Moscow" or "Asia/Kamchatka").
        """
        start, end = _check_window(start, end)
        local = _require_aware(moment).astimezone(time_zone(timezone))
        return self.is_working_day(local.date()) and start <= local.time() < end

    def next_delivery_time(
        self,
        moment: datetime,
        timezone: str,
        start: time = DEFAULT_START,
        end: time = DEFAULT_END,
    ) -> datetime:
        """The earliest moment at or after ``moment`` that is delivery time, in UTC.

        Delivery time is a working day in ``timezone`` between local ``start`` (included)
        and ``end`` (excluded). A ``moment`` already inside the window is returned as is
        (converted to UTC); otherwise the answer is ``start`` o'clock local time on the same
        day (if it is a working day and still before ``start``) or on the next working day.
        """
        start, end = _check_window(start, end)
        zone = time_zone(timezone)
        local = _require_aware(moment).astimezone(zone)
        day, clock = local.date(), local.time()
        if self.is_working_day(day):
            if start <= clock < end:
                return moment.astimezone(UTC)
            if clock < start:
                return datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
        return datetime.combine(self.next_working_day(day), start, tzinfo=zone).astimezone(UTC)


DEFAULT_CALENDAR = WorkingCalendar()

# Module-level shortcuts to the shared calendar, for callers that need no other instance.
transfers_known_until = DEFAULT_CALENDAR.transfers_known_until
is_working_day = DEFAULT_CALENDAR.is_working_day
working_days_between = DEFAULT_CALENDAR.working_days_between
add_working_days = DEFAULT_CALENDAR.add_working_days
next_working_day = DEFAULT_CALENDAR.next_working_day
previous_working_day = DEFAULT_CALENDAR.previous_working_day
local_today = DEFAULT_CALENDAR.local_today
is_delivery_time = DEFAULT_CALENDAR.is_delivery_time
next_delivery_time = DEFAULT_CALENDAR.next_delivery_time
