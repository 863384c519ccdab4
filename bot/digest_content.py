"""What a weekly digest says about a plan.

* where the plan stands: its summary as /summary has it (`bot.summaries.plan_summary`: counts
  by status, % done, bodies worst first, "no one registered") and its deadlines by month for
  the chart (`deadlines_by_month`), read as the plan's coordinator; counting exists there only;
* what changed since the last digest: measures newly overdue (the deadline passed in the
  body's zone since then, still open and not under review) and reports accepted and returned
  (by `reports.reviewed_at`), counted here; and the bodies of the summary that have open
  measures and nobody registered.

Each list is a count and the first few items. Nothing here loads every measure into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.access import Roles
from bot.measure_status import STATUS_ORDER, Status, StatusDates, part_status_expression
from bot.notification_kinds import DigestItem, DigestList, PlanDigest
from bot.summaries import DeadlinesByMonth, PlanSummary, deadlines_by_month, plan_summary
from models.queries import active_assignment, open_measure
from models.tables import Assignment, Measure, Organization, Plan, Report, ReportStatus

# The items of each list named in a digest; the rest are counted.
LIST_ITEMS = 5
# The worst bodies of a plan's summary shown in a digest.
SUMMARY_BODIES = 5
_RANK = {status.value: rank for rank, status in enumerate(STATUS_ORDER)}
_DONE_RANK = _RANK[Status.DONE.value]
_ALL_DONE = len(STATUS_ORDER)  # above every rank: no deciding part is open


def _measure_statuses(
    plan_ids: Sequence[int],
    dates: StatusDates,
    since: StatusDates,
    *conditions: ColumnElement[bool],
) -> Any:
    """A subquery, one row per measure of the plans: its status rank (the least rank of its
    deciding parts that are not done; `_ALL_DONE` when all are), whether it is past its
    deadline, whether its deadline was still ahead at `since`, and a deciding body's name."""
    lead = aliased(Assignment)
    has_lead = (
        exists()
        .where(lead.measure_id == Measure.id, lead.is_lead.is_(True), active_assignment(lead))
        .correlate(Measure)
    )
    deciding = and_(
        Assignment.measure_id == Measure.id,
        active_assignment(),
        or_(Assignment.is_lead.is_(True), ~has_lead),
    )
    zones = (Organization.timezone, Plan.timezone)
    part = part_status_expression(
        assignment=Assignment, measure=Measure, dates=dates, zone_columns=zones
    )
    rank = case(_RANK, value=part)
    open_rank = case((rank == _DONE_RANK, literal(_ALL_DONE)), else_=rank)
    late = case((dates.past_deadline(Measure.deadline, *zones), 1), else_=0)
    columns: list[Any] = [
        Measure.plan_id.label("plan_id"),
        Measure.id.label("measure_id"),
        func.min(open_rank).label("rank"),
        func.max(late).label("late"),
    ]
    fresh = case((Measure.deadline >= since.today_expression(*zones), 1), else_=0)
    columns.append(func.max(fresh).label("fresh"))
    columns.append(func.min(func.coalesce(Organization.short_name, Organization.full_name)))
    return (
        select(*columns)
        .select_from(Measure)
        .join(Plan, Plan.id == Measure.plan_id)
        .outerjoin(Assignment, deciding)
        .outerjoin(Organization, Organization.id == Assignment.organization_id)
        .where(Measure.plan_id.in_(plan_ids), *conditions)
        .group_by(Measure.plan_id, Measure.id)
    )


async def newly_overdue(
    session: AsyncSession, plan_id: int, dates: StatusDates, since: StatusDates
) -> DigestList:
    """Measures overdue now whose deadline had not passed at the last digest."""
    # Only open measures with deadlines between the earliest "today" then and the latest now
    # can be newly overdue in some zone: the open-deadline index finds them.
    window = (
        open_measure(),
        Measure.deadline.is_not(None),
        Measure.deadline >= min(since.default_today, *since.today_by_zone.values()),
        Measure.deadline < max(dates.default_today, *dates.today_by_zone.values()),
    )
    per_measure = _measure_statuses([plan_id], dates, since, *window).subquery()
    body = per_measure.c[len(per_measure.c) - 1]
    chosen = and_(per_measure.c.rank == _RANK[Status.OVERDUE.value], per_measure.c.fresh == 1)
    count = await session.scalar(select(func.count()).select_from(per_measure).where(chosen))
    rows = await session.execute(
        select(Measure.id, Measure.number, Measure.title, Measure.deadline, body)
        .join(per_measure, per_measure.c.measure_id == Measure.id)
        .where(chosen)
        .order_by(Measure.deadline, Measure.sort_key)
        .limit(LIST_ITEMS)
    )
    items = tuple(
        DigestItem(measure_id, number, title, deadline, name or "")
        for measure_id, number, title, deadline, name in rows
    )
    return DigestList(int(count or 0), items)


async def reviewed_reports(
    session: AsyncSession,
    plan_id: int,
    status: ReportStatus,
    start: datetime,
    end: datetime,
) -> DigestList:
    """Reports of the plan accepted (or returned) in (start, end], the latest first."""
    chosen = and_(
        Report.status == status,
        Report.reviewed_at > start,
        Report.reviewed_at <= end,
        Measure.plan_id == plan_id,
    )
    joined = (
        select()
        .select_from(Report)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(chosen)
    )
    count = await session.scalar(joined.add_columns(func.count()))
    rows = await session.execute(
        joined.add_columns(
            Measure.id,
            Measure.number,
            Measure.title,
            Measure.deadline,
            func.coalesce(Organization.short_name, Organization.full_name),
        )
        .order_by(Report.reviewed_at.desc(), Report.id.desc())
        .limit(LIST_ITEMS)
    )
    items = tuple(DigestItem(*row) for row in rows)
    return DigestList(int(count or 0), items)


@dataclass(frozen=True, slots=True)
class PlanStanding:
    """Where a plan stands at a moment, the same for each of its coordinators: its summary as
    /summary counts it (read as the plan's coordinator), and its deadlines by month."""

    summary: PlanSummary
    deadlines: DeadlinesByMonth


async def plan_standing(
    session: AsyncSession, plan_id: int, *, end: datetime, default_timezone: str
) -> PlanStanding:
    dates = StatusDates.at(end, default_timezone)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    return PlanStanding(
        await plan_summary(session, roles, plan_id, dates),
        await deadlines_by_month(session, roles, plan_id, dates),
    )


def unregistered_bodies(summary: PlanSummary) -> DigestList:
    """Bodies with open measures and nobody registered, the most open measures first."""
    rows = sorted(
        (row for row in summary.bodies if row.nobody_to_remind),
        key=lambda row: (-row.counts.open, row.name.casefold()),
    )
    items = tuple(
        DigestItem(None, "", "", None, body=row.name, count=row.counts.open)
        for row in rows[:LIST_ITEMS]
    )
    return DigestList(len(rows), items)


async def plan_digest(
    session: AsyncSession,
    standing: PlanStanding,
    *,
    start: datetime,
    end: datetime,
    default_timezone: str,
) -> PlanDigest:
    """One plan's digest for the period (start, end]: where it stands, and what changed."""
    summary = standing.summary
    plan_id = summary.plan_id
    dates = StatusDates.at(end, default_timezone)
    since = StatusDates.at(start, default_timezone)
    return PlanDigest(
        plan_id=plan_id,
        title=summary.title,
        counts={status.value: count for status, count in summary.counts.by_status.items()},
        review_past_deadline=summary.counts.review_past_deadline,
        newly_overdue=await newly_overdue(session, plan_id, dates, since),
        accepted=await reviewed_reports(session, plan_id, ReportStatus.ACCEPTED, start, end),
        returned=await reviewed_reports(session, plan_id, ReportStatus.RETURNED, start, end),
        unregistered=unregistered_bodies(summary),
        bodies=summary.bodies[:SUMMARY_BODIES],
        body_count=len(summary.bodies),
    )
