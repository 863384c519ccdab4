"""What a person answers for, in numbers: the greeting of /start (by the one status definition,
`bot.measure_status`: a report waiting for review is not overdue)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.measure_status import OPEN_STATUSES, Status, StatusDates
from bot.status_counts import part_status_rows
from models.queries import live_plan, plain_rows
from models.tables import Assignment


@dataclass(frozen=True, slots=True)
class PersonalOverview:
    open_measures: int = 0  # overdue, due soon, later or without deadline
    overdue_measures: int = 0
    under_review: int = 0  # reports waiting for the coordinator's decision


async def personal_overview(
    session: AsyncSession, roles: Roles, dates: StatusDates
) -> PersonalOverview:
    """The measures of the person's bodies by their parts' status ("today" in each body's
    zone); a measure two of their bodies share counts once per status."""
    if not roles.is_executor:
        return PersonalOverview()
    parts = part_status_rows(
        dates, Assignment.organization_id.in_(sorted(roles.organization_ids)), live_plan()
    )
    rows = await plain_rows(
        session,
        select(parts.c.status, func.count(func.distinct(parts.c.measure_id))).group_by(
            parts.c.status
        ),
    )
    counts = {Status(status): int(count) for status, count in rows}
    return PersonalOverview(
        open_measures=sum(counts.get(status, 0) for status in OPEN_STATUSES),
        overdue_measures=counts.get(Status.OVERDUE, 0),
        under_review=counts.get(Status.UNDER_REVIEW, 0),
    )
