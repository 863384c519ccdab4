"""Where a plan stands, in numbers: counts by status per plan, per body and per section.

Every count is made by the database (GROUP BY over the status rows of `bot.status_counts`),
nothing loads every measure. Two levels, as `bot.measure_status` says:

* plan and section counts count **measures** (`measure_status`: the lead executor's part
  decides; "today" is the date in the first deciding body's zone, else the plan's, else the
  default);
* body counts count **parts** (`part_status`: each body's own share, in its own zone).

Who sees what: a plan's coordinators and administrators see the plan; the head of a body sees
their body (`body_summary`); officials get no summaries. The lists behind the numbers are in
`bot.summary_lists`. No aiogram here: `bot.presentation.summary_view` renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.body_names import fold
from bot.measure_status import OPEN_STATUSES, Status, StatusDates
from bot.refusals import Refusal, Refused
from bot.status_counts import (
    StatusCounts,
    counts_from_rows,
    grouped_status_counts,
    measure_status_rows,
    part_status_rows,
)
from bot.summary_bodies import BodyRow, bodies_with_people, plan_bodies
from models.engine import read_beside
from models.queries import (
    active_membership,
    active_official,
    live_plan,
    one_of,
    plain_rows,
)
from models.tables import (
    Assignment,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
    Section,
    display_name,
)

# How many months ahead the deadlines chart looks.
MONTHS_AHEAD = 6


@dataclass(frozen=True, slots=True)
class SectionRow:
    section_id: int | None  # None: measures outside any section
    number: str | None
    title: str
    counts: StatusCounts


@dataclass(frozen=True, slots=True)
class PlanSummary:
    plan_id: int
    title: str
    counts: StatusCounts
    bodies: tuple[BodyRow, ...]  # the worst first: most overdue parts
    sections: tuple[SectionRow, ...]  # in the plan's order
    section_id: int | None = None  # the summary of one section, when set


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class BodySummary:
    organization_id: int
    name: str
    counts: StatusCounts  # the body's parts
    sections: tuple[SectionRow, ...]  # the body's parts by section
    people: tuple[Person, ...]
    plan_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DeadlinesByMonth:
    """Open measures by the month of their deadline; overdue ones apart."""

    overdue: int
    months: tuple[tuple[date, int], ...]  # (first day of the month, count)


# --- Access ---------------------------------------------------------------------------------


async def _coordinated_plan(session: AsyncSession, roles: Roles, plan_id: int) -> tuple[int, str]:
    if not roles.is_coordinator:
        raise Refused(Refusal.SUMMARIES_NOT_FOR_OFFICIALS)
    rows = await plain_rows(
        session, select(Plan.id, Plan.title).where(Plan.id == plan_id, live_plan())
    )
    if not rows or not roles.coordinates_plan(plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    return rows[0][0], rows[0][1]


async def summary_plans(session: AsyncSession, roles: Roles) -> list[tuple[int, str]]:
    """(id, title) of the plans whose summaries the person may see, oldest first; refused to
    anyone who coordinates nothing (a head asks for their body instead)."""
    if not roles.is_coordinator:
        raise Refused(Refusal.SUMMARIES_NOT_FOR_OFFICIALS)
    statement = select(Plan.id, Plan.title).where(live_plan()).order_by(Plan.id)
    if not roles.is_admin:
        statement = statement.where(Plan.id.in_(sorted(roles.coordinator_plan_ids)))
    return [(plan_id, title) for plan_id, title in await plain_rows(session, statement)]


@dataclass(frozen=True, slots=True)
class Choice:
    """Several plans (or, for a head of several bodies, bodies) fit: the person picks one."""

    of_bodies: bool
    options: tuple[tuple[int, str], ...]


async def summary_for(
    session: AsyncSession, roles: Roles, dates: StatusDates, plan_text: str = ""
) -> PlanSummary | BodySummary | Choice:
    """What /summary shows: a coordinator's plan (their only one, or the one whose title holds
    the text typed) or a choice of plans; a head's body or a choice of their bodies; refused to
    officials."""
    if not roles.is_coordinator:
        heads = sorted(roles.head_organization_ids)
        if not heads:
            raise Refused(Refusal.SUMMARIES_NOT_FOR_OFFICIALS)
        if len(heads) == 1:
            return await body_summary(session, roles, heads[0], dates)
        names = await plain_rows(
            session,
            select(
                Organization.id, func.coalesce(Organization.short_name, Organization.full_name)
            ).where(Organization.id.in_(heads)),
        )
        return Choice(True, tuple((body_id, name) for body_id, name in names))
    plans = await summary_plans(session, roles)
    needle = fold(plan_text)
    if needle:
        plans = [plan for plan in plans if needle in fold(plan[1])] or plans
    if len(plans) == 1:
        return await plan_summary(session, roles, plans[0][0], dates)
    return Choice(False, tuple(plans))


# --- Summaries ------------------------------------------------------------------------------


async def plan_summary(
    session: AsyncSession,
    roles: Roles,
    plan_id: int,
    dates: StatusDates,
    section_id: int | None = None,
) -> PlanSummary:
    """The plan's counts (or one section's), its bodies worst first, its sections."""
    plan_id, title = await _coordinated_plan(session, roles, plan_id)
    where = [Measure.plan_id == plan_id]
    if section_id is not None:
        where.append(Measure.section_id == section_id)
    measures = measure_status_rows(dates, *where)
    # The measures' pass and the bodies' pass read at once, on two connections.
    by_section, bodies = await read_beside(
        session,
        lambda reading: grouped_status_counts(reading, measures, measures.c.section_id),
        lambda reading: plan_bodies(reading, dates, plan_id, section_id=section_id),
    )
    counts = counts_from_rows(row for rows in by_section.values() for row in rows)
    return PlanSummary(
        plan_id=plan_id,
        title=title,
        counts=counts,
        bodies=bodies,
        sections=await _section_rows(session, plan_id, by_section),
        section_id=section_id,
    )


async def _section_rows(
    session: AsyncSession, plan_id: int, by_section: dict[Any, list[tuple[Any, int, int]]]
) -> tuple[SectionRow, ...]:
    known = {
        section_id: (number, title)
        for section_id, number, title in await plain_rows(
            session,
            select(Section.id, Section.number, Section.title)
            .where(Section.plan_id == plan_id)
            .order_by(Section.position, Section.id),
        )
    }
    rows = [
        SectionRow(section_id, number, title, counts_from_rows(by_section[section_id]))
        for section_id, (number, title) in known.items()
        if section_id in by_section
    ]
    if None in by_section:
        rows.append(SectionRow(None, None, "", counts_from_rows(by_section[None])))
    return tuple(rows)


async def body_summary(
    session: AsyncSession, roles: Roles, organization_id: int, dates: StatusDates
) -> BodySummary:
    """One body: its parts by status and by section, and its people. For the body's head and
    officials and the coordinators of its plans (their plans' parts only); refused to anyone
    else."""
    where: list[ColumnElement[bool]] = [Assignment.organization_id == organization_id]
    if not roles.serves_organization(organization_id):
        if not roles.is_coordinator:
            raise Refused(Refusal.SUMMARIES_NOT_FOR_OFFICIALS)
        where.append(live_plan())
        if not roles.is_admin:
            where.append(Measure.plan_id.in_(sorted(roles.coordinator_plan_ids)))
    else:
        where.append(live_plan())
    parts = part_status_rows(dates, *where)
    by_section = await grouped_status_counts(session, parts, parts.c.plan_id, parts.c.section_id)
    if not by_section and not roles.serves_organization(organization_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    plan_ids = sorted({plan for plan, _ in by_section})
    sections: list[SectionRow] = []
    for plan_id in plan_ids:
        sections.extend(
            await _section_rows(
                session,
                plan_id,
                {
                    section: value
                    for (plan, section), value in by_section.items()
                    if plan == plan_id
                },
            )
        )
    name = await session.scalar(
        select(func.coalesce(Organization.short_name, Organization.full_name)).where(
            Organization.id == organization_id
        )
    )
    return BodySummary(
        organization_id=organization_id,
        name=name or "?",
        counts=counts_from_rows(row for rows in by_section.values() for row in rows),
        sections=tuple(sections),
        people=await body_people(session, organization_id),
        plan_ids=tuple(plan_ids),
    )


async def body_people(session: AsyncSession, organization_id: int) -> tuple[Person, ...]:
    """The body's active officials and heads (heads first), by name."""
    rows = await plain_rows(
        session,
        select(
            Membership.role,
            Official.full_name,
            Official.first_name,
            Official.last_name,
            Official.telegram_id,
        )
        .join(Official, Official.id == Membership.official_id)
        .where(
            Membership.organization_id == organization_id,
            one_of(Membership.role, (Role.OFFICIAL, Role.HEAD)),
            active_membership(),
            active_official(),
        ),
    )
    people = {
        (Role(role), display_name(full, first, last, telegram_id))
        for role, full, first, last, telegram_id in rows
    }
    ordered = sorted(people, key=lambda p: (p[0] is not Role.HEAD, p[1].casefold()))
    return tuple(Person(name, role) for role, name in ordered)


async def deadlines_by_month(
    session: AsyncSession,
    roles: Roles,
    plan_id: int,
    dates: StatusDates,
    months: int = MONTHS_AHEAD,
) -> DeadlinesByMonth:
    """Open measures of the plan by their deadline's month, this month and `months - 1` after
    it (overdue ones apart; under review, done and without deadline are not in it)."""
    await _coordinated_plan(session, roles, plan_id)
    rows = measure_status_rows(dates, Measure.plan_id == plan_id)
    statement = (
        select(rows.c.status, rows.c.deadline, func.count())
        .where(or_(*(rows.c.status == status.value for status in OPEN_STATUSES)))
        .group_by(rows.c.status, rows.c.deadline)
    )
    first = dates.default_today.replace(day=1)
    starts = [_add_months(first, step) for step in range(months)]
    counts = dict.fromkeys(starts, 0)
    overdue = 0
    for status, deadline, count in await plain_rows(session, statement):
        if Status(status) is Status.OVERDUE:
            overdue += int(count)
        elif deadline is not None:
            month = deadline.replace(day=1)
            if month in counts:
                counts[month] += int(count)
            elif month < first:  # due today or later in a zone ahead, still this month
                counts[first] += int(count)
    return DeadlinesByMonth(overdue, tuple(counts.items()))


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1)


__all__ = [
    "BodyRow",
    "BodySummary",
    "Choice",
    "DeadlinesByMonth",
    "Person",
    "PlanSummary",
    "SectionRow",
    "StatusCounts",
    "bodies_with_people",
    "body_people",
    "body_summary",
    "counts_from_rows",
    "deadlines_by_month",
    "grouped_status_counts",
    "measure_status_rows",
    "part_status_rows",
    "plan_summary",
    "summary_for",
    "summary_plans",
]
