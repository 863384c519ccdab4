"""The bodies of a plan, counted: each body's parts by status (`part_status`, in SQL) and how
many people are registered to be reminded. The one place both are counted: the summary's table
of bodies (`bot.summaries`) and the spreadsheet's sheet of bodies (`bot.export`) read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.measure_status import Status, StatusDates
from bot.status_counts import (
    StatusCounts,
    counts_from_rows,
    grouped_status_counts,
    part_status_rows,
)
from models.queries import active_membership, active_official, one_of, plain_rows
from models.tables import Assignment, Measure, Membership, Official, Organization, Role


@dataclass(frozen=True, slots=True)
class BodyRow:
    organization_id: int
    name: str  # the short name, else the full one
    counts: StatusCounts  # the body's parts
    has_people: bool  # anyone active registered as its official or head
    registered: int = 0  # how many: active officials and heads (people to remind)
    full_name: str = ""

    @property
    def nobody_to_remind(self) -> bool:
        """Open work and nobody registered to be reminded of it."""
        return self.counts.open > 0 and not self.has_people


async def plan_bodies(
    session: AsyncSession,
    dates: StatusDates,
    plan_id: int,
    *,
    section_id: int | None = None,
    body_ids: Sequence[int] | None = None,
) -> tuple[BodyRow, ...]:
    """The bodies executing the plan (in one section; only these bodies): their parts counted
    by status, the worst first (most overdue, then most open, then by name). No access check:
    the caller decided who may see them."""
    where: list[ColumnElement[bool]] = [Measure.plan_id == plan_id]
    if section_id is not None:
        where.append(Measure.section_id == section_id)
    if body_ids is not None:
        where.append(Assignment.organization_id.in_(sorted(body_ids)))
    parts = part_status_rows(dates, *where)
    by_body = await grouped_status_counts(session, parts, parts.c.organization_id)
    return await body_rows(session, by_body)


async def body_rows(
    session: AsyncSession, by_body: dict[int, list[tuple[object, int, int]]]
) -> tuple[BodyRow, ...]:
    """Rows of `grouped_status_counts` by body → named, counted bodies, the worst first."""
    if not by_body:
        return ()
    ids = sorted(by_body)
    names = {
        body_id: (short_name or full_name, full_name)
        for body_id, full_name, short_name in await plain_rows(
            session,
            select(Organization.id, Organization.full_name, Organization.short_name).where(
                Organization.id.in_(ids)
            ),
        )
    }
    registered = await registered_people(session, ids)
    rows = [
        BodyRow(
            body_id,
            names.get(body_id, ("?", "?"))[0],
            counts_from_rows(by_body[body_id]),
            registered.get(body_id, 0) > 0,
            registered.get(body_id, 0),
            names.get(body_id, ("?", "?"))[1],
        )
        for body_id in ids
    ]
    rows.sort(key=lambda row: (-row.counts[Status.OVERDUE], -row.counts.open, row.name.casefold()))
    return tuple(rows)


async def registered_people(
    session: AsyncSession, organization_ids: Iterable[int]
) -> dict[int, int]:
    """Of these bodies, those with active officials or heads registered: {body id: how many}."""
    ids = sorted(set(organization_ids))
    if not ids:
        return {}
    statement = (
        select(Membership.organization_id, func.count(func.distinct(Membership.official_id)))
        .join(Official, Official.id == Membership.official_id)
        .where(
            Membership.organization_id.in_(ids),
            one_of(Membership.role, (Role.OFFICIAL, Role.HEAD)),
            active_membership(),
            active_official(),
        )
        .group_by(Membership.organization_id)
    )
    return {body_id: int(count) for body_id, count in await plain_rows(session, statement)}


async def bodies_with_people(session: AsyncSession, organization_ids: Iterable[int]) -> set[int]:
    """Of these bodies, those with an active official or head registered (someone to remind)."""
    return set(await registered_people(session, organization_ids))
