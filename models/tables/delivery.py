"""The outbox of notifications and the marks of reminders given."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, TimestampMixin, UtcDateTime, enum_column, utc_now


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Notification(TimestampMixin, Base):
    """The outbox: one message to send, deduplicated by key, drained by the sender."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index(None, "status", "not_before"),
        Index(None, "recipient_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    dedup_key: Mapped[str] = mapped_column(String(255), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus, "notification_status"),
        default=NotificationStatus.PENDING,
        server_default=NotificationStatus.PENDING.value,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    not_before: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=text("CURRENT_TIMESTAMP")
    )


class ReminderMark(TimestampMixin, Base):
    """A reminder point already given to a person about a measure: never given twice.

    Written in the same transaction as the outbox row that carries it.
    """

    __tablename__ = "reminder_marks"
    __table_args__ = (
        UniqueConstraint("recipient_id", "measure_id", "point_key"),
        Index(None, "measure_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    point_key: Mapped[str] = mapped_column(String(80))
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL")
    )
