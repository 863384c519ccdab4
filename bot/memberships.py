"""Who answers for the bodies: the people registered with the bodies of a coordinator's plans
(/officials), a coordinator ending a person's memberships (Deactivate), and an official leaving
a body (/leave). A membership is never deleted: it ends, and the audit trail says who ended it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.body_names import by_name, fold
from bot.refusals import Refusal, Refused
from bot.scope import body_ids_of, coordinated_plan_ids, governed_body_ids
from models.queries import active_membership
from models.tables import Assignment, Membership, Official, Organization, Role

EXECUTOR_ROLES = (Role.OFFICIAL, Role.HEAD)


class PersonStatus(enum.StrEnum):
    ACTIVE = "active"
    BLOCKED_BOT = "blocked_bot"
    DEACTIVATED = "deactivated"


@dataclass(frozen=True, slots=True)
class PersonMembership:
    organization_id: int
    organization_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class PersonEntry:
    official_id: int
    telegram_id: int
    name: str
    username: str | None
    status: PersonStatus
    memberships: tuple[PersonMembership, ...]
    # Whether the asker may deactivate them: False when every body shown is shared with a plan
    # the asker does not coordinate (an administrator's, `scope.governed_body`).
    manageable: bool = True


def _status(official: Official) -> PersonStatus:
    if not official.is_active:
        return PersonStatus.DEACTIVATED
    if official.blocked_bot_at is not None:
        return PersonStatus.BLOCKED_BOT
    return PersonStatus.ACTIVE


async def end_membership(
    session: AsyncSession, membership: Membership, *, actor_id: int, action: str, now: datetime
) -> None:
    """The membership ends now (kept, inactive); `action` names why in the audit trail."""
    membership.is_active = False
    membership.ended_at = now
    await record_change(
        session,
        actor_id=actor_id,
        action=action,
        entity=membership,
        field="is_active",
        old=True,
        new=False,
    )


async def _people(
    session: AsyncSession, plan_ids: Sequence[int], official_id: int | None = None
) -> list[PersonEntry]:
    if not plan_ids:
        return []
    statement = (
        select(Membership, Official, Organization)
        .join(Official, Official.id == Membership.official_id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(
            Membership.organization_id.in_(body_ids_of(plan_ids)),
            Membership.role.in_(EXECUTOR_ROLES),
            active_membership(),
        )
    )
    if official_id is not None:
        statement = statement.where(Membership.official_id == official_id)
    people: dict[int, tuple[Official, list[PersonMembership]]] = {}
    for membership, official, organization in await session.execute(statement):
        entry = people.setdefault(official.id, (official, []))
        entry[1].append(PersonMembership(organization.id, organization.full_name, membership.role))
    entries = [
        PersonEntry(
            official_id=official.id,
            telegram_id=official.telegram_id,
            name=official.display_name,
            username=official.username,
            status=_status(official),
            memberships=tuple(
                sorted(held, key=lambda m: (fold(m.organization_name), m.role.value))
            ),
        )
        for official, held in people.values()
    ]
    return sorted(entries, key=lambda e: (fold(e.name), e.official_id))


async def people_of_plans(session: AsyncSession, roles: Roles) -> list[PersonEntry]:
    """People holding an official's or head's membership with a body of the plans the person
    coordinates."""
    if not roles.is_coordinator:
        raise Refused(Refusal.NOT_AVAILABLE)
    people = await _people(session, await coordinated_plan_ids(session, roles))
    governed = await governed_body_ids(session, roles)
    if governed is None or not people:
        return people
    held = sorted({m.organization_id for person in people for m in person.memberships})
    own = set(await session.scalars(governed.where(Assignment.organization_id.in_(held))))
    return [
        replace(person, manageable=any(m.organization_id in own for m in person.memberships))
        for person in people
    ]


async def coordinated_person(session: AsyncSession, roles: Roles, official_id: int) -> PersonEntry:
    """The person, with the memberships `roles` may end: with the bodies serving only the plans
    they coordinate (any body, for an administrator). A person seen through the actor's plans
    whose every body also serves another plan is refused with `SHARED_BODY`."""
    found = await _people(session, await coordinated_plan_ids(session, roles), official_id)
    if not found:
        raise Refused(Refusal.NOT_AVAILABLE)
    person = found[0]
    governed = await governed_body_ids(session, roles)
    if governed is None:
        return person
    held = sorted({m.organization_id for m in person.memberships})
    own = set(await session.scalars(governed.where(Assignment.organization_id.in_(held))))
    kept = tuple(m for m in person.memberships if m.organization_id in own)
    if not kept:
        raise Refused(Refusal.SHARED_BODY)
    return replace(person, memberships=kept)


async def deactivate_person(
    session: AsyncSession, roles: Roles, *, actor_id: int, official_id: int, now: datetime
) -> PersonEntry:
    """End the person's official/head memberships with the bodies the actor manages
    (`coordinated_person`); their memberships with bodies also serving other plans, and with
    any other body, stay. Returns what was ended."""
    person = await coordinated_person(session, roles, official_id)
    ended = {m.organization_id for m in person.memberships}
    memberships = await session.scalars(
        select(Membership).where(
            Membership.official_id == person.official_id,
            Membership.role.in_(EXECUTOR_ROLES),
            active_membership(),
            Membership.organization_id.in_(ended),
        )
    )
    for membership in memberships:
        await end_membership(
            session, membership, actor_id=actor_id, action="membership_ended", now=now
        )
    return person


# --- An official leaves a body ------------------------------------------------------------------


async def executor_bodies(session: AsyncSession, roles: Roles) -> list[Organization]:
    """The bodies the person answers for as an official or head."""
    if not roles.organization_ids:
        return []
    found = await session.scalars(
        select(Organization).where(Organization.id.in_(sorted(roles.organization_ids)))
    )
    return by_name(found)


async def body_to_leave(session: AsyncSession, roles: Roles, organization_id: int) -> Organization:
    organization = await session.get(Organization, organization_id)
    if organization is None or not roles.serves_organization(organization_id):
        raise Refused(Refusal.NOT_MEMBER)
    return organization


async def leave_body(
    session: AsyncSession, roles: Roles, *, official_id: int, organization_id: int, now: datetime
) -> Organization:
    """End the person's own official/head memberships with the body."""
    organization = await body_to_leave(session, roles, organization_id)
    memberships = list(
        await session.scalars(
            select(Membership).where(
                Membership.official_id == official_id,
                Membership.organization_id == organization.id,
                Membership.role.in_(EXECUTOR_ROLES),
                active_membership(),
            )
        )
    )
    if not memberships:
        raise Refused(Refusal.NOT_MEMBER)
    for membership in memberships:
        await end_membership(
            session, membership, actor_id=official_id, action="membership_left", now=now
        )
    return organization


async def move_memberships(
    session: AsyncSession,
    source_id: int,
    target_id: int,
    now: datetime,
    *,
    official_id: int | None = None,
    actor_id: int | None = None,
) -> None:
    """Move the active memberships of one body (of one person, when `official_id` is given)
    to another; a role the person holds there already ends here instead."""
    held = set(
        (
            await session.execute(
                select(Membership.official_id, Membership.role).where(
                    Membership.organization_id == target_id, active_membership()
                )
            )
        ).all()
    )
    query = select(Membership).where(Membership.organization_id == source_id, active_membership())
    if official_id is not None:
        query = query.where(Membership.official_id == official_id)
    for membership in await session.scalars(query):
        if (membership.official_id, membership.role) in held:
            membership.is_active, membership.ended_at = False, now
            await session.flush()
            continue
        membership.organization_id = target_id
        await record_change(
            session,
            actor_id=actor_id,
            action="membership_moved",
            entity=membership,
            field="organization_id",
            old=source_id,
            new=target_id,
            at=now,
        )
    await session.flush()
