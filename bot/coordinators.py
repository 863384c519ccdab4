"""/coordinators: an administrator sees every plan's coordinators and removes one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, can_manage_coordinators
from bot.body_names import fold
from bot.memberships import end_membership
from bot.refusals import Refusal, Refused
from models.queries import active_membership, live_plan
from models.tables import Membership, Official, Plan, Role


@dataclass(frozen=True, slots=True)
class CoordinatorEntry:
    membership_id: int
    official_id: int
    telegram_id: int
    name: str
    plan_id: int
    plan_title: str


@dataclass(frozen=True, slots=True)
class PlanCoordinators:
    plan_id: int
    plan_title: str
    coordinators: tuple[CoordinatorEntry, ...]


def _coordinators_query() -> Select[tuple[Membership, Official, Plan]]:
    return (
        select(Membership, Official, Plan)
        .join(Official, Official.id == Membership.official_id)
        .join(Plan, Plan.id == Membership.plan_id)
        .where(Membership.role == Role.COORDINATOR, active_membership())
    )


def _coordinator_entry(membership: Membership, official: Official, plan: Plan) -> CoordinatorEntry:
    return CoordinatorEntry(
        membership.id, official.id, official.telegram_id, official.display_name, plan.id, plan.title
    )


async def plan_coordinators(session: AsyncSession, roles: Roles) -> list[PlanCoordinators]:
    """Every plan (not archived) with its active coordinators; for administrators only."""
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    plans = list(await session.scalars(select(Plan).where(live_plan()).order_by(Plan.id)))
    by_plan: dict[int, list[CoordinatorEntry]] = {plan.id: [] for plan in plans}
    for membership, official, plan in await session.execute(_coordinators_query()):
        if plan.id in by_plan:
            by_plan[plan.id].append(_coordinator_entry(membership, official, plan))
    return [
        PlanCoordinators(
            plan.id,
            plan.title,
            tuple(sorted(by_plan[plan.id], key=lambda e: (fold(e.name), e.membership_id))),
        )
        for plan in plans
    ]


async def coordinator_membership(
    session: AsyncSession, roles: Roles, membership_id: int
) -> CoordinatorEntry:
    """A coordinator's membership an administrator may end."""
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    row = (
        await session.execute(_coordinators_query().where(Membership.id == membership_id))
    ).one_or_none()
    if row is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    return _coordinator_entry(*row)


async def remove_coordinator(
    session: AsyncSession, roles: Roles, *, actor_id: int, membership_id: int, now: datetime
) -> CoordinatorEntry:
    entry = await coordinator_membership(session, roles, membership_id)
    membership = await session.get(Membership, entry.membership_id)
    assert membership is not None
    await end_membership(
        session, membership, actor_id=actor_id, action="coordinator_removed", now=now
    )
    return entry
