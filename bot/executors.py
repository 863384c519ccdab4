"""Which bodies answer for a measure: a coordinator assigns a body or removes one.

An assignment is never deleted: removing a body ends it (its reports stay), assigning the body
again revives it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.body_names import by_name, match_bodies
from bot.change_announcements import MeasureChange, announce_changes
from bot.change_notices import ChangeKind
from bot.measures import MeasureCard
from bot.plan_import.groups import GroupDirectory
from bot.refusals import Refusal, Refused
from bot.scope import changeable_card, changeable_measure, coordinated_card
from models.queries import active_assignment
from models.tables import Assignment, Organization


@dataclass(frozen=True, slots=True)
class AssignmentMade:
    organization_name: str
    is_lead: bool
    revived: bool


async def card_to_assign(session: AsyncSession, roles: Roles, measure_id: int) -> MeasureCard:
    """The card of a measure the person may give to another body."""
    return await changeable_card(session, roles, measure_id)


async def card_to_remove_from(session: AsyncSession, roles: Roles, measure_id: int) -> MeasureCard:
    """The card of a measure the person may take a body off: somebody answers for it."""
    card = await changeable_card(session, roles, measure_id)
    if not card.executors:
        raise Refused(Refusal.NO_EXECUTORS)
    return card


async def bodies_to_assign(
    session: AsyncSession, roles: Roles, measure_id: int, text: str
) -> tuple[MeasureCard, list[Organization]]:
    """Bodies of the whole directory whose name matches the text and that do not answer for
    the measure yet, with the measure's card. A group's name («ИОГВ», «МО») gives the group's
    bodies first."""
    card = await coordinated_card(session, roles, measure_id)
    organizations = list(await session.scalars(select(Organization)))
    groups = GroupDirectory()
    await groups.load(session)
    group = groups.named(text)
    members = set(group.member_ids) if group is not None else set()
    found = [o for o in by_name(organizations) if o.id in members]
    found += [o for o in match_bodies(organizations, text) if o.id not in members]
    return card, [o for o in found if o.id not in card.organization_ids]


async def assign_body(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    measure_id: int,
    organization_id: int,
    lead: bool | None = None,
    now: datetime,
) -> AssignmentMade:
    """Give the measure to a body: a new assignment, or an ended one revived. The body becomes
    the lead executor only when the measure has no current lead (or as `lead` says, when the
    body takes another's place: see `replace_body`). `now`: the update's moment (the
    measure's history and the announcement to the body carry it)."""
    measure = await changeable_measure(session, roles, measure_id)
    organization = await session.get(Organization, organization_id)
    if organization is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    assignments = list(
        await session.scalars(select(Assignment).where(Assignment.measure_id == measure.id))
    )
    existing = next((a for a in assignments if a.organization_id == organization.id), None)
    if existing is not None and existing.valid_until is None:
        raise Refused(Refusal.ALREADY_EXECUTOR)
    is_lead = not any(a.is_lead and a.valid_until is None for a in assignments)
    if lead is not None:
        is_lead = lead
    if existing is not None:
        ended_on = existing.valid_until
        existing.valid_until = None
        existing.is_lead = is_lead
        await record_change(
            session,
            actor_id=actor_id,
            action="assignment_revived",
            entity=existing,
            field="valid_until",
            old=ended_on,
            new=None,
            at=now,
        )
        await _announce(session, existing, ChangeKind.BODY_ADDED, actor_id, now)
        return AssignmentMade(organization.full_name, is_lead, revived=True)
    assignment = Assignment(
        measure_id=measure.id,
        organization_id=organization.id,
        is_lead=is_lead,
        position=max((a.position for a in assignments), default=-1) + 1,
    )
    session.add(assignment)
    await record_change(
        session,
        actor_id=actor_id,
        action="assignment_created",
        entity=assignment,
        new={"measure_id": measure.id, "organization_id": organization.id, "is_lead": is_lead},
        at=now,
    )
    await _announce(session, assignment, ChangeKind.BODY_ADDED, actor_id, now)
    return AssignmentMade(organization.full_name, is_lead, revived=False)


async def remove_body(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    measure_id: int,
    organization_id: int,
    today: date,
    now: datetime,
    not_told: Collection[int] = (),
) -> str:
    """End a body's current assignment (valid until today; never deleted, its reports stay).
    Returns the body's name. `not_told`: people told otherwise (not by the announcement)."""
    measure = await changeable_measure(session, roles, measure_id)
    row = (
        await session.execute(
            select(Assignment, Organization.full_name)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(
                Assignment.measure_id == measure.id,
                Assignment.organization_id == organization_id,
                active_assignment(),
            )
        )
    ).one_or_none()
    if row is None:
        raise Refused(Refusal.NOT_EXECUTOR)
    assignment, name = row
    assignment.valid_until = today
    await record_change(
        session,
        actor_id=actor_id,
        action="assignment_ended",
        entity=assignment,
        field="valid_until",
        old=None,
        new=today,
        at=now,
    )
    await _announce(session, assignment, ChangeKind.BODY_REMOVED, actor_id, now, not_told)
    return name


async def replace_body(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    measure_id: int,
    organization_id: int,
    replaced_id: int,
    today: date,
    now: datetime,
    not_told: Collection[int] = (),
) -> AssignmentMade:
    """The measure passes from one body to another: the replaced body's assignment ends (as
    `remove_body`, whose announcement skips `not_told`), the other body's is made (as
    `assign_body`) in its role: a lead stays lead, a co-executor a co-executor."""
    replaced = await session.scalar(
        select(Assignment.is_lead).where(
            Assignment.measure_id == measure_id,
            Assignment.organization_id == replaced_id,
            active_assignment(),
        )
    )
    if organization_id == replaced_id:
        raise Refused(Refusal.ALREADY_EXECUTOR)
    await remove_body(
        session,
        roles,
        actor_id=actor_id,
        measure_id=measure_id,
        organization_id=replaced_id,
        today=today,
        now=now,
        not_told=not_told,
    )
    return await assign_body(
        session,
        roles,
        actor_id=actor_id,
        measure_id=measure_id,
        organization_id=organization_id,
        lead=bool(replaced),
        now=now,
    )


async def _announce(
    session: AsyncSession,
    assignment: Assignment,
    kind: ChangeKind,
    actor_id: int,
    now: datetime,
    not_told: Collection[int] = (),
) -> None:
    """The body added or removed is told (its officials and heads, not the coordinator, nor
    `not_told`)."""
    await announce_changes(
        session,
        [MeasureChange(assignment.measure_id, kind, organization_id=assignment.organization_id)],
        actor_id=actor_id,
        change_set=f"{kind}:{assignment.id}:{now.isoformat()}",
        now=now,
        not_told=not_told,
    )
