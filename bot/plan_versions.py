"""A plan's versions: each import that changed it and each amendment order applied to it.

Version 1 is the plan as first imported; every later change adds the next number. The audit
events of the measures a version changed carry its id, so a card names the order (or the file)
that changed a wording.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.tables import PlanVersion, VersionKind


async def add_version(
    session: AsyncSession,
    plan_id: int,
    *,
    kind: VersionKind,
    actor_id: int | None,
    now: datetime,
    order_number: str | None = None,
    order_date: date | None = None,
    file_name: str | None = None,
    source_id: int | None = None,
) -> PlanVersion:
    """The plan's next version, flushed so that the audit events can name it."""
    last = await session.scalar(
        select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan_id)
    )
    version = PlanVersion(
        plan_id=plan_id,
        number=(last or 0) + 1,
        kind=kind,
        order_number=order_number,
        order_date=order_date,
        file_name=file_name,
        source_id=source_id,
        created_at=now,
        created_by_id=actor_id,
    )
    session.add(version)
    await session.flush()
    return version
