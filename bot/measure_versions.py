"""A measure's earlier wordings and deadlines, each with the plan version (an amendment order
or a loaded file) that replaced it: what the card's «Прежние редакции» shows, latest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.measure_history import WORDING_EVENT, version_details
from bot.measures import MeasureCard, viewable_card
from models.queries import plain_rows
from models.tables import AuditEvent, PlanVersion

_EARLIER = (
    select(
        AuditEvent.created_at,
        AuditEvent.field,
        AuditEvent.old_value,
        AuditEvent.new_value,
        PlanVersion.kind,
        PlanVersion.order_number,
        PlanVersion.order_date,
        PlanVersion.file_name,
    )
    .outerjoin(PlanVersion, PlanVersion.id == AuditEvent.plan_version_id)
    .where(WORDING_EVENT)
    .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
)


@dataclass(frozen=True, slots=True)
class EarlierWording:
    """One replaced cell: its text before and after, when, and the version that replaced it."""

    at: datetime
    field: str  # one of bot.measure_history.WORDING_FIELDS
    old: Any
    new: Any
    version: dict[str, str | None] | None

    @property
    def old_day(self) -> date | None:
        return _as_date(self.old) if self.field == "deadline" else None


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


async def earlier_wordings(
    session: AsyncSession, roles: Roles, measure_id: int
) -> tuple[MeasureCard, list[EarlierWording]]:
    """The measure (if the person may see its card) and its replaced cells, latest first."""
    card = await viewable_card(session, roles, measure_id)
    rows = await plain_rows(session, _EARLIER, {"measure_id": measure_id})
    return card, [
        EarlierWording(at, field, old, new, version_details(*version))
        for at, field, old, new, *version in rows
    ]
