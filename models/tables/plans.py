"""A plan, its sections and its measures."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, TimestampMixin, UtcDateTime, enum_column, utc_now

if TYPE_CHECKING:
    from models.tables.assignments import Assignment


class SectionKind(enum.StrEnum):
    SECTION = "section"
    YEAR = "year"


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
    # A coordinator's setting: a report may stand on the document's requisites and its
    # reference in the region's document system, without the file.
    requisites_without_file: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=text("CURRENT_TIMESTAMP")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    # An appendix of an act («Приложение № 29 к Плану …»): the act's own plan and the number.
    act_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    appendix_number: Mapped[str | None] = mapped_column(String(32))

    sections: Mapped[list[Section]] = relationship(back_populates="plan", lazy="raise")
    measures: Mapped[list[Measure]] = relationship(back_populates="plan", lazy="raise")


class PlanSource(Base):
    """The file a version of a plan was imported from, kept as it came (by content hash).

    Version 1 is the first import; each import of a different file adds the next version. The
    file itself lies at `DATA_DIR/<stored_path>` (`bot.plan_sources` writes it)."""

    __tablename__ = "plan_sources"
    # The (plan_id, version) key also finds a plan's latest version.
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    # "docx", "xlsx", "txt", …: how the file is read again.
    file_format: Mapped[str] = mapped_column(String(16))
    # Relative to DATA_DIR, e.g. "plans/<sha256>.docx".
    stored_path: Mapped[str] = mapped_column(String(1000))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))


class VersionKind(enum.StrEnum):
    IMPORT = "import"  # a file of the plan imported again
    ORDER = "order"  # an amendment order applied


class PlanVersion(Base):
    """One change of a plan's wording: an import of its file or an amendment order applied.

    Number 1 is the plan as first imported; each later import that changed something, and each
    order applied, adds the next number. The audit events of the measures it changed name it
    (`AuditEvent.plan_version_id`), so a card shows which order changed a wording. An order is
    applied to a plan once: the same number and date find the version already there."""

    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        Index(None, "plan_id", "order_number", "order_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[VersionKind] = mapped_column(enum_column(VersionKind, "version_kind"))
    # An order's requisites («№ 329-рп», 28.11.2024); an import's file name.
    order_number: Mapped[str | None] = mapped_column(String(64))
    order_date: Mapped[date | None] = mapped_column(Date)
    file_name: Mapped[str | None] = mapped_column(String(255))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_sources.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("officials.id", ondelete="SET NULL")
    )


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
        # Summaries: a plan's measures in id order with what their status needs (covering).
        Index(
            "ix_measures_plan_status",
            "plan_id",
            "id",
            "section_id",
            "deadline",
            "done_on",
            "removed_at",
        ),
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
