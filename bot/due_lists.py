"""The complete lists behind a reminder's "show all" button, read from the current state.

A reminder shows a few measures and counts; its button opens one of two lists, re-read from
the database when pressed (the reminder's payload may be days old) and checked against who
asks:

* `DueList.OWN`: the open measures of the person's bodies (as official or head) that are
  overdue or due within `DUE_HORIZON_DAYS`;
* `DueList.LATE`: the overdue measures of the bodies the person oversees: their own bodies as
  head, every body of the plans they coordinate, every plan for administrators.

No aiogram here: the chat handler (handlers.due_lists) pages and renders.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from models.queries import OPEN_STATUSES, active_assignment, live_plan, open_measure
from models.tables import Assignment, Measure, Organization, Plan

# The earliest reminder of the default schedule: "14 days before".
DUE_HORIZON_DAYS = 14


class DueList(enum.StrEnum):
    OWN = "own"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class DueMeasure:
    """One measure of a due list, with the bodies it is due from (of those the reader sees)."""

    measure_id: int
    number: str
    title: str
    deadline: date
    bodies: tuple[str, ...]


def may_see(roles: Roles, which: DueList) -> bool:
    """OWN is for officials and heads; LATE for heads, coordinators and administrators."""
    if which is DueList.OWN:
        return roles.is_executor
    return roles.is_coordinator or bool(roles.head_organization_ids)


def _scope(roles: Roles, which: DueList, today: date) -> list[ColumnElement[bool]]:
    if which is DueList.OWN:
        return [
            Assignment.organization_id.in_(sorted(roles.organization_ids)),
            Measure.deadline <= today + timedelta(days=DUE_HORIZON_DAYS),
        ]
    overseen: list[ColumnElement[bool]] = []
    if roles.is_admin:
        overseen.append(true())
    if roles.coordinator_plan_ids:
        overseen.append(Measure.plan_id.in_(sorted(roles.coordinator_plan_ids)))
    if roles.head_organization_ids:
        overseen.append(Assignment.organization_id.in_(sorted(roles.head_organization_ids)))
    return [Measure.deadline < today, or_(false(), *overseen)]


async def due_measures(
    session: AsyncSession, roles: Roles, which: DueList, today: date
) -> Sequence[DueMeasure] | None:
    """The list `which` as the person with `roles` sees it on `today` (their day), the most
    urgent first; None when the list is not theirs to see."""
    if not may_see(roles, which):
        return None
    rows = await session.execute(
        select(
            Measure.id,
            Measure.number,
            Measure.sort_key,
            Measure.title,
            Measure.deadline,
            Organization.short_name,
            Organization.full_name,
        )
        .join(Assignment, Assignment.measure_id == Measure.id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(
            open_measure(),
            Measure.deadline.is_not(None),
            live_plan(),
            active_assignment(),
            Assignment.status.in_(OPEN_STATUSES),
            *_scope(roles, which, today),
        )
    )
    found: dict[int, tuple[tuple[date, str], DueMeasure]] = {}
    for measure_id, number, sort_key, title, deadline, short_name, full_name in rows:
        body = short_name or full_name
        entry = found.get(measure_id)
        if entry is None:
            found[measure_id] = (
                (deadline, sort_key),
                DueMeasure(measure_id, number, title, deadline, (body,)),
            )
        elif body not in entry[1].bodies:
            measure = entry[1]
            found[measure_id] = (
                entry[0],
                DueMeasure(measure_id, number, title, deadline, (*measure.bodies, body)),
            )
    return [measure for _, measure in sorted(found.values(), key=lambda entry: entry[0])]
