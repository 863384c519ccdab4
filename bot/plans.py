"""Plans as a coordinator sees them."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from models import queries
from models.queries import PlanProgress

__all__ = ["PlanProgress", "plans_progress_for"]


async def plans_progress_for(
    session: AsyncSession, roles: Roles, today: date
) -> list[PlanProgress]:
    """Progress of the plans this person coordinates (every plan for an administrator)."""
    if roles.is_admin:
        return await queries.plan_progress(session, today)
    if not roles.coordinator_plan_ids:
        return []
    return await queries.plan_progress(session, today, roles.coordinator_plan_ids)
