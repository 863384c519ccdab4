"""/orgs: the bodies of a coordinator's plans and who is registered with each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.memberships import EXECUTOR_ROLES
from bot.refusals import Refusal, Refused
from bot.scope import bodies_of_plans, body_ids_of, coordinated_plan_ids
from models.queries import active_membership, active_official
from models.tables import Membership, Official, Role


@dataclass(frozen=True, slots=True)
class BodyRegistrations:
    organization_id: int
    name: str
    short_name: str | None
    officials: int
    heads: int

    @property
    def registered(self) -> bool:
        return bool(self.officials or self.heads)


async def body_registrations(session: AsyncSession, roles: Roles) -> list[BodyRegistrations]:
    """Each body of the plans the person coordinates with its active officials and heads:
    bodies with nobody registered first, then the others, each part by name."""
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
    entries = [
        BodyRegistrations(
            organization_id=body.id,
            name=body.full_name,
            short_name=body.short_name,
            officials=counts.get((body.id, Role.OFFICIAL), 0),
            heads=counts.get((body.id, Role.HEAD), 0),
        )
        for body in bodies
    ]
    return [e for e in entries if not e.registered] + [e for e in entries if e.registered]
