"""The complete lists behind a reminder's "show all" button, read from the current state.

A reminder shows a few measures and counts; its button opens one of two lists, re-read from
the database when pressed (the reminder's payload may be days old) and checked against who
asks:

* `DueList.OWN`: the open measures of the person's bodies (as official or head) that are
  overdue or due within `DUE_HORIZON_DAYS` (a report under review is not due);
* `DueList.LATE`: the overdue measures of the bodies the person oversees: their own bodies as
  head, every body of the plans they coordinate, every plan for administrators.

No aiogram here: the chat handler (handlers.due_lists) pages and renders.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.measure_status import OPEN_STATUSES, Status, StatusDates
from bot.scope import in_coordinated_plans
from bot.status_counts import part_status_rows
from models.queries import live_plan, plain_rows
from models.tables import Assignment, Measure, Organization

# The earliest reminder of the default schedule: "14 days before".
DUE_HORIZON_DAYS = 14


# Open parts not yet overdue that a list "due" may hold (within the horizon).
OPEN_STATUSES_BY_VALUE = sorted(status.value for status in OPEN_STATUSES - {Status.OVERDUE})


class DueList(enum.StrEnum):
    OWN = "own"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class DueMeasure:
    """One measure of a due list, with the bodies it is due from (of those the reader sees);
    `today` is the date in the first of those bodies' zones (what its deadline is said from)."""

    measure_id: int
    number: str
    title: str
    deadline: date
    bodies: tuple[str, ...]
    today: date


def may_see(roles: Roles, which: DueList) -> bool:
    """OWN is for officials and heads; LATE for heads, coordinators and administrators."""
    if which is DueList.OWN:
        return roles.is_executor
    return roles.is_coordinator or bool(roles.head_organization_ids)


def _scope(roles: Roles, which: DueList) -> list[ColumnElement[bool]]:
    if which is DueList.OWN:
        return [Assignment.organization_id.in_(sorted(roles.organization_ids))]
    overseen: list[ColumnElement[bool]] = []
    if roles.is_coordinator:
        overseen.append(in_coordinated_plans(roles))
    if roles.head_organization_ids:
        overseen.append(Assignment.organization_id.in_(sorted(roles.head_organization_ids)))
    return [or_(false(), *overseen)]


async def due_measures(
    session: AsyncSession, roles: Roles, which: DueList, dates: StatusDates
) -> Sequence[DueMeasure] | None:
    """The list `which` as the person with `roles` sees it now, by the one status definition
    (`bot.measure_status`: each body's part, "today" in the body's zone; a report under review
    is not due), the most urgent first; None when the list is not theirs to see."""
    if not may_see(roles, which):
        return None
    parts = part_status_rows(
        dates,
        Measure.deadline.is_not(None),
        live_plan(),
        *_scope(roles, which),
        within_days=DUE_HORIZON_DAYS,
    )
    if which is DueList.OWN:
        wanted = [
            parts.c.status == Status.OVERDUE.value,
            and_(parts.c.status.in_(OPEN_STATUSES_BY_VALUE), parts.c.within == 1),
        ]
    else:
        wanted = [parts.c.status == Status.OVERDUE.value]
    rows = await plain_rows(
        session,
        select(
            parts.c.measure_id,
            Measure.number,
            Measure.sort_key,
            Measure.title,
            parts.c.deadline,
            Organization.short_name,
            Organization.full_name,
            Organization.timezone,
            parts.c.plan_zone,
        )
        .join(Measure, Measure.id == parts.c.measure_id)
        .join(Organization, Organization.id == parts.c.organization_id)
        .where(or_(*wanted))
        .order_by(parts.c.organization_id),
    )
    found: dict[int, tuple[tuple[date, str], DueMeasure]] = {}
    for measure_id, number, sort_key, title, deadline, short_name, full_name, *zones in rows:
        body = short_name or full_name
        entry = found.get(measure_id)
        if entry is None:
            zone = zones[0] if zones[0] in dates.today_by_zone else zones[1]
            found[measure_id] = (
                (deadline, sort_key),
                DueMeasure(measure_id, number, title, deadline, (body,), dates.today(zone)),
            )
        elif body not in entry[1].bodies:
            measure = entry[1]
            found[measure_id] = (
                entry[0],
                replace(measure, bodies=(*measure.bodies, body)),
            )
    return [measure for _, measure in sorted(found.values(), key=lambda entry: entry[0])]
