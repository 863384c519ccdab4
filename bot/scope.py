"""What a coordinator may see and change: the plans they coordinate, the bodies and measures of
those plans, and the measure cards they may act on.

Administrators coordinate every plan. Whatever is unknown and whatever is not the person's are
refused alike, so that guessing ids tells nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.body_names import by_name
from bot.measures import MeasureCard, load_card
from bot.refusals import Refusal, Refused
from models.queries import active_assignment, live_measure, live_plan
from models.tables import Assignment, Measure, Organization, Plan


async def coordinated_plan_ids(session: AsyncSession, roles: Roles) -> list[int]:
    """Plans (not archived) the person coordinates: every plan for an administrator."""
    if not roles.is_coordinator:
        return []
    statement = select(Plan.id).where(live_plan()).order_by(Plan.id)
    if not roles.is_admin:
        statement = statement.where(Plan.id.in_(sorted(roles.coordinator_plan_ids)))
    return list(await session.scalars(statement))


def body_ids_of(plan_ids: Sequence[int]) -> Select[tuple[int]]:
    """Bodies with a current assignment to a measure (not removed) of these plans."""
    return (
        select(Assignment.organization_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(
            Measure.plan_id.in_(list(plan_ids)),
            live_measure(),
            active_assignment(),
        )
        .distinct()
    )


async def bodies_of_plans(session: AsyncSession, plan_ids: Sequence[int]) -> list[Organization]:
    if not plan_ids:
        return []
    found = await session.scalars(
        select(Organization).where(Organization.id.in_(body_ids_of(plan_ids)))
    )
    return by_name(found)


async def coordinated_bodies(session: AsyncSession, roles: Roles) -> list[Organization]:
    """The bodies of the plans the person coordinates, by name."""
    return await bodies_of_plans(session, await coordinated_plan_ids(session, roles))


async def coordinated_body(
    session: AsyncSession, roles: Roles, organization_id: int
) -> Organization:
    """The body, if it serves a plan the person coordinates."""
    plan_ids = await coordinated_plan_ids(session, roles)
    organization = None
    if plan_ids:
        organization = await session.scalar(
            select(Organization).where(
                Organization.id == organization_id,
                Organization.id.in_(body_ids_of(plan_ids)),
            )
        )
    if organization is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    return organization


async def coordinated_measure(session: AsyncSession, roles: Roles, measure_id: int) -> Measure:
    """The measure, if it belongs to a plan the person coordinates."""
    measure = await session.get(Measure, measure_id)
    if measure is None or not roles.coordinates_plan(measure.plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    return measure


async def changeable_measure(session: AsyncSession, roles: Roles, measure_id: int) -> Measure:
    """The measure, if the person coordinates it and it is still in the plan."""
    measure = await coordinated_measure(session, roles, measure_id)
    if measure.removed_at is not None:
        raise Refused(Refusal.MEASURE_REMOVED)
    return measure


async def coordinated_card(session: AsyncSession, roles: Roles, measure_id: int) -> MeasureCard:
    """The measure's card, if the person coordinates its plan."""
    card = await load_card(session, measure_id)
    if card is None or not roles.coordinates_plan(card.plan_id):
        raise Refused(Refusal.MEASURE_NOT_AVAILABLE)
    return card


async def changeable_card(session: AsyncSession, roles: Roles, measure_id: int) -> MeasureCard:
    """The card of a measure the person may change (coordinated, still in the plan)."""
    card = await coordinated_card(session, roles, measure_id)
    if card.removed:
        raise Refused(Refusal.MEASURE_REMOVED)
    return card
