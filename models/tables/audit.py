"""The audit trail: one event per stored change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utc_now


class AuditEvent(Base):
    """Who changed what, when, from which value to which: history is never overwritten."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index(None, "entity_type", "entity_id", "created_at"),
        Index(None, "actor_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, server_default=text("CURRENT_TIMESTAMP")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    # The plan version (an import or an amendment order) that made this change of a measure.
    plan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="SET NULL")
    )
