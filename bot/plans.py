"""Plans as a coordinator sees them: progress by the one status definition
(`bot.measure_status`, counted in SQL by `bot.summaries`): under review apart from overdue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.measure_status import Status, StatusDates
from bot.status_counts import (
    StatusCounts,
    counts_from_rows,
    grouped_status_counts,
    measure_status_rows,
)
from models.queries import live_plan, plain_rows
from models.tables import Measure, Plan

__all__ = ["PlanProgress", "plans_progress_for"]


@dataclass(frozen=True, slots=True)
class PlanProgress:
    plan_id: int
    title: str
    counts: StatusCounts

    @property
    def measures(self) -> int:
        return self.counts.total

    @property
    def done(self) -> int:
        return self.counts[Status.DONE]

    @property
    def overdue(self) -> int:
        return self.counts[Status.OVERDUE]

    @property
    def under_review(self) -> int:
        return self.counts[Status.UNDER_REVIEW]

    @property
    def without_deadline(self) -> int:
        return self.counts[Status.NO_DEADLINE]


async def plans_progress_for(
    session: AsyncSession, roles: Roles, dates: StatusDates
) -> list[PlanProgress]:
    """Progress of the plans this person coordinates (every plan for an administrator), in the
    order plans were created."""
    if not roles.is_coordinator:
        return []
    plans = select(Plan.id, Plan.title).where(live_plan()).order_by(Plan.id)
    where = [live_plan()]
    if not roles.is_admin:
        ids = sorted(roles.coordinator_plan_ids)
        plans = plans.where(Plan.id.in_(ids))
        where.append(Measure.plan_id.in_(ids))
    rows = measure_status_rows(dates, *where)
    by_plan = await grouped_status_counts(session, rows, rows.c.plan_id)
    return [
        PlanProgress(plan_id, title, counts_from_rows(by_plan.get(plan_id, ())))
        for plan_id, title in await plain_rows(session, plans)
    ]
