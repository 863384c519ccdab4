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

from sqlalchemy import ColumnElement, Select, Subquery, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.body_names import match_bodies
from bot.measure_status import OPEN_STATUSES, Status, StatusDates
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


def _statement(parts: bool, where: list, filters: ListFilter, dates: StatusDates) -> Select:
    days = filters.days if filters.listed is Listed.UPCOMING else None
    if parts:
        rows = part_status_rows(dates, *where, within_days=days)
        body = func.coalesce(Organization.short_name, Organization.full_name)
        others = (
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.measure_id == rows.c.measure_id, active_assignment())
            .scalar_subquery()
            - 1
        )
        joined = Organization, Organization.id == rows.c.organization_id
    else:
        rows = measure_status_rows(dates, *where, within_days=days)
        body, count = _lead_body(rows.c.measure_id)
        others = count - 1
        joined = None
    statement = (
        select(
            rows.c.measure_id,
            Measure.number,
            Measure.sort_key,
            Measure.title,
            rows.c.deadline,
            rows.c.status,
            body,
            others,
            rows.c.zone,
            rows.c.plan_zone,
        )
        .join(Measure, Measure.id == rows.c.measure_id)
        .where(*_status_filter(rows, filters))
    )
    if joined is not None:
        statement = statement.join(*joined)
    return statement


@dataclass(frozen=True, slots=True)
class MeasureListing:
    """A list and what its heading names: the body and the section it is narrowed to."""

    items: list[ListedMeasure]
    body: str | None = None
    section: str | None = None


async def measure_list(
    session: AsyncSession, roles: Roles, filters: ListFilter, dates: StatusDates
) -> MeasureListing:
    """The list the filters describe, as the person may see it, with the names its heading
    shows."""
    items = await listed_measures(session, roles, filters, dates)
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
    return MeasureListing(items, body, section)


async def listed_measures(
    session: AsyncSession, roles: Roles, filters: ListFilter, dates: StatusDates
) -> list[ListedMeasure]:
    """The list the filters describe, as the person may see it: by deadline (none last), then
    the plan's order."""
    parts, where = await _scope(session, roles, filters)
    rows = await plain_rows(session, _statement(parts, where, filters, dates))
    found = []
    for (
        measure_id,
        number,
        sort_key,
        title,
        deadline,
        status,
        body,
        others,
        zone,
        plan_zone,
    ) in rows:
        today = dates.today(zone if zone in dates.today_by_zone else plan_zone)
        item = ListedMeasure(
            measure_id,
            number,
            title,
            deadline,
            Status(status),
            body or "—",
            max(int(others or 0), 0),
            today,
        )
        found.append(((deadline or date.max, sort_key, body or ""), item))
    found.sort(key=lambda entry: entry[0])
    return [item for _, item in found]


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
