"""Counting by status in SQL: the one status definition (`bot.measure_status`) over many
measures at once, for summaries, /plans, /start and the due lists.

* `measure_status_rows`: one row per measure with its `measure_status` (the lead executor's
  part decides; "today" in the first deciding body's zone, else the plan's, else the default);
* `part_status_rows`: one row per current part (assignment) with its `part_status` (the
  body's own zone);
* `grouped_status_counts` + `counts_from_rows`: GROUP BY over those rows into `StatusCounts`.

When every zone has the same date (most of a Russian working day) the zones are not read; when
they differ, only for the deadlines they disagree on (`StatusDates.past_deadline`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.measure_status import (
    DUE_SOON_DAYS,
    OPEN_STATUSES,
    STATUS_ORDER,
    BodyZone,
    Status,
    StatusDates,
    part_status_expression,
)
from models.queries import active_assignment, plain_rows
from models.tables import Assignment, AssignmentStatus, Measure, Plan


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """How many measures (or parts) are in each status; `review_past_deadline` of those under
    review are past their deadline."""

    by_status: Mapping[Status, int] = field(default_factory=dict)
    review_past_deadline: int = 0

    def __getitem__(self, status: Status) -> int:
        return self.by_status.get(status, 0)

    @property
    def total(self) -> int:
        """Everything in the plan now (removed measures are history, not counted)."""
        return sum(
            count for status, count in self.by_status.items() if status is not Status.REMOVED
        )

    @property
    def open(self) -> int:
        return sum(self[status] for status in OPEN_STATUSES)

    @property
    def percent_done(self) -> int:
        """Done of the total, rounded down (100 only when everything is done)."""
        return self[Status.DONE] * 100 // self.total if self.total else 0


def counts_from_rows(rows: Iterable[tuple[Any, int, int]]) -> StatusCounts:
    """(status, count, past deadline) rows → counts."""
    by_status: dict[Status, int] = {}
    past = 0
    for value, count, past_deadline in rows:
        status = Status(value)
        by_status[status] = by_status.get(status, 0) + int(count)
        if status is Status.UNDER_REVIEW:
            past += int(past_deadline or 0)
    return StatusCounts({s: by_status[s] for s in STATUS_ORDER if s in by_status}, past)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _constant(value: int | str) -> ColumnElement[Any]:
    """A constant written into the SQL, not bound: an aggregate written twice is then the same
    expression, and the database computes it once (bound, each copy has its own parameters)."""
    return literal_column(str(value) if isinstance(value, int) else f"'{value}'")


def _deciding_code() -> ColumnElement[int]:
    """Per part: 4 for a lead executor's, plus 3 when submitted, 0 when accepted, 1 otherwise.
    Over a measure's parts, the maximum speaks for its deciding parts (the leads', or every
    body's when none leads): ``% 4 == 0`` all accepted, ``== 3`` one awaits review."""
    return case((Assignment.is_lead.is_(True), _constant(4)), else_=_constant(0)) + case(
        (Assignment.status == _constant(AssignmentStatus.SUBMITTED.value), _constant(3)),
        (Assignment.status == _constant(AssignmentStatus.ACCEPTED.value), _constant(0)),
        else_=_constant(1),
    )


def measure_status_rows(
    dates: StatusDates, *where: ColumnElement[bool], within_days: int | None = None
) -> Subquery:
    """SQL: one row per measure matching `where` (over measures joined to their plan), with
    its `measure_status` as `status`, `past` (1 when its deadline has passed in its zone),
    `within` (1 when due within `within_days` days of its today), `zone_body` (the body whose
    zone counts, when the zones' dates differ) and `plan_zone`.

    One pass over the measures and their current parts, grouped by measure (in index order,
    no sorting): the deciding parts are the lead executors', or every current body's when none
    leads; the zone that of the first deciding body (by id), else the plan's, else the default.
    When every zone has the same date the bodies' zones are not read at all."""
    measure = (
        Measure.id.label("measure_id"),
        Measure.plan_id.label("plan_id"),
        Measure.section_id.label("section_id"),
        Measure.deadline.label("deadline"),
    )
    code = func.max(_deciding_code())
    plan_zone = func.max(Plan.timezone)
    deciding_body: Any = literal(None, BigInteger())
    zones: tuple[Any, ...] = (literal(None), plan_zone)
    if not dates.one_date:
        # The first deciding body: the first lead, else the first body (one aggregate: a
        # co-executor's id is lifted above every lead's). Its zone is looked up only for the
        # rows whose deadline the zones' dates disagree on.
        lifted = Assignment.organization_id + case(
            (Assignment.is_lead.is_(True), _constant(0)), else_=_constant(_CO_EXECUTOR_LIFT)
        )
        deciding_body = func.min(lifted) % _constant(_CO_EXECUTOR_LIFT)
        zones = (BodyZone(deciding_body), plan_zone)
    columns = _measure_columns(
        dates, within_days, Measure.removed_at, Measure.done_on, code, Measure.deadline, zones
    )
    statement = _measure_parts(
        *measure, *columns, deciding_body.label("zone_body"), plan_zone.label("plan_zone")
    )
    return statement.where(*where).subquery()


_CO_EXECUTOR_LIFT = 2**40  # above any body's id


def _measure_parts(*columns: Any) -> Select:
    """Measures joined to their plan and current parts, one row per measure."""
    return (
        select(*columns)
        .join(Plan, Plan.id == Measure.plan_id)
        .outerjoin(Assignment, and_(Assignment.measure_id == Measure.id, active_assignment()))
        .group_by(Measure.id)
    )


def _measure_columns(
    dates: StatusDates,
    within_days: int | None,
    removed_at: Any,
    done_on: Any,
    code: Any,
    deadline: Any,
    zones: tuple[Any, ...],
) -> tuple[ColumnElement[Any], ...]:
    """`status`, `past` and `within` of a measure from its columns and its parts' maximal
    `_deciding_code`, "today" by `zones` (the deciding body's, the plan's)."""
    decided = code % _constant(4)
    past = dates.past_deadline(deadline, *zones)
    status = case(
        (removed_at.is_not(None), literal(Status.REMOVED.value)),
        (done_on.is_not(None), literal(Status.DONE.value)),
        (decided == 0, literal(Status.DONE.value)),
        (decided == 3, literal(Status.UNDER_REVIEW.value)),
        (deadline.is_(None), literal(Status.NO_DEADLINE.value)),
        (past, literal(Status.OVERDUE.value)),
        (dates.within_days(DUE_SOON_DAYS, deadline, *zones), literal(Status.DUE_SOON.value)),
        else_=literal(Status.LATER.value),
    )
    return (
        status.label("status"),
        case((past, 1), else_=0).label("past"),
        _within(dates, within_days, deadline, *zones).label("within"),
    )


def _within(
    dates: StatusDates, days: int | None, deadline: Any, *zone_columns: Any
) -> ColumnElement[int]:
    if days is None:
        return literal(0)
    return case((dates.within_days(days, deadline, *zone_columns), 1), else_=0)


def part_status_rows(
    dates: StatusDates, *where: ColumnElement[bool], within_days: int | None = None
) -> Subquery:
    """SQL: one row per current part (assignment) matching `where` (over assignments joined to
    measure and plan), with `part_status` as `status`, `past`, `within`, `zone_body` (the
    part's body) and `plan_zone`; a body's zone is read only for the deadlines the zones'
    dates disagree on."""
    body: Any = literal(None) if dates.one_date else BodyZone(Assignment.organization_id)
    zones = (body, Plan.timezone)
    status = part_status_expression(
        assignment=Assignment, measure=Measure, dates=dates, zone_columns=zones
    )
    statement = (
        select(
            Assignment.organization_id.label("organization_id"),
            Assignment.measure_id.label("measure_id"),
            Measure.plan_id.label("plan_id"),
            Measure.section_id.label("section_id"),
            Measure.deadline.label("deadline"),
            status.label("status"),
            case((dates.past_deadline(Measure.deadline, *zones), 1), else_=0).label("past"),
            _within(dates, within_days, Measure.deadline, *zones).label("within"),
            Assignment.organization_id.label("zone_body"),
            Plan.timezone.label("plan_zone"),
        )
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(active_assignment(), *where)
    )
    return statement.subquery()


def _grouped(rows: Subquery, *keys: Any) -> Any:
    return select(
        *keys, rows.c.status, func.count(), func.coalesce(func.sum(rows.c.past), 0)
    ).group_by(*keys, rows.c.status)


async def grouped_status_counts(
    session: AsyncSession, rows: Subquery, *keys: Any
) -> dict[Any, list[tuple[Any, int, int]]]:
    """{key: [(status, count, past)]} of status rows (`measure_status_rows`,
    `part_status_rows`) grouped by some of their columns (the key a tuple for several)."""
    found = await plain_rows(session, _grouped(rows, *keys))
    if len(keys) == 1:
        return _split(found)
    return _split((tuple(row[: len(keys)]), *row[len(keys) :]) for row in found)


def _split(rows: Iterable[Any]) -> dict[Any, list[tuple[Any, int, int]]]:
    """Rows (key, status, count, past) → {key: [(status, count, past)]}."""
    found: dict[Any, list[tuple[Any, int, int]]] = {}
    for key, status, count, past in rows:
        found.setdefault(key, []).append((status, count, past))
    return found
