"""What a coordinator may see and change, reached only through the plans they coordinate.

Plan isolation, the one rule: a coordinator sees and acts on measures, reports, documents,
assignments and people only through the plans they coordinate (`coordinated_plan_ids`,
`in_coordinated_plans`). A body is theirs only as far as its assignments in their plans go:

* they see a body serving their plans (`body_ids_of`, `coordinated_body`) and its measures of
  their plans, never those of other plans; assigning a body to their measure widens nothing;
* they manage a body's people (invite its officials and head, deactivate them, set its time
  zone) only when the body serves their plans and no other (`own_body_ids`, `governed_body`):
  an official of a body answers for its measures of every plan, so a body shared with another
  plan's coordinator is managed by an administrator.

Administrators coordinate every plan and govern every body. Whatever is unknown and whatever is
not the person's are refused alike, so that guessing ids tells nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, select, true
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


def in_coordinated_plans(roles: Roles) -> ColumnElement[bool]:
    """The predicate on `Measure.plan_id` of what the person coordinates (all for an
    administrator); archived plans are left to the caller's `live_plan()`."""
    if roles.is_admin:
        return true()
    return Measure.plan_id.in_(sorted(roles.coordinator_plan_ids))


def shared_body_ids(plan_ids: Sequence[int]) -> Select[tuple[int]]:
    """Bodies with a current assignment to a measure (not removed) of a plan outside these."""
    return (
        select(Assignment.organization_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(
            Measure.plan_id.not_in(list(plan_ids)),
            live_measure(),
            active_assignment(),
        )
        .distinct()
    )


def own_body_ids(plan_ids: Sequence[int]) -> Select[tuple[int]]:
    """Bodies serving these plans and no other: whose people these plans' coordinator manages."""
    return body_ids_of(plan_ids).where(Assignment.organization_id.not_in(shared_body_ids(plan_ids)))


async def governed_body_ids(session: AsyncSession, roles: Roles) -> Select[tuple[int]] | None:
    """The bodies whose people the person manages (None: every body, for an administrator)."""
    if roles.is_admin:
        return None
    return own_body_ids(await coordinated_plan_ids(session, roles))


async def governed_body(session: AsyncSession, roles: Roles, organization_id: int) -> Organization:
    """The body, if the person manages its people: an administrator any body, a coordinator a
    body serving their plans only (one also serving another plan is refused with that reason)."""
    if roles.is_admin:
        organization = await session.get(Organization, organization_id)
        if organization is None:
            raise Refused(Refusal.NOT_AVAILABLE)
        return organization
    organization = await coordinated_body(session, roles, organization_id)
    plan_ids = await coordinated_plan_ids(session, roles)
    shared = await session.scalar(
        shared_body_ids(plan_ids).where(Assignment.organization_id == organization_id).limit(1)
    )
    if shared is not None:
        raise Refused(Refusal.SHARED_BODY)
    return organization


async def governed_bodies(session: AsyncSession, roles: Roles) -> list[Organization]:
    """The bodies whose people the person manages, by name (an administrator: every body
    serving a plan in force)."""
    plan_ids = await coordinated_plan_ids(session, roles)
    if roles.is_admin or not plan_ids:
        return await bodies_of_plans(session, plan_ids)
    found = await session.scalars(
        select(Organization).where(Organization.id.in_(own_body_ids(plan_ids)))
    )
    return by_name(found)


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
