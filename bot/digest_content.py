"""What a weekly digest says about a plan, counted in the database.

* measures by status (`bot.measure_status`: a measure stands where its deciding parts stand,
  the lead executor's, or every body's without one; "today" in that body's zone), and how many
  of those under review are past their deadline: one grouped query for all plans;
* what changed since the last digest: measures newly overdue (the deadline passed in the
  body's zone since then, still open and not under review), reports accepted and returned
  (by `reports.reviewed_at`), and bodies that have open measures and nobody registered.

Each list is a count and the first few items. Nothing here loads every measure into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.measure_status import (
    STATUS_ORDER,
    Status,
    StatusDates,
    part_status_expression,
)
from bot.notification_kinds import DigestItem, DigestList, PlanDigest
from models.queries import (
    OPEN_STATUSES,
    active_assignment,
    active_membership,
    active_official,
    open_measure,
)
from models.tables import (
    Assignment,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
    Role,
)

# The items of each list named in a digest; the rest are counted.
LIST_ITEMS = 5
_RANK = {status.value: rank for rank, status in enumerate(STATUS_ORDER)}
_DONE_RANK = _RANK[Status.DONE.value]
_ALL_DONE = len(STATUS_ORDER)  # above every rank: no deciding part is open


def _measure_statuses(
    plan_ids: Sequence[int],
    dates: StatusDates,
    since: StatusDates | None = None,
    *conditions: ColumnElement[bool],
) -> Any:
    """A subquery, one row per measure of the plans: its status rank (the least rank of its
    deciding parts that are not done; `_ALL_DONE` when all are), whether it is past its
    deadline, and (with `since`) whether its deadline was still ahead at that moment."""
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
    late = case(
        (and_(Measure.deadline.is_not(None), Measure.deadline < dates.today_expression(*zones)), 1),
        else_=0,
    )
    columns: list[Any] = [
        Measure.plan_id.label("plan_id"),
        Measure.id.label("measure_id"),
        func.min(open_rank).label("rank"),
        func.max(late).label("late"),
    ]
    if since is not None:
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


def _status_of_rank(rank: int | None) -> Status:
    if rank is None or rank >= _ALL_DONE:
        return Status.DONE
    return STATUS_ORDER[rank]


async def status_counts(
    session: AsyncSession, plan_ids: Sequence[int], dates: StatusDates
) -> dict[int, tuple[dict[str, int], int]]:
    """Per plan: measures by `Status` value, and how many under review are past the deadline."""
    per_measure = _measure_statuses(plan_ids, dates).subquery()
    rows = await session.execute(
        select(
            per_measure.c.plan_id,
            per_measure.c.rank,
            func.count(),
            func.sum(per_measure.c.late),
        ).group_by(per_measure.c.plan_id, per_measure.c.rank)
    )
    result: dict[int, tuple[dict[str, int], int]] = {plan_id: ({}, 0) for plan_id in plan_ids}
    for plan_id, rank, count, late in rows:
        counts, past = result[plan_id]
        status = _status_of_rank(rank)
        counts[status.value] = counts.get(status.value, 0) + count
        if status is Status.UNDER_REVIEW:
            past += int(late or 0)
        result[plan_id] = (counts, past)
    return result


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


def _somebody_registered() -> ColumnElement[bool]:
    return (
        exists()
        .where(
            Membership.organization_id == Organization.id,
            Membership.role.in_([Role.OFFICIAL, Role.HEAD]),
            active_membership(),
            Official.id == Membership.official_id,
            active_official(),
        )
        .correlate(Organization)
    )


async def unregistered_bodies(session: AsyncSession, plan_id: int) -> DigestList:
    """Bodies with open measures of the plan and nobody registered, the most measures first."""
    open_count = func.count(func.distinct(Measure.id))
    grouped = (
        select(
            Organization.id,
            func.coalesce(Organization.short_name, Organization.full_name).label("name"),
            open_count.label("open"),
        )
        .join(Assignment, Assignment.organization_id == Organization.id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(
            Measure.plan_id == plan_id,
            open_measure(),
            active_assignment(),
            Assignment.status.in_(OPEN_STATUSES),
            ~_somebody_registered(),
        )
        .group_by(Organization.id)
        .subquery()
    )
    count = await session.scalar(select(func.count()).select_from(grouped))
    rows = await session.execute(
        select(grouped.c.name, grouped.c.open)
        .order_by(grouped.c.open.desc(), grouped.c.name)
        .limit(LIST_ITEMS)
    )
    items = tuple(
        DigestItem(measure_id=None, number="", title="", deadline=None, body=name, count=n)
        for name, n in rows
    )
    return DigestList(int(count or 0), items)


async def plan_digests(
    session: AsyncSession,
    plans: Sequence[tuple[int, str]],
    *,
    start: datetime,
    end: datetime,
    default_timezone: str,
) -> list[PlanDigest]:
    """The digest of each plan (id, title) for the period (start, end]."""
    plan_ids = [plan_id for plan_id, _ in plans]
    dates = StatusDates.at(end, default_timezone)
    since = StatusDates.at(start, default_timezone)
    counts = await status_counts(session, plan_ids, dates)
    digests = []
    for plan_id, title in plans:
        by_status, review_past = counts[plan_id]
        digests.append(
            PlanDigest(
                plan_id=plan_id,
                title=title,
                counts=by_status,
                review_past_deadline=review_past,
                newly_overdue=await newly_overdue(session, plan_id, dates, since),
                accepted=await reviewed_reports(
                    session, plan_id, ReportStatus.ACCEPTED, start, end
                ),
                returned=await reviewed_reports(
                    session, plan_id, ReportStatus.RETURNED, start, end
                ),
                unregistered=await unregistered_bodies(session, plan_id),
            )
        )
    return digests
