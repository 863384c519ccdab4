"""Measures as the people answering for them see them: groups for /my (by the one status
definition, `bot.measure_status`), and the measure card."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.measure_history import HistoryEntry as HistoryEntry  # re-exported: its old home
from bot.measure_history import HistoryPage, has_earlier_wordings, history_page
from bot.measure_status import (
    Status,
    StatusDates,
    decided_status,
    is_past_deadline,
    measure_status,
    part_status,
)
from bot.refusals import Refusal, Refused
from models.prepared import prepared
from models.queries import (
    active_assignment,
    active_membership,
    active_official,
    live_measure,
    live_plan,
    plain_rows,
)
from models.tables import (
    Assignment,
    AssignmentStatus,
    BodyGroup,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
    Section,
    display_name,
)

# The groups of /my, in the order they are shown (removed measures are not in /my).
MY_ORDER: tuple[Status, ...] = (
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.LATER,
    Status.NO_DEADLINE,
    Status.UNDER_REVIEW,
    Status.DONE,
)


class MeasureLine(NamedTuple):
    """One measure in a list: enough to show a button for it; `status` for the reader's bodies
    (`bot.measure_status.measure_status` over their parts), `today` in their body's zone.

    A named tuple: /my builds one per measure of the person's bodies on every page, and a
    tuple is made several times quicker than a frozen dataclass."""

    measure_id: int
    plan_id: int
    number: str
    sort_key: str
    title: str
    deadline: date | None
    status: Status
    today: date

    @property
    def past_deadline(self) -> bool:
        return is_past_deadline(self.deadline, self.today)


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
            Assignment.is_lead,
            Assignment.status,
            Organization.timezone,
            Plan.timezone,
        )
        .join(Assignment, Assignment.measure_id == Measure.id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(
            bodies,
            active_assignment(),
            live_measure(),
            live_plan(),
        )
        # The list's order (no deadline last), then each measure's parts lead first (the
        # first of their bodies' zones decides "today").
        .order_by(
            Measure.deadline.is_(None),
            Measure.deadline,
            Measure.sort_key,
            Measure.id,
            Assignment.is_lead.desc(),
            Assignment.organization_id,
        )
    )


# Built once: every /my page runs one. Most people answer for one body, and a plain equality
# is cached whole; an IN list (an expanding parameter) is re-rendered on every execution.
_ONE_BODY_MEASURES = prepared(
    _executor_measures_statement(Assignment.organization_id == bindparam("organization_id"))
)
_BODIES_MEASURES = _executor_measures_statement(
    Assignment.organization_id.in_(bindparam("organization_ids", expanding=True))
)


async def executor_measures(
    session: AsyncSession, organization_ids: Iterable[int], dates: StatusDates
) -> list[MeasureLine]:
    """Measures of these bodies (current assignments, measures not removed), each with its
    status for these bodies: their parts decide as `measure_status` says (their lead part, or
    all of them), "today" in the first of their bodies' zones (lead first), else the plan's."""
    ids = list(organization_ids)
    if not ids:
        return []
    if len(ids) == 1:
        rows = await plain_rows(session, _ONE_BODY_MEASURES, {"organization_id": ids[0]})
    else:
        rows = await plain_rows(session, _BODIES_MEASURES, {"organization_ids": ids})
    # Each measure's first row, its parts (is_lead, status) and its bodies' zones, in the
    # order of the list (the statement's).
    by_measure: dict[int, tuple[Any, list[tuple[bool, AssignmentStatus]], list[str | None]]] = {}
    for row in rows:
        entry = by_measure.get(row[0])
        if entry is None:
            by_measure[row[0]] = (row, [(row[7], row[8])], [row[9]])
        else:
            entry[1].append((row[7], row[8]))
            entry[2].append(row[9])
    known_zones = dates.today_by_zone
    today_of = dates.today
    lines = []
    for values, parts, zones in by_measure.values():
        measure_id, plan_id, number, sort_key, title, deadline, done_on = values[:7]
        zone = values[10]  # the plan's, unless one of the bodies' zones is known
        for body_zone in zones:
            if body_zone in known_zones:
                zone = body_zone
                break
        today = today_of(zone)
        if done_on is not None:
            status = Status.DONE
        elif len(parts) == 1:  # most measures: one part of the reader's body decides
            status = decided_status([parts[0][1]], deadline, today)
        else:
            status = measure_status(
                deadline=deadline, done_on=done_on, removed=False, parts=parts, today=today
            )
        lines.append(
            MeasureLine(measure_id, plan_id, number, sort_key, title, deadline, status, today)
        )
    return lines


async def executor_measures_in(
    session: AsyncSession, organization_ids: Iterable[int], dates: StatusDates, status: Status
) -> list[MeasureLine]:
    """The measures of these bodies that are in one group of /my."""
    return [
        line
        for line in await executor_measures(session, organization_ids, dates)
        if line.status is status
    ]


def count_by_status(lines: Sequence[MeasureLine]) -> dict[Status, int]:
    """How many measures in each group of /my, in its order."""
    counts = dict.fromkeys(MY_ORDER, 0)
    for line in lines:
        if line.status in counts:
            counts[line.status] += 1
    return counts


def review_past_deadline(lines: Sequence[MeasureLine]) -> int:
    """Of the measures under review, how many are past their deadline."""
    return sum(1 for line in lines if line.status is Status.UNDER_REVIEW and line.past_deadline)


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
    group: str | None = None  # the collective executor («ИОГВ») the part was made from


@dataclass(frozen=True, slots=True)
class PlanCoordinator:
    """Who coordinates the measure's plan, as the card names them."""

    name: str
    username: str | None  # their Telegram @username, without the @, if they have one


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
    history: HistoryPage  # the page of its history shown (bot.measure_history)
    removed: bool
    coordinators: tuple[PlanCoordinator, ...] = ()
    earlier_wordings: bool = False  # its wording or deadline was replaced (bot.measure_versions)

    @property
    def organization_ids(self) -> frozenset[int]:
        return frozenset(executor.organization_id for executor in self.executors)

    def part_status(self, executor: ExecutorOnCard, today: date) -> Status:
        """One executing body's own part (`bot.measure_status.part_status`)."""
        return part_status(
            deadline=self.deadline,
            assignment_status=executor.status,
            measure_done_on=self.done_on,
            removed=self.removed,
            today=today,
        )

    def status_for(self, organization_ids: frozenset[int] | None, today: date) -> Status:
        """The measure's status for these bodies' parts (the whole measure when None)."""
        parts = [
            (executor.is_lead, executor.status)
            for executor in self.executors
            if organization_ids is None or executor.organization_id in organization_ids
        ]
        return measure_status(
            deadline=self.deadline,
            done_on=self.done_on,
            removed=self.removed,
            parts=parts,
            today=today,
        )


def can_view(roles: Roles, plan_id: int, organization_ids: Iterable[int]) -> bool:
    """A coordinator of the plan, or an official or head of one of its executing bodies."""
    return roles.coordinates_plan(plan_id) or any(
        roles.serves_organization(organization_id) for organization_id in organization_ids
    )


# The card's statements, built once (every card runs both; its history has its own). They
# select columns, read past the ORM's result machinery (plain_rows): a card builds no mapped
# objects.
_CARD_MEASURE = prepared(
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
_CARD_EXECUTORS = prepared(
    select(
        Assignment.id,
        Organization.id,
        Organization.full_name,
        Organization.short_name,
        Assignment.is_lead,
        Assignment.by_agreement,
        Assignment.named_person,
        Assignment.status,
        BodyGroup.name,
    )
    .join(Organization, Organization.id == Assignment.organization_id)
    .outerjoin(BodyGroup, BodyGroup.id == Assignment.group_id)
    .where(Assignment.measure_id == bindparam("measure_id"), active_assignment())
    .order_by(Assignment.is_lead.desc(), Assignment.position, Assignment.id)
)
_PERSON_NAME = (Official.full_name, Official.first_name, Official.last_name, Official.telegram_id)


_CARD_COORDINATORS = prepared(
    select(*_PERSON_NAME, Official.username)
    .join(Membership, Membership.official_id == Official.id)
    .where(
        Membership.plan_id == bindparam("plan_id"),
        Membership.role == Role.COORDINATOR,
        active_membership(),
        active_official(),
    )
    .order_by(Membership.id)
)


async def _card_executors(session: AsyncSession, measure_id: int) -> tuple[ExecutorOnCard, ...]:
    rows = await plain_rows(session, _CARD_EXECUTORS, {"measure_id": measure_id})
    return tuple(ExecutorOnCard(*row) for row in rows)


async def _card_coordinators(session: AsyncSession, plan_id: int) -> tuple[PlanCoordinator, ...]:
    rows = await plain_rows(session, _CARD_COORDINATORS, {"plan_id": plan_id})
    return tuple(
        PlanCoordinator(display_name(full, first, last, telegram_id), username or None)
        for full, first, last, telegram_id, username in rows
    )


async def load_card(
    session: AsyncSession, measure_id: int, *, history: int = 0
) -> MeasureCard | None:
    """Everything the card shows, with page `history` of its history (0: the latest entries,
    `bot.measure_history`); None for an unknown measure."""
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
        history=await history_page(session, measure_id, history),
        removed=removed_at is not None,
        coordinators=await _card_coordinators(session, plan_id),
        earlier_wordings=await has_earlier_wordings(session, measure_id),
    )


def takes_requests(card: MeasureCard, roles: Roles) -> bool:
    """Whether the person may send the coordinators a request on the measure (a new deadline, a
    question, "not ours"): they serve one of its executing bodies, and it is neither removed nor
    done. Each request's own rules re-check this when it is made."""
    return (
        not card.removed
        and card.done_on is None
        and any(roles.serves_organization(body) for body in card.organization_ids)
    )


async def viewable_card(
    session: AsyncSession, roles: Roles, measure_id: int, *, history: int = 0
) -> MeasureCard:
    """The measure's card at page `history` of its history, if the person may see it
    (`can_view`); the same refusal for a measure that does not exist and one that is not
    theirs."""
    card = await load_card(session, measure_id, history=history)
    if card is None or not can_view(roles, card.plan_id, card.organization_ids):
        raise Refused(Refusal.MEASURE_NOT_AVAILABLE)
    return card
