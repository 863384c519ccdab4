"""The lists behind every number of a summary, and /overdue, /upcoming, /org, /section.

One query function with filters (plan, body, section, which statuses, a deadline window) over
the status expressions of `bot.summaries`:

* with a body, the list is that body's parts (`part_status`, the body's zone);
* without one, a coordinator lists measures (`measure_status`, the lead body decides) of the
  plans they coordinate; an official or head lists the parts of their own bodies.

Access is checked here, on every press: callback data is never trusted.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.body_names import match_bodies
from bot.measure_status import OPEN_STATUSES, BodyZone, Status, StatusDates
from bot.refusals import Refusal, Refused
from bot.scope import coordinated_bodies, coordinated_plan_ids, in_coordinated_plans
from bot.status_counts import measure_status_rows, part_status_rows
from models.queries import active_assignment, live_plan, plain_rows
from models.tables import Assignment, Measure, Organization, Plan, Section

MAX_UPCOMING_DAYS = 90
DEFAULT_UPCOMING_DAYS = 7


class Listed(enum.StrEnum):
    """Which measures a list holds: one status, or a group of them."""

    DONE = Status.DONE.value
    UNDER_REVIEW = Status.UNDER_REVIEW.value
    OVERDUE = Status.OVERDUE.value
    DUE_SOON = Status.DUE_SOON.value
    LATER = Status.LATER.value
    NO_DEADLINE = Status.NO_DEADLINE.value
    REMOVED = Status.REMOVED.value
    OPEN = "open"  # overdue, due soon, later, no deadline
    ALL = "all"  # everything in the plan now (not removed)
    UPCOMING = "next"  # not overdue, open, due within `days`


def statuses_of(listed: Listed) -> frozenset[Status]:
    if listed is Listed.OPEN:
        return OPEN_STATUSES
    if listed is Listed.ALL:
        return frozenset(Status) - {Status.REMOVED}
    if listed is Listed.UPCOMING:
        return frozenset({Status.DUE_SOON, Status.LATER})
    return frozenset({Status(listed.value)})


@dataclass(frozen=True, slots=True)
class ListFilter:
    listed: Listed
    plan_id: int | None = None
    organization_id: int | None = None
    section_id: int | None = None
    days: int = 0  # for UPCOMING: due within this many days


@dataclass(frozen=True, slots=True)
class ListedMeasure:
    measure_id: int
    number: str
    title: str
    deadline: date | None
    status: Status
    body: str  # the body of the part; for a measure its lead body
    other_bodies: int  # how many more bodies execute the measure (measure lists)
    today: date  # "today" where the status was decided


def upcoming_days(text: str | None) -> int:
    """The window of /upcoming from its argument: a number of days, default 7, at most 90."""
    try:
        days = int((text or "").strip() or DEFAULT_UPCOMING_DAYS)
    except ValueError:
        days = DEFAULT_UPCOMING_DAYS
    return min(max(days, 1), MAX_UPCOMING_DAYS)


async def _scope(session: AsyncSession, roles: Roles, filters: ListFilter) -> tuple[bool, list]:
    """(listing parts?, conditions) the person may see for these filters, or refused."""
    where: list[ColumnElement[bool]] = [live_plan()]
    if filters.plan_id is not None:
        where.append(Measure.plan_id == filters.plan_id)
    if filters.section_id is not None:
        where.append(Measure.section_id == filters.section_id)
    body = filters.organization_id
    if body is not None and roles.serves_organization(body):
        return True, [*where, Assignment.organization_id == body]
    if not roles.is_coordinator:
        if body is not None or not roles.is_executor:
            raise Refused(Refusal.NOT_AVAILABLE if roles.is_executor else Refusal.NOT_REGISTERED)
        return True, [*where, Assignment.organization_id.in_(sorted(roles.organization_ids))]
    if filters.plan_id is not None and not roles.coordinates_plan(filters.plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    where.append(in_coordinated_plans(roles))
    if body is not None:
        return True, [*where, Assignment.organization_id == body]
    return False, where


def _status_filter(rows: Subquery, filters: ListFilter) -> list[ColumnElement[bool]]:
    conditions = [or_(*(rows.c.status == status.value for status in statuses_of(filters.listed)))]
    if filters.listed is Listed.UPCOMING:
        conditions.append(rows.c.within == 1)
    return conditions


def _lead_body(measure_id: Any) -> tuple[ColumnElement[str], ColumnElement[int]]:
    name = (
        select(func.coalesce(Organization.short_name, Organization.full_name))
        .join(Assignment, Assignment.organization_id == Organization.id)
        .where(Assignment.measure_id == measure_id, active_assignment())
        .order_by(Assignment.is_lead.desc(), Assignment.position, Assignment.id)
        .limit(1)
        .scalar_subquery()
    )
    count = (
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.measure_id == measure_id, active_assignment())
        .scalar_subquery()
    )
    return name, count


def _ordered(parts: bool, where: list, filters: ListFilter, dates: StatusDates) -> Select:
    """The list's rows (measure, deadline, status, zones, body), with the list's length as
    `total`, in the list's order: by deadline (none last), then the plan's order."""
    days = filters.days if filters.listed is Listed.UPCOMING else None
    if parts:
        rows = part_status_rows(dates, *where, within_days=days)
        body_id: ColumnElement[Any] = rows.c.organization_id
    else:
        rows = measure_status_rows(dates, *where, within_days=days)
        body_id = literal(None)
    statement = (
        select(
            rows.c.measure_id,
            rows.c.deadline,
            rows.c.status,
            rows.c.zone_body,
            rows.c.plan_zone,
            body_id.label("body_id"),
            Measure.sort_key,
            func.count().over().label("total"),
        )
        .join(Measure, Measure.id == rows.c.measure_id)
        .where(*_status_filter(rows, filters))
    )
    return statement.order_by(*_order(rows.c.deadline, Measure.sort_key, body_id, parts))


def _order(deadline: Any, sort_key: Any, body_id: Any, parts: bool) -> tuple[Any, ...]:
    # A measure is listed once, a part once per body: the body breaks the ties of parts.
    first = (case((deadline.is_(None), 1), else_=0), deadline, sort_key)
    return (*first, body_id) if parts else first


def _detailed(ordered: Subquery, parts: bool) -> Select:
    """The ordered rows (one page of them) with what a line shows: number, title, body."""
    if parts:
        body: ColumnElement[Any] = func.coalesce(Organization.short_name, Organization.full_name)
        others = (
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.measure_id == ordered.c.measure_id, active_assignment())
            .scalar_subquery()
            - 1
        )
    else:
        body, count = _lead_body(ordered.c.measure_id)
        others = count - 1
    statement = (
        select(
            ordered.c.measure_id,
            Measure.number,
            Measure.title,
            ordered.c.deadline,
            ordered.c.status,
            body,
            others,
            BodyZone(ordered.c.zone_body).name(),
            ordered.c.plan_zone,
            ordered.c.total,
        )
        .join(Measure, Measure.id == ordered.c.measure_id)
        .order_by(*_order(ordered.c.deadline, ordered.c.sort_key, ordered.c.body_id, parts))
    )
    if parts:
        statement = statement.join(Organization, Organization.id == ordered.c.body_id)
    return statement


@dataclass(frozen=True, slots=True)
class MeasureListing:
    """A list (or one page of it) and what its heading names: the body and the section it is
    narrowed to."""

    items: list[ListedMeasure]
    body: str | None = None
    section: str | None = None
    total: int = 0  # the whole list's length
    page: int = 0  # which page `items` are (from 0), when paged


async def measure_list(
    session: AsyncSession,
    roles: Roles,
    filters: ListFilter,
    dates: StatusDates,
    *,
    page: int = 0,
    size: int | None = None,
) -> MeasureListing:
    """The list the filters describe, as the person may see it, with the names its heading
    shows; with `size`, only page `page` of it (read from the database; a page past the end,
    from an old button, is the last one)."""
    parts, where = await _scope(session, roles, filters)
    ordered = _ordered(parts, where, filters, dates)
    if size is None:
        items, total = await _items(session, _detailed(ordered.subquery(), parts), dates)
        page = 0
    else:
        page = max(page, 0)
        items, total = await _page(session, ordered, parts, dates, page, size)
        if not items and page > 0:
            total = await _count(session, ordered)
            page = max(0, -(-total // size) - 1)
            items, total = await _page(session, ordered, parts, dates, page, size)
    body = section = None
    if filters.organization_id is not None:
        body = await session.scalar(
            select(func.coalesce(Organization.short_name, Organization.full_name)).where(
                Organization.id == filters.organization_id
            )
        )
    if filters.section_id is not None:
        rows = await plain_rows(
            session,
            select(Section.number, Section.title).where(Section.id == filters.section_id),
        )
        if rows:
            section = " ".join(part for part in rows[0] if part)
    return MeasureListing(items, body, section, total, page)


async def _page(
    session: AsyncSession,
    ordered: Select,
    parts: bool,
    dates: StatusDates,
    page: int,
    size: int,
) -> tuple[list[ListedMeasure], int]:
    one_page = ordered.limit(size).offset(page * size).subquery()
    return await _items(session, _detailed(one_page, parts), dates)


async def _count(session: AsyncSession, ordered: Select) -> int:
    rows = ordered.order_by(None).subquery()
    return int(await session.scalar(select(func.count()).select_from(rows)) or 0)


async def _items(
    session: AsyncSession, statement: Select, dates: StatusDates
) -> tuple[list[ListedMeasure], int]:
    found, total = [], 0
    for row in await plain_rows(session, statement):
        measure_id, number, title, deadline, status, body, others, zone, plan_zone, total = row
        today = dates.today(zone if zone in dates.today_by_zone else plan_zone)
        found.append(
            ListedMeasure(
                measure_id,
                number,
                title,
                _as_date(deadline),
                Status(status),
                body or "—",
                max(int(others or 0), 0),
                today,
            )
        )
    return found, int(total)


def _as_date(value: date | str | None) -> date | None:
    # A date read through a subquery may come back from SQLite as text.
    return date.fromisoformat(value) if isinstance(value, str) else value


async def listed_measures(
    session: AsyncSession, roles: Roles, filters: ListFilter, dates: StatusDates
) -> list[ListedMeasure]:
    """The whole list the filters describe, as the person may see it: by deadline (none
    last), then the plan's order."""
    return (await measure_list(session, roles, filters, dates)).items


@dataclass(frozen=True, slots=True)
class FoundSection:
    section_id: int
    plan_id: int
    number: str | None
    title: str


def _section_key(number: str) -> str:
    return number.strip().rstrip(".").strip()


async def find_sections(session: AsyncSession, roles: Roles, number: str) -> list[FoundSection]:
    """Sections numbered so (a trailing dot or not) in the plans the person coordinates, or,
    for an official or head, in the plans their bodies execute."""
    key = _section_key(number)
    if not key:
        return []
    if roles.is_coordinator:
        plan_ids: Sequence[int] = await coordinated_plan_ids(session, roles)
    elif roles.is_executor:
        plan_ids = [
            row[0]
            for row in await plain_rows(
                session,
                select(Measure.plan_id)
                .join(Assignment, Assignment.measure_id == Measure.id)
                .where(
                    Assignment.organization_id.in_(sorted(roles.organization_ids)),
                    active_assignment(),
                )
                .distinct(),
            )
        ]
    else:
        raise Refused(Refusal.NOT_REGISTERED)
    if not plan_ids:
        return []
    rows = await plain_rows(
        session,
        select(Section.id, Section.plan_id, Section.number, Section.title)
        .join(Plan, Plan.id == Section.plan_id)
        .where(Section.plan_id.in_(list(plan_ids)), Section.number.is_not(None), live_plan())
        .order_by(Section.plan_id, Section.position),
    )
    return [FoundSection(*row) for row in rows if _section_key(row[2]) == key]


async def find_bodies(session: AsyncSession, roles: Roles, name: str) -> list[tuple[int, str]]:
    """(id, name) of the bodies matching the name typed (`bot.body_names`): of the plans the
    person coordinates, or their own bodies."""
    if roles.is_coordinator:
        candidates = await coordinated_bodies(session, roles)
    elif roles.is_executor:
        candidates = list(
            await session.scalars(
                select(Organization).where(Organization.id.in_(sorted(roles.organization_ids)))
            )
        )
    else:
        raise Refused(Refusal.NOT_REGISTERED)
    if roles.is_coordinator and roles.is_executor:
        known = {body.id for body in candidates}
        candidates += [
            body
            for body in await session.scalars(
                select(Organization).where(Organization.id.in_(sorted(roles.organization_ids)))
            )
            if body.id not in known
        ]
    matched = match_bodies(candidates, name)
    # A name typed whole picks its body even when it is part of others' names ("Район 7").
    typed = " ".join(name.split()).casefold()
    exact = [
        body
        for body in matched
        if typed in {(body.short_name or "").casefold(), body.full_name.casefold()}
    ]
    return [(body.id, body.short_name or body.full_name) for body in exact or matched]
