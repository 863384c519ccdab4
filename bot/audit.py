"""The audit trail: every change of a stored fact is written as an event, never overwritten."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Base, as_payload
from models.tables import AuditEvent


async def record_change(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    entity: Base,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
) -> AuditEvent:
    """Add an audit event for `entity` (flushed, so the entity has its id)."""
    await session.flush()
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        entity_type=entity.__tablename__,
        entity_id=getattr(entity, "id", None),
        field=field,
        old_value=as_payload(old),
        new_value=as_payload(new),
    )
    session.add(event)
    return event
