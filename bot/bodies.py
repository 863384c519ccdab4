"""/orgs: the bodies of a coordinator's plans and who is registered with each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.memberships import EXECUTOR_ROLES
from bot.refusals import Refusal, Refused
from bot.scope import bodies_of_plans, body_ids_of, coordinated_plan_ids
from models.queries import (
    OPEN_STATUSES,
    active_assignment,
    active_membership,
    active_official,
    open_measure,
)
from models.tables import Assignment, Measure, Membership, Official, Organization, Role


@dataclass(frozen=True, slots=True)
class BodyRegistrations:
    organization_id: int
    name: str
    short_name: str | None
    officials: int
    heads: int
    open_measures: int = 0  # its measures still to be done by it (not reported, not done)
    # The successor of a renamed or merged body (bot.successors): that body, and from when.
    predecessor: str | None = None
    predecessor_since: date | None = None

    @property
    def registered(self) -> bool:
        return bool(self.officials or self.heads)

    @property
    def nobody_to_remind(self) -> bool:
        """Open measures and nobody registered: their reminders go to no one."""
        return self.open_measures > 0 and not self.registered


async def body_registrations(session: AsyncSession, roles: Roles) -> list[BodyRegistrations]:
    """Each body of the plans the person coordinates with its active officials and heads and
    its open measures: bodies with open measures and nobody registered first, then the others
    with nobody registered, then the rest, each part by name."""
    if not roles.is_coordinator:
        raise Refused(Refusal.NOT_AVAILABLE)
    plan_ids = await coordinated_plan_ids(session, roles)
    bodies = await bodies_of_plans(session, plan_ids)
    if not bodies:
        return []
    counts: dict[tuple[int, Role], int] = {}
    rows = await session.execute(
        select(
            Membership.organization_id,
            Membership.role,
            func.count(func.distinct(Membership.official_id)),
        )
        .join(Official, Official.id == Membership.official_id)
        .where(
            Membership.organization_id.in_(body_ids_of(plan_ids)),
            Membership.role.in_(EXECUTOR_ROLES),
            active_membership(),
            active_official(),
        )
        .group_by(Membership.organization_id, Membership.role)
    )
    for organization_id, role, count in rows:
        counts[(organization_id, role)] = count
    open_measures = await open_measures_by_body(session, plan_ids)
    predecessors = {
        successor_id: (name, since)
        for name, successor_id, since in await session.execute(
            select(Organization.full_name, Organization.successor_id, Organization.successor_since)
            .where(Organization.successor_id.in_([body.id for body in bodies]))
            .order_by(Organization.successor_since, Organization.id)
        )
    }
    entries = [
        BodyRegistrations(
            organization_id=body.id,
            name=body.full_name,
            short_name=body.short_name,
            officials=counts.get((body.id, Role.OFFICIAL), 0),
            heads=counts.get((body.id, Role.HEAD), 0),
            open_measures=open_measures.get(body.id, 0),
            predecessor=predecessors.get(body.id, (None, None))[0],
            predecessor_since=predecessors.get(body.id, (None, None))[1],
        )
        for body in bodies
    ]
    return (
        [e for e in entries if e.nobody_to_remind]
        + [e for e in entries if not e.registered and not e.nobody_to_remind]
        + [e for e in entries if e.registered]
    )


async def open_measures_by_body(session: AsyncSession, plan_ids: Sequence[int]) -> dict[int, int]:
    """{body id: its open measures of these plans}: live, not done, its part neither reported
    nor accepted (what its people are reminded of)."""
    if not plan_ids:
        return {}
    rows = await session.execute(
        select(Assignment.organization_id, func.count(func.distinct(Measure.id)))
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(
            Measure.plan_id.in_(list(plan_ids)),
            open_measure(),
            active_assignment(),
            Assignment.status.in_(OPEN_STATUSES),
        )
        .group_by(Assignment.organization_id)
    )
    return {organization_id: int(count) for organization_id, count in rows}
