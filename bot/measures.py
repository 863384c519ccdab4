"""Measures as the people answering for them see them: groups for /my, and the measure card."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.refusals import Refusal, Refused
from models.queries import active_assignment, live_measure, live_plan, plain_rows
from models.tables import (
    Assignment,
    AssignmentStatus,
    DeadlineChange,
    Measure,
    Official,
    Organization,
    Plan,
    Report,
    Section,
    display_name,
)

DUE_SOON_DAYS = 7


class Group(enum.StrEnum):
    """The groups of /my, in the order they are shown."""

    OVERDUE = "overdue"
    DUE_SOON = "soon"
    LATER = "later"
    UNDER_REVIEW = "review"
    DONE = "done"


GROUP_ORDER = tuple(Group)


def group_of(
    deadline: date | None, done_on: date | None, statuses: Iterable[AssignmentStatus], today: date
) -> Group:
    """Where a measure belongs for the bodies whose assignment statuses are given.

    Done (accepted, or done before import) beats everything; then a report waiting for review;
    then by deadline: passed → overdue, within DUE_SOON_DAYS calendar days → due soon, else
    (or no deadline) → later.
    """
    statuses = set(statuses)
    if done_on is not None or (statuses and statuses <= {AssignmentStatus.ACCEPTED}):
        return Group.DONE
    if AssignmentStatus.SUBMITTED in statuses:
        return Group.UNDER_REVIEW
    if deadline is None:
        return Group.LATER
    if deadline < today:
        return Group.OVERDUE
    if (deadline - today).days <= DUE_SOON_DAYS:
        return Group.DUE_SOON
    return Group.LATER


@dataclass(frozen=True, slots=True)
class MeasureLine:
    """One measure in a list: enough to show a button for it."""

    measure_id: int
    plan_id: int
    number: str
    sort_key: str
    title: str
    deadline: date | None
    group: Group


def _sort_key(line: MeasureLine) -> tuple[date, str]:
    return (line.deadline or date.max, line.sort_key)


def _executor_measures_statement(bodies: ColumnElement[bool]) -> Select[Any]:
    return (
        select(
            Measure.id,
            Measure.plan_id,
            Measure.number,
            Measure.sort_key,
            Measure.title,
            Measure.deadline,
            Measure.done_on,
            Assignment.status,
        )
        .join(Assignment, Assignment.measure_id == Measure.id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(
            bodies,
            active_assignment(),
            live_measure(),
            live_plan(),
        )
    )


# Built once: every /my page runs one. Most people answer for one body, and a plain equality
# is cached whole; an IN list (an expanding parameter) is re-rendered on every execution.
_ONE_BODY_MEASURES = _executor_measures_statement(
    Assignment.organization_id == bindparam("organization_id")
)
_BODIES_MEASURES = _executor_measures_statement(
    Assignment.organization_id.in_(bindparam("organization_ids", expanding=True))
)


async def executor_measures(
    session: AsyncSession, organization_ids: Iterable[int], today: date
) -> list[MeasureLine]:
    """Measures of these bodies (current assignments, measures not removed), grouped."""
    ids = list(organization_ids)
    if not ids:
        return []
    if len(ids) == 1:
        rows = await plain_rows(session, _ONE_BODY_MEASURES, {"organization_id": ids[0]})
    else:
        rows = await plain_rows(session, _BODIES_MEASURES, {"organization_ids": ids})
    by_measure: dict[int, tuple[tuple, set[AssignmentStatus]]] = {}
    for row in rows:
        entry = by_measure.setdefault(row.id, (tuple(row), set()))
        entry[1].add(row.status)
    lines = []
    for values, statuses in by_measure.values():
        measure_id, plan_id, number, sort_key, title, deadline, done_on, _ = values
        lines.append(
            MeasureLine(
                measure_id=measure_id,
                plan_id=plan_id,
                number=number,
                sort_key=sort_key,
                title=title,
                deadline=deadline,
                group=group_of(deadline, done_on, statuses, today),
            )
        )
    lines.sort(key=_sort_key)
    return lines


async def executor_measures_in(
    session: AsyncSession, organization_ids: Iterable[int], today: date, group: Group
) -> list[MeasureLine]:
    """The measures of these bodies that are in one group of /my."""
    return [
        line
        for line in await executor_measures(session, organization_ids, today)
        if line.group is group
    ]


def count_by_group(lines: Sequence[MeasureLine]) -> dict[Group, int]:
    counts = dict.fromkeys(GROUP_ORDER, 0)
    for line in lines:
        counts[line.group] += 1
    return counts


@dataclass(frozen=True, slots=True)
class ExecutorOnCard:
    assignment_id: int
    organization_id: int
    name: str
    short_name: str | None
    is_lead: bool
    by_agreement: bool
    named_person: str | None
    status: AssignmentStatus


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    kind: str  # "report_submitted", "report_accepted", "report_returned", "deadline_changed", …
    who: str | None
    details: dict[str, object]


@dataclass(frozen=True, slots=True)
class MeasureCard:
    measure_id: int
    plan_id: int
    plan_title: str
    section: str | None
    number: str
    title: str
    deadline: date | None
    deadline_text: str
    done_on: date | None
    result: str | None
    executors: tuple[ExecutorOnCard, ...]
    history: tuple[HistoryEntry, ...]
    removed: bool

    @property
    def organization_ids(self) -> frozenset[int]:
        return frozenset(executor.organization_id for executor in self.executors)

    def group_for(self, organization_ids: frozenset[int] | None, today: date) -> Group:
        """The measure's state for these bodies (all executors when None)."""
        statuses = [
            executor.status
            for executor in self.executors
            if organization_ids is None or executor.organization_id in organization_ids
        ]
        return group_of(self.deadline, self.done_on, statuses, today)


def can_view(roles: Roles, plan_id: int, organization_ids: Iterable[int]) -> bool:
    """A coordinator of the plan, or an official or head of one of its executing bodies."""
    return roles.coordinates_plan(plan_id) or any(
        roles.serves_organization(organization_id) for organization_id in organization_ids
    )


# The card's statements, built once (every card runs all four). They select columns, read
# past the ORM's result machinery (plain_rows): a card builds no mapped objects.
_CARD_MEASURE = (
    select(
        Measure.id,
        Measure.plan_id,
        Measure.number,
        Measure.title,
        Measure.deadline,
        Measure.deadline_text,
        Measure.done_on,
        Measure.result,
        Measure.removed_at,
        Plan.title,
        Section.title,
    )
    .join(Plan, Plan.id == Measure.plan_id)
    .outerjoin(Section, Section.id == Measure.section_id)
    .where(Measure.id == bindparam("measure_id"))
)
_CARD_EXECUTORS = (
    select(
        Assignment.id,
        Organization.id,
        Organization.full_name,
        Organization.short_name,
        Assignment.is_lead,
        Assignment.by_agreement,
        Assignment.named_person,
        Assignment.status,
    )
    .join(Organization, Organization.id == Assignment.organization_id)
    .where(Assignment.measure_id == bindparam("measure_id"), active_assignment())
    .order_by(Assignment.is_lead.desc(), Assignment.position, Assignment.id)
)
_PERSON_NAME = (Official.full_name, Official.first_name, Official.last_name, Official.telegram_id)
_CARD_REPORTS = (
    select(
        Report.submitted_at,
        Report.comment,
        Report.reviewed_at,
        Report.status,
        Report.review_reason,
        *_PERSON_NAME,
    )
    .join(Assignment, Assignment.id == Report.assignment_id)
    .join(Official, Official.id == Report.author_id)
    .where(Assignment.measure_id == bindparam("measure_id"))
)
_CARD_DEADLINE_CHANGES = (
    select(
        DeadlineChange.decided_at,
        DeadlineChange.created_at,
        DeadlineChange.status,
        DeadlineChange.old_deadline,
        DeadlineChange.new_deadline,
        DeadlineChange.reason,
        *_PERSON_NAME,
    )
    .outerjoin(Official, Official.id == DeadlineChange.requested_by_id)
    .where(DeadlineChange.measure_id == bindparam("measure_id"))
)


def _name(
    full_name: str | None, first: str | None, last: str | None, telegram_id: int | None
) -> str | None:
    return None if telegram_id is None else display_name(full_name, first, last, telegram_id)


async def _card_executors(session: AsyncSession, measure_id: int) -> tuple[ExecutorOnCard, ...]:
    rows = await plain_rows(session, _CARD_EXECUTORS, {"measure_id": measure_id})
    return tuple(ExecutorOnCard(*row) for row in rows)


async def _card_history(session: AsyncSession, measure_id: int) -> tuple[HistoryEntry, ...]:
    """Reports, their reviews and deadline changes, oldest first."""
    history: list[HistoryEntry] = []
    parameters = {"measure_id": measure_id}
    for submitted_at, comment, reviewed_at, status, reason, *author in await plain_rows(
        session, _CARD_REPORTS, parameters
    ):
        history.append(
            HistoryEntry(submitted_at, "report_submitted", _name(*author), {"comment": comment})
        )
        if reviewed_at is not None:
            history.append(
                HistoryEntry(reviewed_at, f"report_{status.value}", None, {"reason": reason})
            )
    for decided_at, created_at, status, old, new, reason, *who in await plain_rows(
        session, _CARD_DEADLINE_CHANGES, parameters
    ):
        history.append(
            HistoryEntry(
                decided_at or created_at,
                f"deadline_{status.value}",
                _name(*who),
                {"old": old, "new": new, "reason": reason},
            )
        )
    history.sort(key=lambda entry: entry.at)
    return tuple(history)


async def load_card(session: AsyncSession, measure_id: int) -> MeasureCard | None:
    """Everything the card shows, in four explicit queries; None for an unknown measure."""
    rows = await plain_rows(session, _CARD_MEASURE, {"measure_id": measure_id})
    if not rows:
        return None
    (
        measure_id,
        plan_id,
        number,
        title,
        deadline,
        deadline_text,
        done_on,
        result,
        removed_at,
        plan_title,
        section_title,
    ) = rows[0]
    return MeasureCard(
        measure_id=measure_id,
        plan_id=plan_id,
        plan_title=plan_title,
        section=section_title,
        number=number,
        title=title,
        deadline=deadline,
        deadline_text=deadline_text,
        done_on=done_on,
        result=result,
        executors=await _card_executors(session, measure_id),
        history=await _card_history(session, measure_id),
        removed=removed_at is not None,
    )


async def viewable_card(session: AsyncSession, roles: Roles, measure_id: int) -> MeasureCard:
    """The measure's card, if the person may see it (`can_view`); the same refusal for a
    measure that does not exist and one that is not theirs."""
    card = await load_card(session, measure_id)
    if card is None or not can_view(roles, card.plan_id, card.organization_ids):
        raise Refused(Refusal.MEASURE_NOT_AVAILABLE)
    return card
