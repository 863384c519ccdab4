"""Tables of the domain: plans, measures, bodies, people, reports and the machinery around them.

See ../shared/docs/domain.md. Relationships are `lazy="raise"`: async code loads what it needs
with explicit queries (`selectinload`, joins) and never by touching an attribute.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, TimestampMixin, UtcDateTime, enum_column, utc_now


class SectionKind(enum.StrEnum):
    SECTION = "section"
    YEAR = "year"


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    OFFICIAL = "official"
    HEAD = "head"


class AssignmentStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class DeadlineChangeStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPLIED = "applied"
    REJECTED = "rejected"


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Plan(TimestampMixin, Base):
    """A plan of measures («дорожная карта»), or one appendix plan of a body."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    source_file_name: Mapped[str | None] = mapped_column(String(255))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Reminder policy overrides; None means the defaults.
    reminder_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=text("CURRENT_TIMESTAMP")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))

    sections: Mapped[list[Section]] = relationship(back_populates="plan", lazy="raise")
    measures: Mapped[list[Measure]] = relationship(back_populates="plan", lazy="raise")


class Section(Base):
    """A section or year block of a plan; sections nest (year → section → subsection)."""

    __tablename__ = "sections"
    __table_args__ = (Index(None, "plan_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    kind: Mapped[SectionKind] = mapped_column(enum_column(SectionKind, "section_kind"))
    number: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="sections", lazy="raise")


class Measure(TimestampMixin, Base):
    """One measure (мероприятие) of a plan, with the original text of its cells."""

    __tablename__ = "measures"
    __table_args__ = (
        UniqueConstraint("plan_id", "number_key"),
        Index(None, "plan_id", "sort_key"),
        Index(None, "section_id"),
        # The reminder scan and the summaries look for open measures by deadline.
        Index(
            "ix_measures_open_deadline",
            "deadline",
            sqlite_where=text("done_on IS NULL AND deadline IS NOT NULL"),
            postgresql_where=text("done_on IS NULL AND deadline IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"))
    # The number exactly as written ("3.1.7."), its normalised key ("3.1.7") and a sort key.
    number: Mapped[str] = mapped_column(String(64))
    number_key: Mapped[str] = mapped_column(String(64))
    sort_key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    result: Mapped[str | None] = mapped_column(Text)
    # Original cell texts, untouched: number, title, deadline, executors, result, …
    source_cells: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source_location: Mapped[str | None] = mapped_column(String(64))
    done_before_import: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The day the measure was done (before import, or its report accepted); None while open.
    done_on: Mapped[date | None] = mapped_column(Date)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    plan: Mapped[Plan] = relationship(back_populates="measures", lazy="raise")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="measure", lazy="raise")


class Organization(TimestampMixin, Base):
    """An executive body or municipality (орган, ИОГВ, МО)."""

    __tablename__ = "organizations"
    __table_args__ = (Index(None, "short_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    # Lower-cased, whitespace-folded full name: the same body is stored once.
    name_key: Mapped[str] = mapped_column(String(1000), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(255))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # A renamed or merged body: its measures pass to the successor from that day.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    successor_since: Mapped[date | None] = mapped_column(Date)


class Official(TimestampMixin, Base):
    """A person known to the bot by Telegram id: official, head, coordinator or administrator."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    last_name: Mapped[str | None] = mapped_column(String(255))
    # The name as the person gave it (or as Telegram had it); shown to coordinators.
    full_name: Mapped[str | None] = mapped_column(String(500))
    username: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[str | None] = mapped_column(Text)
    # Chosen interface language; None follows the Telegram client's language.
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    blocked_bot_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="official", lazy="raise", foreign_keys="Membership.official_id"
    )

    @property
    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        return " ".join(part for part in (self.first_name, self.last_name) if part) or str(
            self.telegram_id
        )


class Membership(TimestampMixin, Base):
    """A role a person holds: administrator, coordinator of a plan, official or head of a body."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(
            "(role = 'administrator')"
            " OR (role = 'coordinator' AND plan_id IS NOT NULL)"
            " OR (role IN ('official', 'head') AND organization_id IS NOT NULL)",
            name="role_scope",
        ),
        Index(None, "official_id", "is_active"),
        Index(None, "organization_id", "role", "is_active"),
        Index(None, "plan_id", "role", "is_active"),
        # A person holds one role in one place once at a time (ended memberships stay as history).
        Index(
            "uq_memberships_active_role",
            "official_id",
            "role",
            text("coalesce(plan_id, 0)"),
            text("coalesce(organization_id, 0)"),
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )

    official: Mapped[Official] = relationship(
        back_populates="memberships", lazy="raise", foreign_keys=[official_id]
    )


class Invitation(TimestampMixin, Base):
    """A deep link that registers whoever opens it with a body (or as a plan's coordinator).

    Only a digest of the token is stored: the link itself is shown once, to its maker.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(
            "(role IN ('official', 'head') AND organization_id IS NOT NULL)"
            " OR (role = 'coordinator' AND plan_id IS NOT NULL)",
            name="role_scope",
        ),
        Index(None, "organization_id"),
        Index(None, "plan_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    max_uses: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))


class Assignment(TimestampMixin, Base):
    """A measure given to a body: lead executor or co-executor, with its own status."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("measure_id", "organization_id"),
        Index(None, "organization_id", "status"),
        Index(None, "status", "measure_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    by_agreement: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The executor as written in the plan, and a named official with post if one was given.
    executor_text: Mapped[str | None] = mapped_column(Text)
    named_person: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus, "assignment_status"),
        default=AssignmentStatus.IN_PROGRESS,
        server_default=AssignmentStatus.IN_PROGRESS.value,
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # A body's measures pass to its successor: the old assignment ends, history stays.
    valid_until: Mapped[date | None] = mapped_column(Date)

    measure: Mapped[Measure] = relationship(back_populates="assignments", lazy="raise")
    organization: Mapped[Organization] = relationship(lazy="raise")


class Report(TimestampMixin, Base):
    """An official's confirmation that a measure is done, reviewed by a coordinator."""

    __tablename__ = "reports"
    __table_args__ = (
        Index(None, "assignment_id", "status"),
        Index(None, "status", "submitted_at"),
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


class DeadlineChange(TimestampMixin, Base):
    """A requested or applied move of a measure's deadline, with who and why."""

    __tablename__ = "deadline_changes"
    __table_args__ = (
        Index(None, "measure_id", "created_at"),
        Index(None, "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    status: Mapped[DeadlineChangeStatus] = mapped_column(
        enum_column(DeadlineChangeStatus, "deadline_change_status")
    )
    old_deadline: Mapped[date | None] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


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
