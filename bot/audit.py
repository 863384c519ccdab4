"""The audit trail: every change of a stored fact is written as an event, never overwritten."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Base, as_payload
from models.tables import AuditEvent


def change_event(
    *,
    actor_id: int | None,
    action: str,
    entity: Base,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    entity_type: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """The audit event of a change of `entity` (which must have its id), not yet added to a
    session: for a caller that adds many at once; `record_change` adds one.

    `entity_type` is the name stored for the entity (its table's name when not given); `at`
    is when the change happened (the time of writing when not given)."""
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type or entity.__tablename__,
        entity_id=getattr(entity, "id", None),
        field=field,
        old_value=as_payload(old),
        new_value=as_payload(new),
    )
    if at is not None:
        event.created_at = at
    return event


async def record_change(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    entity: Base,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    entity_type: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an audit event for `entity` (flushed, so the entity has its id); `entity_type`
    and `at` as in `change_event`."""
    await session.flush()
    event = change_event(
        actor_id=actor_id,
        action=action,
        entity=entity,
        field=field,
        old=old,
        new=new,
        entity_type=entity_type,
        at=at,
    )
    session.add(event)
    return event
