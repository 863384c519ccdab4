"""Changes of measures told once to the people of the bodies concerned.

A change set (a coordinator's action, an approved deadline request, a re-import of a plan)
gives each official and head of a body concerned one message listing every measure of the set
that concerns them, split into parts of `MEASURES_PER_MESSAGE` so that each part fits by
construction. A deadline or wording change concerns every body answering for the measure; an
executor change the body added or removed. The person who made the change is not told, nor
those told otherwise (the official whose request was decided). Written to the outbox in the
transaction of the change, rendered at send time (scheduler/change_messages.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.change_notices import (
    MEASURES_CHANGED,
    ChangedMeasure,
    ChangeKind,
    MeasureChangeNote,
    MeasuresChangedNotice,
)
from models.queries import (
    Recipient,
    active_assignment,
    active_membership,
    active_official,
    enqueue_notification,
)
from models.tables import Assignment, Measure, Membership, Official, Organization, Plan, Role

MEASURES_PER_MESSAGE = 40

# The kinds that concern every body answering for the measure (the others: the body named).
WHOLE_MEASURE = frozenset(
    {ChangeKind.DEADLINE, ChangeKind.WORDING, ChangeKind.INCLUDED, ChangeKind.EXCLUDED}
)


@dataclass(frozen=True, slots=True)
class MeasureChange:
    """What changed in one measure; `organization_id` is the body added or removed."""

    measure_id: int
    kind: ChangeKind
    old: date | None = None
    new: date | None = None
    organization_id: int | None = None


@dataclass(frozen=True, slots=True)
class MeasureState:
    """What people are told about, before and after a change set (see `changes_between`)."""

    title: str
    result: str | None
    deadline: date | None
    removed: bool
    bodies: frozenset[int]


async def plan_measure_states(session: AsyncSession, plan_id: int) -> dict[int, MeasureState]:
    """The told-about state of each measure of the plan (read before and after a re-import)."""
    bodies: dict[int, set[int]] = defaultdict(set)
    for measure_id, organization_id in await session.execute(
        select(Assignment.measure_id, Assignment.organization_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(Measure.plan_id == plan_id, active_assignment())
    ):
        bodies[measure_id].add(organization_id)
    return {
        measure_id: MeasureState(
            title, result, deadline, removed_at is not None, frozenset(bodies[measure_id])
        )
        for measure_id, title, result, deadline, removed_at in await session.execute(
            select(
                Measure.id, Measure.title, Measure.result, Measure.deadline, Measure.removed_at
            ).where(Measure.plan_id == plan_id)
        )
    }


def changes_between(
    before: dict[int, MeasureState], after: dict[int, MeasureState]
) -> list[MeasureChange]:
    """What a re-import changed that people are told about."""
    changes: list[MeasureChange] = []
    for measure_id, now in after.items():
        was = before.get(measure_id)
        if now.removed:
            if was is not None and not was.removed:
                changes.append(MeasureChange(measure_id, ChangeKind.EXCLUDED))
            continue
        if was is None or was.removed:
            changes.append(MeasureChange(measure_id, ChangeKind.INCLUDED, new=now.deadline))
            continue
        if was.deadline != now.deadline:
            changes.append(
                MeasureChange(measure_id, ChangeKind.DEADLINE, old=was.deadline, new=now.deadline)
            )
        if (was.title, was.result) != (now.title, now.result):
            changes.append(MeasureChange(measure_id, ChangeKind.WORDING))
        changes.extend(
            MeasureChange(measure_id, ChangeKind.BODY_ADDED, organization_id=body)
            for body in sorted(now.bodies - was.bodies)
        )
        changes.extend(
            MeasureChange(measure_id, ChangeKind.BODY_REMOVED, organization_id=body)
            for body in sorted(was.bodies - now.bodies)
        )
    return changes


async def announce_changes(
    session: AsyncSession,
    changes: Sequence[MeasureChange],
    *,
    actor_id: int | None,
    change_set: str,
    now: datetime,
    not_told: Collection[int] = (),
) -> int:
    """Queue one message (in parts, if long) per person concerned; how many were queued.

    `change_set` names the set in the outbox's dedup keys: the same set is told once."""
    if not changes:
        return 0
    measure_ids = sorted({change.measure_id for change in changes})
    context = {
        row[0]: row
        for row in await session.execute(
            select(Measure.id, Plan.title, Measure.number, Measure.title, Measure.sort_key)
            .join(Plan, Plan.id == Measure.plan_id)
            .where(Measure.id.in_(measure_ids))
        )
    }
    answering: dict[int, set[int]] = defaultdict(set)
    for measure_id, organization_id in await session.execute(
        select(Assignment.measure_id, Assignment.organization_id).where(
            Assignment.measure_id.in_(measure_ids), active_assignment()
        )
    ):
        answering[measure_id].add(organization_id)
    named = sorted({change.organization_id for change in changes if change.organization_id})
    names = {
        organization_id: short or full
        for organization_id, short, full in (
            await session.execute(
                select(Organization.id, Organization.short_name, Organization.full_name).where(
                    Organization.id.in_(named)
                )
            )
            if named
            else ()
        )
    }
    concerned: dict[int, list[tuple[int, MeasureChangeNote]]] = defaultdict(list)
    for change in changes:
        if change.measure_id not in context:
            continue
        note = MeasureChangeNote(
            change.kind, change.old, change.new, names.get(change.organization_id or 0, "")
        )
        bodies = (
            answering[change.measure_id]
            if change.kind in WHOLE_MEASURE
            else {change.organization_id}
            if change.organization_id
            else set()
        )
        for body in bodies:
            concerned[body].append((change.measure_id, note))
    people = await _people_of(session, set(concerned))
    skipped = {actor_id, *not_told}
    told: dict[int, tuple[Recipient, dict[int, list[MeasureChangeNote]]]] = {}
    for organization_id, recipients in people.items():
        for recipient in recipients:
            if recipient.official_id in skipped:
                continue
            _, notes = told.setdefault(recipient.official_id, (recipient, defaultdict(list)))
            for measure_id, note in concerned[organization_id]:
                if note not in notes[measure_id]:
                    notes[measure_id].append(note)
    queued = 0
    for recipient, notes in told.values():
        measures = [
            ChangedMeasure(
                measure_id=measure_id,
                plan=context[measure_id][1],
                number=context[measure_id][2],
                title=context[measure_id][3],
                changes=tuple(measure_notes),
            )
            for measure_id, measure_notes in sorted(
                notes.items(), key=lambda item: (context[item[0]][1], context[item[0]][4])
            )
        ]
        parts = [
            measures[start : start + MEASURES_PER_MESSAGE]
            for start in range(0, len(measures), MEASURES_PER_MESSAGE)
        ]
        for number, part in enumerate(parts, start=1):
            queued += await enqueue_notification(
                session,
                recipient=recipient,
                kind=MEASURES_CHANGED,
                dedup_key=f"{MEASURES_CHANGED}:{change_set}:{recipient.official_id}:{number}",
                payload=MeasuresChangedNotice(
                    measures=tuple(part), total=len(measures), part=number, parts=len(parts)
                ).to_json(),
                now=now,
            )
    return queued


async def _people_of(
    session: AsyncSession, organization_ids: set[int]
) -> dict[int, list[Recipient]]:
    """The reachable officials and heads of each body."""
    people: dict[int, list[Recipient]] = defaultdict(list)
    if not organization_ids:
        return people
    for organization_id, official_id, telegram_id, timezone in await session.execute(
        select(Membership.organization_id, Official.id, Official.telegram_id, Official.timezone)
        .join(Official, Official.id == Membership.official_id)
        .where(
            Membership.organization_id.in_(sorted(organization_ids)),
            Membership.role.in_([Role.OFFICIAL, Role.HEAD]),
            active_membership(),
            active_official(),
            Official.blocked_bot_at.is_(None),
        )
        .order_by(Official.id)
    ):
        people[organization_id].append(Recipient(official_id, telegram_id, timezone))
    return people


# The reachable officials and heads of each body (for other messages to bodies' people).
people_of_bodies = _people_of
