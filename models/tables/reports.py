"""Reports of executing bodies and their result documents."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, TimestampMixin, UtcDateTime, enum_column, utc_now


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Report(TimestampMixin, Base):
    """An official's confirmation that a measure is done, reviewed by a coordinator."""

    __tablename__ = "reports"
    __table_args__ = (
        Index(None, "assignment_id", "status"),
        Index(None, "status", "submitted_at"),
        # The weekly digest: reports accepted or returned since the last one.
        Index(None, "status", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus, "report_status"),
        default=ReportStatus.SUBMITTED,
        server_default=ReportStatus.SUBMITTED.value,
    )
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The requisites of the document that proves the measure (bot.evidence): its kind, number,
    # date, link and reference in the region's document system; None where not given.
    evidence_kind: Mapped[str | None] = mapped_column(String(16))
    evidence_number: Mapped[str | None] = mapped_column(String(40))
    evidence_date: Mapped[date | None] = mapped_column(Date)
    evidence_link: Mapped[str | None] = mapped_column(String(500))
    evidence_reference: Mapped[str | None] = mapped_column(String(100))

    documents: Mapped[list[Document]] = relationship(back_populates="report", lazy="raise")


class Document(TimestampMixin, Base):
    """A file attached to a report, known to Telegram by file_id and copied under DATA_DIR."""

    __tablename__ = "documents"
    __table_args__ = (Index(None, "report_id"), Index(None, "sha256"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    telegram_file_id: Mapped[str] = mapped_column(String(255))
    telegram_file_unique_id: Mapped[str] = mapped_column(String(64))
    # "document" or "photo": Telegram sends a file id back only by the method it came with.
    kind: Mapped[str] = mapped_column(String(16), default="document", server_default="document")
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The local copy, relative to DATA_DIR/documents (scheduler.documents fetches it).
    storage_path: Mapped[str | None] = mapped_column(String(1000))
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    fetch_error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    report: Mapped[Report] = relationship(back_populates="documents", lazy="raise")
