"""The audit trail: every change of a stored fact is written as an event, never overwritten."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Base, as_payload
from models.tables import AuditEvent


class Change(TypedDict):
    """What an audit event says: who did what to which stored entity, from which value to
    which. `entity_type` is the name stored for the entity (its table's name when not given);
    `at` is when the change happened (the time of writing when not given)."""

    actor_id: int | None
    action: str
    entity: Base
    field: NotRequired[str | None]
    old: NotRequired[Any]
    new: NotRequired[Any]
    entity_type: NotRequired[str | None]
    at: NotRequired[datetime | None]


def change_event(**change: Unpack[Change]) -> AuditEvent:
    """The audit event of a change of an entity that has its id, not yet added to a session:
    for a caller that adds many at once; `record_change` adds one."""
    entity = change["entity"]
    event = AuditEvent(
        actor_id=change["actor_id"],
        action=change["action"],
        entity_type=change.get("entity_type") or entity.__tablename__,
        entity_id=getattr(entity, "id", None),
        field=change.get("field"),
        old_value=as_payload(change.get("old")),
        new_value=as_payload(change.get("new")),
    )
    at = change.get("at")
    if at is not None:
        event.created_at = at
    return event


async def record_change(session: AsyncSession, **change: Unpack[Change]) -> AuditEvent:
    """Add an audit event for the changed entity (flushed first, so that it has its id)."""
    await session.flush()
    event = change_event(**change)
    session.add(event)
    return event
