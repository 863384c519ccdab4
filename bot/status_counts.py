"""Counting by status in SQL: the one status definition (`bot.measure_status`) over many
measures at once, for summaries, /plans, /start and the due lists.

* `measure_status_rows`: one row per measure with its `measure_status` (the lead executor's
  part decides; "today" in the first deciding body's zone, else the plan's, else the default);
* `part_status_rows`: one row per current part (assignment) with its `part_status` (the
  body's own zone);
* `grouped_status_counts` + `counts_from_rows`: GROUP BY over those rows into `StatusCounts`.

When every zone has the same date (most of a Russian working day) the zones are not read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.measure_status import (
    OPEN_STATUSES,
    STATUS_ORDER,
    Status,
    StatusDates,
    part_status_expression,
)
from models.queries import active_assignment, plain_rows
from models.tables import Assignment, AssignmentStatus, Measure, Organization, Plan


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
    for status, count, past_deadline in rows:
        by_status[Status(status)] = by_status.get(Status(status), 0) + int(count)
        if Status(status) is Status.UNDER_REVIEW:
            past += int(past_deadline or 0)
    return StatusCounts({s: by_status[s] for s in STATUS_ORDER if s in by_status}, past)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def measure_status_rows(
    dates: StatusDates, *where: ColumnElement[bool], within_days: int | None = None
) -> Subquery:
    """SQL: one row per measure matching `where` (over measures joined to their plan), with
    its `measure_status` as `status`, `past` (1 when its deadline has passed in its zone),
    `within` (1 when due within `within_days` days of its today), `zone` and `plan_zone`.

    The deciding parts: the lead executors', or every current body's when none leads; the
    zone: that of the first deciding body (by id), else the plan's, else the default. When
    every zone has the same date the bodies' zones are not read at all."""
    lead = Assignment.is_lead.is_(True)
    accepted = Assignment.status == AssignmentStatus.ACCEPTED
    submitted = Assignment.status == AssignmentStatus.SUBMITTED
    parts = (
        select(
            Assignment.measure_id.label("measure_id"),
            _count_if(lead).label("leads"),
            _count_if(and_(lead, accepted)).label("lead_accepted"),
            _count_if(and_(lead, submitted)).label("lead_submitted"),
            func.count().label("parts"),
            _count_if(accepted).label("accepted"),
            _count_if(submitted).label("submitted"),
            *(
                ()
                if dates.one_date
                else (
                    func.min(case((lead, Assignment.organization_id))).label("lead_body"),
                    func.min(Assignment.organization_id).label("any_body"),
                )
            ),
        )
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(active_assignment(), *where)
        .group_by(Assignment.measure_id)
        .subquery()
    )
    has_lead = parts.c.leads > 0
    deciding = case((has_lead, parts.c.leads), else_=func.coalesce(parts.c.parts, 0))
    deciding_accepted = case((has_lead, parts.c.lead_accepted), else_=parts.c.accepted)
    deciding_submitted = case((has_lead, parts.c.lead_submitted), else_=parts.c.submitted)
    body = aliased(Organization)
    zone: ColumnElement[Any] = literal(None) if dates.one_date else body.timezone
    today = dates.today_expression(zone, Plan.timezone)
    soon_limit = dates.soon_limit_expression(zone, Plan.timezone)
    status = case(
        (Measure.removed_at.is_not(None), literal(Status.REMOVED.value)),
        (Measure.done_on.is_not(None), literal(Status.DONE.value)),
        (and_(deciding > 0, deciding_accepted == deciding), literal(Status.DONE.value)),
        (func.coalesce(deciding_submitted, 0) > 0, literal(Status.UNDER_REVIEW.value)),
        (Measure.deadline.is_(None), literal(Status.NO_DEADLINE.value)),
        (Measure.deadline < today, literal(Status.OVERDUE.value)),
        (Measure.deadline <= soon_limit, literal(Status.DUE_SOON.value)),
        else_=literal(Status.LATER.value),
    )
    statement = (
        select(
            Measure.id.label("measure_id"),
            Measure.plan_id.label("plan_id"),
            Measure.section_id.label("section_id"),
            Measure.deadline.label("deadline"),
            status.label("status"),
            case((Measure.deadline < today, 1), else_=0).label("past"),
            _within(dates, within_days, zone, Plan.timezone).label("within"),
            zone.label("zone"),
            Plan.timezone.label("plan_zone"),
        )
        .join(Plan, Plan.id == Measure.plan_id)
        .outerjoin(parts, parts.c.measure_id == Measure.id)
        .where(*where)
    )
    if not dates.one_date:
        deciding_body = case((has_lead, parts.c.lead_body), else_=parts.c.any_body)
        statement = statement.outerjoin(body, body.id == deciding_body)
    return statement.subquery()


def _within(dates: StatusDates, days: int | None, *zone_columns: Any) -> ColumnElement[int]:
    if days is None:
        return literal(0)
    limit = dates.days_ahead_expression(days, *zone_columns)
    return case((Measure.deadline <= limit, 1), else_=0)


def part_status_rows(
    dates: StatusDates, *where: ColumnElement[bool], within_days: int | None = None
) -> Subquery:
    """SQL: one row per current part (assignment) matching `where` (over assignments joined to
    measure and plan), with `part_status` as `status`, `past`, `within` and the zones as
    above (the body's zone read only when the zones' dates differ)."""
    body = aliased(Organization)
    zone: ColumnElement[Any] = literal(None) if dates.one_date else body.timezone
    zones = (zone, Plan.timezone)
    today = dates.today_expression(*zones)
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
            case((Measure.deadline < today, 1), else_=0).label("past"),
            _within(dates, within_days, *zones).label("within"),
            zone.label("zone"),
            Plan.timezone.label("plan_zone"),
        )
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(active_assignment(), *where)
    )
    if not dates.one_date:
        statement = statement.join(body, body.id == Assignment.organization_id)
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
