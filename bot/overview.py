"""What a person answers for, in numbers: the greeting of /start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from models import queries


@dataclass(frozen=True, slots=True)
class PersonalOverview:
    open_measures: int = 0
    overdue_measures: int = 0


async def personal_overview(session: AsyncSession, roles: Roles, today: date) -> PersonalOverview:
    if not roles.is_executor:
        return PersonalOverview()
    open_count, overdue_count = await queries.open_measure_counts_for_organizations(
        session, roles.organization_ids, today
    )
    return PersonalOverview(open_measures=open_count, overdue_measures=overdue_count)
