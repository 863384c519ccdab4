"""Which body executes a measure, and the measure's deadline changes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, TimestampMixin, UtcDateTime, enum_column

if TYPE_CHECKING:
    from models.tables.people import Organization
    from models.tables.plans import Measure


class AssignmentStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class DeadlineChangeStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPLIED = "applied"
    REJECTED = "rejected"


# A requested move not yet decided (the partial unique index below, and migration 0010).
OPEN_REQUEST = "status = 'requested'"


class Assignment(TimestampMixin, Base):
    """A measure given to a body: lead executor or co-executor, with its own status."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("measure_id", "organization_id"),
        Index(None, "organization_id", "status"),
        Index(None, "status", "measure_id"),
        # Summaries: a measure's current parts without reading the rows (covering).
        Index(
            "ix_assignments_measure_parts",
            "measure_id",
            "valid_until",
            "is_lead",
            "status",
            "organization_id",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    by_agreement: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The executor as written in the plan, and a named official with post if one was given.
    executor_text: Mapped[str | None] = mapped_column(Text)
    # A part made from a collective executor («ИОГВ»): the directory group it came from.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("body_groups.id", ondelete="SET NULL"))
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


class DeadlineChange(TimestampMixin, Base):
    """A requested or applied move of a measure's deadline, with who and why."""

    __tablename__ = "deadline_changes"
    __table_args__ = (
        Index(None, "measure_id", "created_at"),
        Index(None, "status"),
        # One open request per body and measure (an assignment is one body on one measure).
        Index(
            "uq_deadline_changes_open_request",
            "assignment_id",
            unique=True,
            sqlite_where=text(OPEN_REQUEST),
            postgresql_where=text(OPEN_REQUEST),
        ),
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
