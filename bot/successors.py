"""A body renamed or merged into another: its successor takes its measures from a day on.

The old body stays in the directory with its history, marked as passed to the successor
(`Organization.successor_id`, `successor_since`); the successor is a body of its own with its
own name. From the effective day each part (assignment) in force of the old body ends and the
successor gets the same part: lead or co-executor, with its status (a report under review moves
with it and stays answerable; a done part stays done). Reminders and summaries read only parts
in force, so from then on they go to the successor; the card's history, the digests of earlier
weeks and the reports made before keep the old body's name, because those records still point
at the old body's part.

A part ends on the effective day (`valid_until = since`), as everywhere in this project
`valid_until` is the first day a part is no longer in force (`models.queries.active_assignment`).
A part that started after that day (a plan loaded later that still named the old body) ends on
the day it started: it never was the old body's to carry, and its history stays readable.

When the day is still ahead, a daily scan (`pass_due_successions`, run by
`scheduler.successions`) passes the parts on that day: the succession is stored in the table,
so it survives restarts, and passing is idempotent (a part passed once is no longer in force).

The old body's officials and heads are asked, through the outbox, whether they now work in the
successor (`SUCCESSOR_QUESTION`): Yes moves their membership, No keeps it and tells the plans'
coordinators (`SUCCESSOR_DECLINED`).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.body_names import case_key, nominative
from bot.change_announcements import MeasureChange, announce_changes, people_of_bodies
from bot.change_notices import ChangeKind
from bot.deadline_changes import parse_day
from bot.directory.changes import require_administrator
from bot.memberships import move_memberships
from bot.notification_kinds import (
    SUCCESSOR_DECLINED,
    SUCCESSOR_QUESTION,
    SuccessorDeclinedNotice,
    SuccessorQuestionNotice,
)
from bot.plan_import.body_directory import name_key
from bot.refusals import Refusal, Refused
from models.outbox import enqueue_notification
from models.queries import active_assignment, active_membership, plain_rows, plan_reviewers
from models.tables import (
    Assignment,
    AssignmentStatus,
    BodyGroupMember,
    DeadlineChange,
    DeadlineChangeStatus,
    Measure,
    Membership,
    Official,
    Organization,
    OrganizationName,
    Report,
    ReportStatus,
    Role,
)

# Audit actions: the succession recorded on the old body; an old part ended by it; the
# successor's part made (or revived, or taken over) by it (the card's history shows this one).
SUCCESSOR_SET = "successor_set"
ASSIGNMENT_PASSED = "assignment_passed"
ASSIGNMENT_SUCCEEDED = "assignment_succeeded"

MAX_NAME = 1000
# How long after its day a succession's people without measures are still asked by the scan.
ASKING_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class SuccessorPassed:
    """What a succession did: the bodies, the day, the parts passed now, and whether anything
    changed (False: it was already so)."""

    body_name: str
    successor_id: int
    successor_name: str
    since: date
    measures: int
    changed: bool
    successor_created: bool = False


async def _named_keys(session: AsyncSession) -> dict[str, list[int]]:
    """Every stored body's names (full, short, former) as `case_key`s → the bodies."""
    keys: dict[str, list[int]] = defaultdict(list)
    rows = await plain_rows(
        session, select(Organization.id, Organization.full_name, Organization.short_name)
    )
    for organization_id, full_name, short_name in rows:
        for name in (full_name, short_name):
            if name and organization_id not in keys[case_key(name)]:
                keys[case_key(name)].append(organization_id)
    former = await plain_rows(
        session, select(OrganizationName.organization_id, OrganizationName.name)
    )
    for organization_id, name in former:
        if organization_id not in keys[case_key(name)]:
            keys[case_key(name)].append(organization_id)
    return keys


async def find_named_body(session: AsyncSession, name: str) -> Organization | None:
    """The stored body named so in any case («Министерства спорта Омской области»,
    «Министерством спорта …»), by its full, short or former name; None when no body or
    several bodies have that name."""
    key = case_key(name)
    if not key:
        return None
    # A body whose full name this is, as stored: the one (names are unique).
    stored = await session.scalar(
        select(Organization).where(Organization.name_key == name_key(nominative(name)))
    )
    if stored is not None:
        return stored
    found = (await _named_keys(session)).get(key, [])
    if len(found) != 1:
        return None
    return await session.get(Organization, found[0])


async def succession_loops(session: AsyncSession, body_id: int, successor_id: int) -> bool:
    """Whether the successor is the body itself or passes, through its own successors, back
    to it (measures would then travel in a circle every day)."""
    seen: set[int] = set()
    current: int | None = successor_id
    while current is not None and current not in seen:
        if current == body_id:
            return True
        seen.add(current)
        current = await session.scalar(
            select(Organization.successor_id).where(Organization.id == current)
        )
    return False


async def _successor_body(
    session: AsyncSession, body: Organization, successor_name: str
) -> tuple[Organization, bool]:
    """The successor found by name, or made in the directory in the nominative (kind, zone
    and parent of the old body). Whether it was made."""
    found = await find_named_body(session, successor_name)
    if found is not None:
        return found, False
    full_name = nominative(successor_name).strip(" .,;")
    if not full_name or len(full_name) > MAX_NAME:
        raise Refused(Refusal.NOT_AVAILABLE)
    successor = Organization(
        full_name=full_name,
        name_key=name_key(full_name),
        in_directory=body.in_directory,
        kind=body.kind,
        timezone=body.timezone,
        parent_id=body.parent_id,
    )
    session.add(successor)
    await session.flush()
    return successor, True


async def pass_to_successor(
    session: AsyncSession,
    *,
    body_id: int,
    successor_name: str,
    since: date,
    actor_id: int | None,
    version_id: int | None,
    today: date,
    now: datetime,
) -> SuccessorPassed:
    """Record that the body's measures pass to the successor named (found in any case, or
    made) from `since`, and pass its parts in force now when `since` is not after `today`
    (else `pass_due_successions` does it on the day). `version_id`: the plan version (an
    amendment order) that says so, kept on the audit events. The same succession again
    changes nothing."""
    body = await session.get(Organization, body_id)
    if body is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    successor, created = await _successor_body(session, body, successor_name)
    if await succession_loops(session, body.id, successor.id):
        raise Refused(Refusal.NOT_AVAILABLE)
    changed = created
    if body.successor_id != successor.id or body.successor_since != since:
        old = {
            "successor_id": body.successor_id,
            "since": body.successor_since.isoformat() if body.successor_since else None,
        }
        body.successor_id, body.successor_since = successor.id, since
        event = await record_change(
            session,
            actor_id=actor_id,
            action=SUCCESSOR_SET,
            entity=body,
            field="successor",
            old=old if old["successor_id"] is not None else None,
            new={
                "successor_id": successor.id,
                "successor": successor.full_name,
                "since": since.isoformat(),
            },
            at=now,
        )
        event.plan_version_id = version_id
        changed = True
    measures = 0
    if since <= today:
        measures = await _pass_parts(
            session, body, successor, actor_id=actor_id, version_id=version_id, now=now
        )
    return SuccessorPassed(
        body_name=body.full_name,
        successor_id=successor.id,
        successor_name=successor.full_name,
        since=since,
        measures=measures,
        changed=changed or measures > 0,
        successor_created=created,
    )


async def successor_of(session: AsyncSession, body: Organization) -> tuple[str, date] | None:
    """The successor's name and the day, when the body has one."""
    if body.successor_id is None or body.successor_since is None:
        return None
    name = await session.scalar(
        select(Organization.full_name).where(Organization.id == body.successor_id)
    )
    return (name, body.successor_since) if name is not None else None


async def pass_due_successions(session: AsyncSession, *, today: date, now: datetime) -> int:
    """Pass the parts of every body whose succession has come (its day is not after `today`)
    and that still has parts in force; how many parts were passed. Its people are asked
    too, also those of a body that had no measures (in the first month of the succession:
    asking is once per person, and later scans need not try again). The scheduler's job:
    idempotent, and what a stopped bot missed is done at its next scan."""
    due = await plain_rows(
        session,
        select(Organization.id)
        .where(
            Organization.successor_id.is_not(None),
            Organization.successor_since <= today,
            or_(
                select(Assignment.id)
                .where(Assignment.organization_id == Organization.id, active_assignment())
                .exists(),
                and_(
                    Organization.successor_since > today - ASKING_WINDOW,
                    select(Membership.id)
                    .where(Membership.organization_id == Organization.id, active_membership())
                    .exists(),
                ),
            ),
        )
        .order_by(Organization.id),
    )
    passed = 0
    for (body_id,) in due:
        body = await session.get(Organization, body_id)
        assert body is not None and body.successor_id is not None
        successor = await session.get(Organization, body.successor_id)
        if successor is None:
            continue
        passed += await _pass_parts(
            session, body, successor, actor_id=None, version_id=None, now=now
        )
    return passed


async def _pass_parts(
    session: AsyncSession,
    body: Organization,
    successor: Organization,
    *,
    actor_id: int | None,
    version_id: int | None,
    now: datetime,
) -> int:
    """End each part in force of `body` and give the successor the same part; ask the old
    body's people whether they now work in the successor. How many parts were passed."""
    since = body.successor_since
    assert since is not None
    old_parts = list(
        await session.scalars(
            select(Assignment)
            .where(Assignment.organization_id == body.id, active_assignment())
            .order_by(Assignment.measure_id)
        )
    )
    if not old_parts:
        await _ask_people(session, body, successor, 0, now)
        return 0
    theirs = {
        part.measure_id: part
        for part in await session.scalars(
            select(Assignment).where(
                Assignment.organization_id == successor.id,
                Assignment.measure_id.in_([part.measure_id for part in old_parts]),
            )
        )
    }
    for part in old_parts:
        started = part.created_at.date() if part.created_at is not None else since
        part.valid_until = max(since, started)
        event = await record_change(
            session,
            actor_id=actor_id,
            action=ASSIGNMENT_PASSED,
            entity=part,
            field="valid_until",
            old=None,
            new={"valid_until": part.valid_until.isoformat(), "successor_id": successor.id},
            at=now,
        )
        event.plan_version_id = version_id
        new_part = await _successor_part(session, part, theirs.get(part.measure_id), successor)
        await _carry_open_requests(session, part, new_part)
        event = await record_change(
            session,
            actor_id=actor_id,
            action=ASSIGNMENT_SUCCEEDED,
            entity=new_part,
            field="organization_id",
            old={"organization_id": body.id, "name": body.full_name},
            new={
                "organization_id": successor.id,
                "since": since.isoformat(),
                "is_lead": new_part.is_lead,
            },
            at=now,
        )
        event.plan_version_id = version_id
    await _join_groups(session, body.id, successor.id)
    old_people = await people_of_bodies(session, {body.id})
    await announce_changes(
        session,
        [
            MeasureChange(part.measure_id, ChangeKind.BODY_ADDED, organization_id=successor.id)
            for part in old_parts
        ],
        actor_id=actor_id,
        change_set=f"succession:{body.id}:{successor.id}:{since.isoformat()}",
        now=now,
        not_told={person.official_id for person in old_people.get(body.id, [])},
    )
    await _ask_people(session, body, successor, len(old_parts), now)
    return len(old_parts)


async def _successor_part(
    session: AsyncSession, part: Assignment, theirs: Assignment | None, successor: Organization
) -> Assignment:
    """The successor's part of the measure: made like the old one, or its own ended part
    revived as the old one, or (a merger: it already answers for the measure) its own part in
    force, made the lead when the old body led."""
    if theirs is not None and theirs.valid_until is None:
        theirs.is_lead = theirs.is_lead or part.is_lead
        return theirs
    if theirs is None:
        theirs = Assignment(
            measure_id=part.measure_id,
            organization_id=successor.id,
            position=part.position,
            group_id=part.group_id,
        )
        session.add(theirs)
    theirs.valid_until = None
    theirs.is_lead = part.is_lead
    theirs.by_agreement = part.by_agreement
    theirs.executor_text = part.executor_text
    theirs.status = part.status
    theirs.status_changed_at = part.status_changed_at
    await session.flush()
    return theirs


async def _carry_open_requests(
    session: AsyncSession, part: Assignment, new_part: Assignment
) -> None:
    """A report under review and an undecided deadline request move to the successor's part:
    the coordinator still answers them. A merged part already under review keeps its own."""
    if new_part.status is not part.status and part.status is AssignmentStatus.SUBMITTED:
        if new_part.status in (AssignmentStatus.SUBMITTED, AssignmentStatus.ACCEPTED):
            return
        new_part.status, new_part.status_changed_at = part.status, part.status_changed_at
    await session.execute(
        update(Report)
        .where(Report.assignment_id == part.id, Report.status == ReportStatus.SUBMITTED)
        .values(assignment_id=new_part.id)
    )
    taken = await session.scalar(
        select(DeadlineChange.id).where(
            DeadlineChange.assignment_id == new_part.id,
            DeadlineChange.status == DeadlineChangeStatus.REQUESTED,
        )
    )
    if taken is None:
        await session.execute(
            update(DeadlineChange)
            .where(
                DeadlineChange.assignment_id == part.id,
                DeadlineChange.status == DeadlineChangeStatus.REQUESTED,
            )
            .values(assignment_id=new_part.id)
        )


async def _join_groups(session: AsyncSession, body_id: int, successor_id: int) -> None:
    """The successor joins the old body's directory groups («ИОГВ»), which the old body
    leaves: a plan naming the group later expands into bodies that exist."""
    groups = set(
        await session.scalars(
            select(BodyGroupMember.group_id).where(BodyGroupMember.organization_id == body_id)
        )
    )
    theirs = set(
        await session.scalars(
            select(BodyGroupMember.group_id).where(BodyGroupMember.organization_id == successor_id)
        )
    )
    for group_id in sorted(groups - theirs):
        session.add(BodyGroupMember(group_id=group_id, organization_id=successor_id))
    for member in await session.scalars(
        select(BodyGroupMember).where(BodyGroupMember.organization_id == body_id)
    ):
        await session.delete(member)
    await session.flush()


async def _ask_people(
    session: AsyncSession, body: Organization, successor: Organization, measures: int, now: datetime
) -> int:
    """Ask each official and head of the old body (once per succession) whether they now
    work in the successor."""
    assert body.successor_since is not None
    payload = SuccessorQuestionNotice(
        body_id=body.id,
        body=body.full_name,
        successor_id=successor.id,
        successor=successor.full_name,
        since=body.successor_since,
        measures=measures,
    ).to_json()
    asked = 0
    for person in (await people_of_bodies(session, {body.id})).get(body.id, []):
        asked += await enqueue_notification(
            session,
            recipient=person,
            kind=SUCCESSOR_QUESTION,
            dedup_key=f"{SUCCESSOR_QUESTION}:{body.id}:{successor.id}:{person.official_id}",
            payload=payload,
            now=now,
        )
    return asked


# --- The official's answer ----------------------------------------------------------------------


class SuccessorAnswer(enum.StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True, slots=True)
class SuccessorAnswered:
    """What became of an official's answer: the bodies' names, and whether they moved."""

    body_name: str
    successor_name: str
    moved: bool
    coordinators_told: int = 0


async def answer_successor_question(
    session: AsyncSession,
    *,
    official_id: int,
    body_id: int,
    answer: SuccessorAnswer,
    admin_telegram_ids: frozenset[int],
    today: date,
    now: datetime,
) -> SuccessorAnswered:
    """Yes: the person's memberships of the old body move to its successor. No: they stay,
    and the coordinators of the plans the old body's measures belong to are told. Refused
    unless the body has a successor in force (its day has come) and the person serves the
    body (or, having said yes already, its successor)."""
    body = await session.get(Organization, body_id)
    if (
        body is None
        or body.successor_id is None
        or body.successor_since is None
        or body.successor_since > today
    ):
        raise Refused(Refusal.NOT_AVAILABLE)
    successor = await session.get(Organization, body.successor_id)
    assert successor is not None
    held = list(
        await session.scalars(
            select(Membership).where(
                Membership.official_id == official_id,
                Membership.organization_id == body.id,
                Membership.role.in_([Role.OFFICIAL, Role.HEAD]),
                active_membership(),
            )
        )
    )
    if not held:
        moved_already = await session.scalar(
            select(Membership.id).where(
                Membership.official_id == official_id,
                Membership.organization_id == successor.id,
                active_membership(),
            )
        )
        if moved_already is None:
            raise Refused(Refusal.NOT_AVAILABLE)
        return SuccessorAnswered(body.full_name, successor.full_name, moved=True)
    if answer is SuccessorAnswer.YES:
        await move_memberships(
            session, body.id, successor.id, now, official_id=official_id, actor_id=official_id
        )
        return SuccessorAnswered(body.full_name, successor.full_name, moved=True)
    told = await _tell_coordinators(session, body, successor, official_id, admin_telegram_ids, now)
    return SuccessorAnswered(
        body.full_name, successor.full_name, moved=False, coordinators_told=told
    )


async def _tell_coordinators(
    session: AsyncSession,
    body: Organization,
    successor: Organization,
    official_id: int,
    admin_telegram_ids: frozenset[int],
    now: datetime,
) -> int:
    plan_ids = set(
        await session.scalars(
            select(Measure.plan_id)
            .join(Assignment, Assignment.measure_id == Measure.id)
            .where(Assignment.organization_id.in_([body.id, successor.id]))
            .distinct()
        )
    )
    person = await session.get(Official, official_id)
    assert person is not None
    payload = SuccessorDeclinedNotice(
        person=person.display_name,
        body=body.full_name,
        successor=successor.full_name,
        since=body.successor_since,
    ).to_json()
    told = 0
    seen: set[int] = set()
    for recipients in (await plan_reviewers(session, plan_ids, admin_telegram_ids)).values():
        for recipient in recipients:
            if recipient.official_id in seen:
                continue
            seen.add(recipient.official_id)
            told += await enqueue_notification(
                session,
                recipient=recipient,
                kind=SUCCESSOR_DECLINED,
                dedup_key=f"{SUCCESSOR_DECLINED}:{body.id}:{official_id}:{recipient.official_id}",
                payload=payload,
                now=now,
            )
    return told


# --- The directory: an administrator sets a successor -------------------------------------------


async def set_successor(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    body_id: int,
    successor_name: str,
    since: date,
    today: date,
    now: datetime,
) -> SuccessorPassed:
    """An administrator passes a body's measures to a successor from the directory."""
    require_administrator(roles)
    return await pass_to_successor(
        session,
        body_id=body_id,
        successor_name=successor_name,
        since=since,
        actor_id=actor_id,
        version_id=None,
        today=today,
        now=now,
    )


def read_successor_text(text: str) -> tuple[str, date] | None:
    """What an administrator types: the successor's name and the day, «Министерство спорта
    Омской области 05.06.2024» (the day last, or first); None when either is missing."""
    words = text.split()
    for day_at, rest in ((-1, words[:-1]), (0, words[1:])):
        if len(words) < 2:
            return None
        day = parse_day(words[day_at].strip(" .,;—-"))
        if rest and rest[-1].casefold() in ("с", "from"):
            rest = rest[:-1]
        name = " ".join(rest).strip(" ,;—-")
        if day is not None and name:
            return name, day
    return None
