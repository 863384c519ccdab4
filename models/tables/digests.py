"""Coordinators' weekly digests: when each person wants theirs, and the last one sent."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Time, true
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, TimestampMixin, UtcDateTime


class DigestSubscription(TimestampMixin, Base):
    """A person's digest schedule (no row: the default, Monday 09:00 in their zone, on).

    `last_sent_on` is the person's local date of the last digest written to the outbox: the
    scan sends for a week only while it lies before that week's Monday, and moves it in the
    same transaction as the notification (bot.digest_schedule)."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), unique=True
    )
    weekday: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    local_time: Mapped[time] = mapped_column(Time, default=time(9), server_default="09:00:00")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    last_sent_on: Mapped[date | None] = mapped_column(Date)
    last_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
