"""Where a measure stands: one definition for /my, the card, reminders, summaries and exports.

Two levels:

* a **part** is one body's share of a measure (its assignment); per-body counts count parts;
* a **measure** stands where its deciding part stands: the lead executor's (with no lead
  executor, every body's together, as `bot.report_review.measure_is_done` decides).

The statuses, in the order they are shown:

* ``DONE`` — accepted: the part's report was accepted, or the whole measure is done (its
  deciding part accepted, or done before the plan was imported): a done measure is chased from
  nobody, so every part of it counts as done;
* ``UNDER_REVIEW`` — a report was submitted and awaits the coordinator's decision, whatever the
  deadline (`past_deadline` tells how many of those are late);
* ``OVERDUE`` — the deadline has passed in the body's zone, not done, not under review;
* ``DUE_SOON`` — due within `DUE_SOON_DAYS` calendar days (today included);
* ``LATER`` — due later;
* ``NO_DEADLINE`` — no deadline in the plan;
* ``REMOVED`` — a later import removed the measure from the plan (history, not work).

"Today" is the date in the body's zone (the body's own zone, else the plan's, else the
default: `bot.clock.person_timezone` with no person level). `StatusDates` carries one "today"
per zone for SQL: summaries count in the database, with the same rule as `part_status`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, and_, case, literal, or_, select
from sqlalchemy.orm import aliased

from bot.calendar import time_zone
from bot.clock import person_timezone, today_in
from models.tables import AssignmentStatus, Organization

DUE_SOON_DAYS = 7


class Status(enum.StrEnum):
    DONE = "done"
    UNDER_REVIEW = "review"
    OVERDUE = "overdue"
    DUE_SOON = "soon"
    LATER = "later"
    NO_DEADLINE = "no_deadline"
    REMOVED = "removed"


# The order statuses are shown in; the open ones are still somebody's work.
STATUS_ORDER: tuple[Status, ...] = tuple(Status)
OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.OVERDUE, Status.DUE_SOON, Status.LATER, Status.NO_DEADLINE}
)


def status_by_deadline(deadline: date | None, today: date) -> Status:
    """Where open work stands by its deadline alone."""
    if deadline is None:
        return Status.NO_DEADLINE
    if deadline < today:
        return Status.OVERDUE
    if (deadline - today).days <= DUE_SOON_DAYS:
        return Status.DUE_SOON
    return Status.LATER


def part_status(
    *,
    deadline: date | None,
    assignment_status: AssignmentStatus | str,
    measure_done_on: date | None,
    removed: bool,
    today: date,
) -> Status:
    """One body's part of a measure; `today` is the date in that body's zone."""
    if removed:
        return Status.REMOVED
    status = AssignmentStatus(assignment_status)
    if measure_done_on is not None or status is AssignmentStatus.ACCEPTED:
        return Status.DONE
    if status is AssignmentStatus.SUBMITTED:
        return Status.UNDER_REVIEW
    return status_by_deadline(deadline, today)


def deciding_statuses(
    parts: Iterable[tuple[bool, AssignmentStatus | str]],
) -> list[AssignmentStatus]:
    """(is_lead, status) of a measure's current parts → the statuses that decide the measure:
    the lead executors', or every body's when none leads."""
    leads: list[AssignmentStatus] = []
    every: list[AssignmentStatus] = []
    for is_lead, status in parts:
        # Rows read from the database already hold the enum; only text is converted.
        if type(status) is not AssignmentStatus:
            status = AssignmentStatus(status)
        every.append(status)
        if is_lead:
            leads.append(status)
    return leads or every


def measure_status(
    *,
    deadline: date | None,
    done_on: date | None,
    removed: bool,
    parts: Iterable[tuple[bool, AssignmentStatus | str]],
    today: date,
) -> Status:
    """The whole measure; `today` is the date in its lead body's zone.

    Done when `done_on` is set (the deciding parts were accepted, or done before import);
    under review when a deciding part awaits a decision; else by deadline."""
    if removed:
        return Status.REMOVED
    if done_on is not None:
        return Status.DONE
    return decided_status(deciding_statuses(parts), deadline, today)


def decided_status(deciding: list[AssignmentStatus], deadline: date | None, today: date) -> Status:
    """`measure_status` of a live measure not marked done, from its deciding parts' statuses
    (`deciding_statuses`): for a caller that has them already (a measure of one part)."""
    if deciding and deciding.count(AssignmentStatus.ACCEPTED) == len(deciding):
        return Status.DONE
    if AssignmentStatus.SUBMITTED in deciding:
        return Status.UNDER_REVIEW
    return status_by_deadline(deadline, today)


def is_past_deadline(deadline: date | None, today: date) -> bool:
    """A report under review whose deadline has passed (shown apart in the summaries)."""
    return deadline is not None and deadline < today


# --- In SQL ---------------------------------------------------------------------------------


@functools.cache
def _known_zones(default_timezone: str) -> tuple[str, ...]:
    """Russia's zones and the default, sorted (built once: every /my page asks)."""
    # Imported here: bot.timezones reaches bot.measures (through bot.scope), which uses this
    # module.
    from bot.timezones import RussianZone

    return tuple(sorted({zone.value for zone in RussianZone} | {default_timezone}))


def _next_midnight(zones: Iterable[str], now: datetime) -> datetime:
    """The first moment after `now` at which the date changes in one of these zones."""
    moments = []
    for zone in zones:
        local = now.astimezone(time_zone(zone))
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=local.tzinfo)
        moments.append(midnight.astimezone(now.tzinfo))
    return min(moments)


# The zones' dates worked out last, by the zones asked for: (from, until, default zone, dates).
# Every /my page asks for them (a dozen zones), and they change only at a zone's midnight.
_kept_dates: dict[tuple[str, ...], tuple[datetime, datetime, str, StatusDates]] = {}


@dataclass(frozen=True, slots=True)
class StatusDates:
    """ "Today" in each zone a body may be in, at one moment: what SQL compares deadlines with.

    Zones are Russia's (the ones a coordinator can set) plus the default; a stored zone outside
    them is unknown to `is_known_timezone` only if misspelt, and counts in the default zone, as
    `bot.clock.person_timezone` would for a misspelt one."""

    default_today: date
    today_by_zone: dict[str, date]

    @classmethod
    def at(
        cls, now: datetime, default_timezone: str, extra_zones: Iterable[str] = ()
    ) -> StatusDates:
        zones = _known_zones(default_timezone)
        extra = {zone for zone in extra_zones if zone and person_timezone(zone) == zone}
        if not extra <= set(zones):
            zones = tuple(sorted({*zones, *extra}))
        kept = _kept_dates.get(zones)
        if kept is not None and kept[0] <= now < kept[1] and kept[2] == default_timezone:
            return kept[3]
        dates = cls(
            default_today=today_in(default_timezone, now),
            today_by_zone={zone: today_in(zone, now) for zone in zones},
        )
        # The same dates hold until the next midnight in any of the zones.
        _kept_dates[zones] = (now, _next_midnight(zones, now), default_timezone, dates)
        return dates

    @property
    def one_date(self) -> bool:
        """Every zone has the same date now: the zones do not matter."""
        return set(self.today_by_zone.values()) <= {self.default_today}

    def today(self, zone: str | None) -> date:
        """The date in this zone (the default's date for none or an unknown one)."""
        return self.today_by_zone.get(zone or "", self.default_today)

    def today_expression(self, *zone_columns: Any) -> ColumnElement[date]:
        """SQL: the date in the first of `zone_columns` (body's, then plan's) that holds a zone
        known here; the default zone's date when none does (the rule of `person_timezone`)."""
        return _by_zone(zone_columns, self.today_by_zone, self.default_today)

    def soon_limit_expression(self, *zone_columns: Any) -> ColumnElement[date]:
        """SQL: the last date that is still "due soon" in the body's zone."""
        return self.days_ahead_expression(DUE_SOON_DAYS, *zone_columns)

    def days_ahead_expression(self, days: int, *zone_columns: Any) -> ColumnElement[date]:
        """SQL: the date `days` calendar days after today in the body's zone."""
        step = timedelta(days=days)
        limits = {name: day + step for name, day in self.today_by_zone.items()}
        return _by_zone(zone_columns, limits, self.default_today + step)

    def past_deadline(self, deadline: Any, *zone_columns: Any) -> ColumnElement[bool]:
        """SQL, for a CASE's WHEN: the deadline has passed in the body's zone. Only a deadline
        between the earliest and the latest "today" depends on the zone: every other row is
        decided by two comparisons and never looks its zone up."""
        return _before(deadline, self._days(0), self.today_expression(*zone_columns))

    def within_days(self, days: int, deadline: Any, *zone_columns: Any) -> ColumnElement[bool]:
        """SQL, for a CASE's WHEN: the deadline is at most `days` days after today in the
        body's zone (the zone looked up only for deadlines the zones disagree on)."""
        limit = self.days_ahead_expression(days, *zone_columns)
        return _before(deadline, self._days(days), limit, inclusive=True)

    def _days(self, days: int) -> tuple[date, date]:
        """The earliest and the latest date `days` after today, over every zone."""
        step = timedelta(days=days)
        every = {self.default_today, *self.today_by_zone.values()}
        return min(every) + step, max(every) + step


def _before(
    deadline: Any,
    bounds: tuple[date, date],
    by_zone: ColumnElement[date],
    *,
    inclusive: bool = False,
) -> ColumnElement[bool]:
    earliest, latest = bounds
    if earliest == latest:
        return deadline <= earliest if inclusive else deadline < earliest
    if inclusive:
        return or_(deadline <= earliest, and_(deadline <= latest, deadline <= by_zone))
    return or_(deadline < earliest, and_(deadline < latest, deadline < by_zone))


@dataclass(frozen=True, slots=True)
class BodyZone:
    """The zone of the body whose id stands in `body_id`: a zone column for `StatusDates`
    expressions that finds a body among the bodies of each zone's date (a list the database
    builds once per query) instead of joining every row to its body."""

    body_id: Any

    def name(self) -> ScalarSelect[Any]:
        """SQL: the body's zone name, for rows that show it (a page of a list)."""
        body = aliased(Organization)
        return select(body.timezone).where(body.id == self.body_id).scalar_subquery()

    def in_(self, zones: list[str]) -> ColumnElement[bool]:
        body = aliased(Organization)
        return self.body_id.in_(select(body.id).where(body.timezone.in_(zones)).correlate(None))


def _by_zone(
    zone_columns: Iterable[Any], dates: dict[str, date], default: date
) -> ColumnElement[date]:
    # Zones grouped by their date (at most three dates exist at one moment): one branch per
    # column and date, the first column that names a known zone decides.
    zones_by_date: dict[date, list[str]] = {}
    for name, day in sorted(dates.items()):
        zones_by_date.setdefault(day, []).append(name)
    if set(zones_by_date) <= {default}:
        # Every zone has the same date (most of a Russian working day): no zone to look at.
        return literal(default)
    whens = [
        (column.in_(names), literal(day))
        for column in zone_columns
        for day, names in sorted(zones_by_date.items())
    ]
    if not whens:
        return literal(default)
    return case(*whens, else_=literal(default))


def part_status_expression(
    *,
    assignment: Any,
    measure: Any,
    dates: StatusDates,
    zone_columns: tuple[Any, ...],
) -> ColumnElement[str]:
    """SQL: `part_status` of an assignment row joined to its measure, `zone_columns` the body's
    and the plan's zone columns (in that order). Yields `Status` values."""
    return case(
        (measure.removed_at.is_not(None), literal(Status.REMOVED.value)),
        (
            or_(measure.done_on.is_not(None), assignment.status == AssignmentStatus.ACCEPTED),
            literal(Status.DONE.value),
        ),
        (assignment.status == AssignmentStatus.SUBMITTED, literal(Status.UNDER_REVIEW.value)),
        (measure.deadline.is_(None), literal(Status.NO_DEADLINE.value)),
        (dates.past_deadline(measure.deadline, *zone_columns), literal(Status.OVERDUE.value)),
        (
            dates.within_days(DUE_SOON_DAYS, measure.deadline, *zone_columns),
            literal(Status.DUE_SOON.value),
        ),
        else_=literal(Status.LATER.value),
    )
