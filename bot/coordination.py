"""What a coordinator does with their plans, and how an official leaves a body.

Finding measures, assigning and removing bodies, moving deadlines, seeing who is registered
with the bodies of their plans, ending memberships, inviting people. No aiogram here: handlers
parse, call one function, render.

Every function that reads or changes something on behalf of a person takes their `Roles` and
checks that the measure / body / person / plan belongs to a plan they coordinate
(administrators coordinate every plan). Whatever is unknown and whatever is not theirs are
refused alike (`Refusal.NOT_AVAILABLE`), so that guessing ids tells nothing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import invitations
from bot.access import Roles, can_manage_coordinators, can_revoke_invitation
from bot.audit import record_change
from bot.plan_import.model import normalise_number
from models.tables import (
    Assignment,
    DeadlineChange,
    DeadlineChangeStatus,
    Invitation,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
)

EXECUTOR_ROLES = (Role.OFFICIAL, Role.HEAD)
REASON_LIMIT = 1000
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

NUMBER_QUERY = re.compile(r"№?\s*(\d{1,3}(?:\.\d{1,3}){0,7})\.?")
DAY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})")


class Refusal(enum.StrEnum):
    NOT_AVAILABLE = "not_available"  # unknown, or outside the plans the person coordinates
    MEASURE_REMOVED = "measure_removed"
    ALREADY_EXECUTOR = "already_executor"
    NOT_EXECUTOR = "not_executor"
    SAME_DEADLINE = "same_deadline"
    NO_REASON = "no_reason"
    REASON_TOO_LONG = "reason_too_long"
    NOT_MEMBER = "not_member"
    ALREADY_REVOKED = "already_revoked"


class Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def fold(text: str) -> str:
    """Text for matching: case-folded (Cyrillic too), ё as е, whitespace collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


# --- Scope: the plans a person coordinates and the bodies of those plans ----------------------


async def coordinated_plan_ids(session: AsyncSession, roles: Roles) -> list[int]:
    """Plans (not archived) the person coordinates: every plan for an administrator."""
    if not roles.is_coordinator:
        return []
    statement = select(Plan.id).where(Plan.is_archived.is_(False)).order_by(Plan.id)
    if not roles.is_admin:
        statement = statement.where(Plan.id.in_(sorted(roles.coordinator_plan_ids)))
    return list(await session.scalars(statement))


def _body_ids_of(plan_ids: Sequence[int]) -> Select[tuple[int]]:
    """Bodies with a current assignment to a measure (not removed) of these plans."""
    return (
        select(Assignment.organization_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(
            Measure.plan_id.in_(list(plan_ids)),
            Measure.removed_at.is_(None),
            Assignment.valid_until.is_(None),
        )
        .distinct()
    )


def _by_name(organizations: Iterable[Organization]) -> list[Organization]:
    return sorted(organizations, key=lambda o: (fold(o.full_name), o.id))


async def bodies_of_plans(session: AsyncSession, plan_ids: Sequence[int]) -> list[Organization]:
    if not plan_ids:
        return []
    found = await session.scalars(
        select(Organization).where(Organization.id.in_(_body_ids_of(plan_ids)))
    )
    return _by_name(found)


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
                Organization.id.in_(_body_ids_of(plan_ids)),
            )
        )
    if organization is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    return organization


def match_bodies(organizations: Iterable[Organization], text: str) -> list[Organization]:
    """Bodies whose full or short name holds every word typed; exact names first."""
    needle = fold(text)
    if not needle:
        return []
    words = needle.split()
    exact, partial = [], []
    for organization in _by_name(organizations):
        names = (fold(organization.full_name), fold(organization.short_name or ""))
        if needle in names:
            exact.append(organization)
        elif all(any(word in name for name in names) for word in words):
            partial.append(organization)
    return exact + partial


async def find_any_body(session: AsyncSession, text: str) -> list[Organization]:
    """Bodies of the whole directory by part of the name (a few hundred: matched in Python,
    since SQLite's lower() folds ASCII only)."""
    return match_bodies(await session.scalars(select(Organization)), text)


# --- Finding measures ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FoundMeasure:
    measure_id: int
    plan_id: int
    plan_title: str
    number: str
    title: str
    deadline: date | None


def number_of_query(text: str) -> str | None:
    """The measure number a query asks for ("1.1", "1.1.", "№ 3.2"), as a number key."""
    match = NUMBER_QUERY.fullmatch(" ".join(text.split()))
    return normalise_number(match.group(1)) if match else None


async def search_measures(
    session: AsyncSession, plan_ids: Sequence[int], text: str
) -> list[FoundMeasure]:
    """Measures (not removed) of these plans: by number first, then by every word of the title."""
    words = fold(text).split()
    if not words or not plan_ids:
        return []
    key = number_of_query(text)
    rows = await session.execute(
        select(
            Measure.id,
            Measure.plan_id,
            Plan.title.label("plan_title"),
            Measure.number,
            Measure.number_key,
            Measure.title,
            Measure.deadline,
        )
        .join(Plan, Plan.id == Measure.plan_id)
        .where(Measure.plan_id.in_(list(plan_ids)), Measure.removed_at.is_(None))
        .order_by(Measure.plan_id, Measure.sort_key, Measure.id)
    )
    by_number, by_title = [], []
    for row in rows:
        found = FoundMeasure(
            row.id, row.plan_id, row.plan_title, row.number, row.title, row.deadline
        )
        # A number the plan repeats is stored as "1.5#2": it is still "1.5".
        if key is not None and row.number_key.split("#")[0] == key:
            by_number.append(found)
        elif all(word in fold(row.title) for word in words):
            by_title.append(found)
    return by_number + by_title


# --- Acting on a measure ------------------------------------------------------------------------


async def coordinated_measure(session: AsyncSession, roles: Roles, measure_id: int) -> Measure:
    """The measure, if it belongs to a plan the person coordinates."""
    measure = await session.get(Measure, measure_id)
    if measure is None or not roles.coordinates_plan(measure.plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    return measure


async def _changeable_measure(session: AsyncSession, roles: Roles, measure_id: int) -> Measure:
    measure = await coordinated_measure(session, roles, measure_id)
    if measure.removed_at is not None:
        raise Refused(Refusal.MEASURE_REMOVED)
    return measure


@dataclass(frozen=True, slots=True)
class AssignmentMade:
    organization_name: str
    is_lead: bool
    revived: bool


async def assign_body(
    session: AsyncSession, roles: Roles, *, actor_id: int, measure_id: int, organization_id: int
) -> AssignmentMade:
    """Give the measure to a body: a new assignment, or an ended one revived. The body becomes
    the lead executor only when the measure has no current lead."""
    measure = await _changeable_measure(session, roles, measure_id)
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
        )
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
    )
    return AssignmentMade(organization.full_name, is_lead, revived=False)


async def remove_body(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    measure_id: int,
    organization_id: int,
    today: date,
) -> str:
    """End a body's current assignment (valid until today; never deleted, its reports stay).
    Returns the body's name."""
    measure = await _changeable_measure(session, roles, measure_id)
    row = (
        await session.execute(
            select(Assignment, Organization.full_name)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(
                Assignment.measure_id == measure.id,
                Assignment.organization_id == organization_id,
                Assignment.valid_until.is_(None),
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
    )
    return name


def parse_day(text: str) -> date | None:
    """A date as people type it: 31.12.2025, 1.2.26, 01/02/2026; None if it is not one."""
    match = DAY.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        year += 2000
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clean_reason(text: str) -> str:
    """The reason of a deadline move as typed; refused when empty or too long."""
    reason = text.strip()
    if not reason:
        raise Refused(Refusal.NO_REASON)
    if len(reason) > REASON_LIMIT:
        raise Refused(Refusal.REASON_TOO_LONG)
    return reason


async def check_new_deadline(
    session: AsyncSession, roles: Roles, measure_id: int, new_deadline: date
) -> Measure:
    """The measure, if its deadline may be moved to this day."""
    measure = await _changeable_measure(session, roles, measure_id)
    if measure.deadline == new_deadline:
        raise Refused(Refusal.SAME_DEADLINE)
    return measure


@dataclass(frozen=True, slots=True)
class DeadlineMoved:
    old: date | None
    new: date


async def change_deadline(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    measure_id: int,
    new_deadline: date,
    reason: str,
    now: datetime,
) -> DeadlineMoved:
    """Move the deadline at once: the measure, an applied DeadlineChange and the audit trail."""
    reason = clean_reason(reason)
    measure = await check_new_deadline(session, roles, measure_id, new_deadline)
    old = measure.deadline
    measure.deadline = new_deadline
    session.add(
        DeadlineChange(
            measure_id=measure.id,
            status=DeadlineChangeStatus.APPLIED,
            old_deadline=old,
            new_deadline=new_deadline,
            reason=reason,
            requested_by_id=actor_id,
            decided_by_id=actor_id,
            decided_at=now,
        )
    )
    await record_change(
        session,
        actor_id=actor_id,
        action="deadline_changed",
        entity=measure,
        field="deadline",
        old=old,
        new=new_deadline,
    )
    return DeadlineMoved(old, new_deadline)


# --- Who is registered with the bodies of a coordinator's plans ---------------------------------


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


async def body_registrations(
    session: AsyncSession, plan_ids: Sequence[int]
) -> list[BodyRegistrations]:
    """Each body of these plans with its active officials and heads: bodies with nobody
    registered first, then the others, each part by name."""
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
            Membership.organization_id.in_(_body_ids_of(plan_ids)),
            Membership.role.in_(EXECUTOR_ROLES),
            Membership.is_active.is_(True),
            Official.is_active.is_(True),
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


def _status(official: Official) -> PersonStatus:
    if not official.is_active:
        return PersonStatus.DEACTIVATED
    if official.blocked_bot_at is not None:
        return PersonStatus.BLOCKED_BOT
    return PersonStatus.ACTIVE


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
            Membership.organization_id.in_(_body_ids_of(plan_ids)),
            Membership.role.in_(EXECUTOR_ROLES),
            Membership.is_active.is_(True),
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


async def people_of_plans(session: AsyncSession, plan_ids: Sequence[int]) -> list[PersonEntry]:
    """People holding an official's or head's membership with a body of these plans."""
    return await _people(session, plan_ids)


async def coordinated_person(session: AsyncSession, roles: Roles, official_id: int) -> PersonEntry:
    """The person, with their memberships with the bodies of the plans `roles` coordinate."""
    found = await _people(session, await coordinated_plan_ids(session, roles), official_id)
    if not found:
        raise Refused(Refusal.NOT_AVAILABLE)
    return found[0]


async def _end_membership(
    session: AsyncSession, membership: Membership, *, actor_id: int, action: str, now: datetime
) -> None:
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


async def deactivate_person(
    session: AsyncSession, roles: Roles, *, actor_id: int, official_id: int, now: datetime
) -> PersonEntry:
    """End the person's official/head memberships with the bodies of the plans the actor
    coordinates (memberships with other bodies stay). Returns what was ended."""
    person = await coordinated_person(session, roles, official_id)
    ended = {m.organization_id for m in person.memberships}
    memberships = await session.scalars(
        select(Membership).where(
            Membership.official_id == person.official_id,
            Membership.role.in_(EXECUTOR_ROLES),
            Membership.is_active.is_(True),
            Membership.organization_id.in_(ended),
        )
    )
    for membership in memberships:
        await _end_membership(
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
    return _by_name(found)


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
                Membership.is_active.is_(True),
            )
        )
    )
    if not memberships:
        raise Refused(Refusal.NOT_MEMBER)
    for membership in memberships:
        await _end_membership(
            session, membership, actor_id=official_id, action="membership_left", now=now
        )
    return organization


# --- Coordinators of plans (administrators only) ------------------------------------------------


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
        .where(Membership.role == Role.COORDINATOR, Membership.is_active.is_(True))
    )


def _coordinator_entry(membership: Membership, official: Official, plan: Plan) -> CoordinatorEntry:
    return CoordinatorEntry(
        membership.id, official.id, official.telegram_id, official.display_name, plan.id, plan.title
    )


async def plan_coordinators(session: AsyncSession, roles: Roles) -> list[PlanCoordinators]:
    """Every plan (not archived) with its active coordinators; for administrators only."""
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    plans = list(
        await session.scalars(select(Plan).where(Plan.is_archived.is_(False)).order_by(Plan.id))
    )
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
    await _end_membership(
        session, membership, actor_id=actor_id, action="coordinator_removed", now=now
    )
    return entry


# --- Invitations made in the chat ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MadeInvitation:
    token: str
    invitation_id: int
    role: Role
    expires_at: datetime
    max_uses: int
    target: str  # the body's or the plan's name


async def invite_to_body(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    organization_id: int,
    role: Role,
    now: datetime | None = None,
) -> MadeInvitation:
    """An invitation (1 use, 14 days) for an official or the head of a body of the actor's
    plans."""
    if role not in EXECUTOR_ROLES:
        raise Refused(Refusal.NOT_AVAILABLE)
    organization = await coordinated_body(session, roles, organization_id)
    made = await invitations.create_invitation(
        session, role=role, organization=organization, created_by_id=actor_id, now=now
    )
    invitation = made.invitation
    return MadeInvitation(
        made.token,
        invitation.id,
        role,
        invitation.expires_at,
        invitation.max_uses,
        organization.full_name,
    )


async def invitable_plans(session: AsyncSession, roles: Roles) -> list[Plan]:
    """Plans an administrator may invite a coordinator to."""
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    return list(
        await session.scalars(select(Plan).where(Plan.is_archived.is_(False)).order_by(Plan.id))
    )


async def invite_coordinator(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    plan_id: int,
    now: datetime | None = None,
) -> MadeInvitation:
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    plan = await session.get(Plan, plan_id)
    if plan is None or plan.is_archived:
        raise Refused(Refusal.NOT_AVAILABLE)
    made = await invitations.create_invitation(
        session, role=Role.COORDINATOR, plan=plan, created_by_id=actor_id, now=now
    )
    invitation = made.invitation
    return MadeInvitation(
        made.token,
        invitation.id,
        Role.COORDINATOR,
        invitation.expires_at,
        invitation.max_uses,
        plan.title,
    )


async def revoke_invitation(
    session: AsyncSession, roles: Roles, *, actor_id: int, invitation_id: int, now: datetime
) -> None:
    """Withdraw an invitation: only its maker or an administrator may."""
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or not can_revoke_invitation(
        roles, person_id=actor_id, maker_id=invitation.created_by_id
    ):
        raise Refused(Refusal.NOT_AVAILABLE)
    if invitation.revoked_at is not None:
        raise Refused(Refusal.ALREADY_REVOKED)
    await invitations.revoke(session, invitation, actor_id, now)
