"""Bodies, people, their roles (memberships) and the invitations that grant them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, TimestampMixin, UtcDateTime, enum_column


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    OFFICIAL = "official"
    HEAD = "head"


class BodyKind(enum.StrEnum):
    """What a body of the directory is: an executive body, a municipality, or another body."""

    EXECUTIVE = "executive"
    MUNICIPALITY = "municipality"
    OTHER = "other"


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
    # The directory: a body listed by an administrator (an import of the directory, or added
    # from a plan's unmatched body); a body only a plan named has `in_directory` false.
    in_directory: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    kind: Mapped[BodyKind | None] = mapped_column(enum_column(BodyKind, "body_kind"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    head_name: Mapped[str | None] = mapped_column(String(500))


class OrganizationName(TimestampMixin, Base):
    """A name a body was known by before (a renaming, or a plan's name matched to it): plans
    that still write it find the body."""

    __tablename__ = "organization_names"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(String(1000), index=True)


class BodyGroup(TimestampMixin, Base):
    """A named set of bodies («ИОГВ», «МО», «Главы МО», «ОИО НСО»)."""

    __tablename__ = "body_groups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # The name folded (`bot.body_names.fold`): one group per name.
    name_key: Mapped[str] = mapped_column(String(255), unique=True)


class BodyGroupMember(Base):
    """A body's membership of a group."""

    __tablename__ = "body_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("body_groups.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True, index=True
    )


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
        return display_name(self.full_name, self.first_name, self.last_name, self.telegram_id)


def display_name(
    full_name: str | None, first_name: str | None, last_name: str | None, telegram_id: int
) -> str:
    """How a person is named to others: the full name given, else their Telegram names, else
    their Telegram id (for rows read as columns, as `Official.display_name` for objects)."""
    if full_name:
        return full_name
    return " ".join(part for part in (first_name, last_name) if part) or str(telegram_id)


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
    """A deep link that registers whoever opens it with a body (or as a plan's coordinator, or
    as an administrator: those are made from the command line, one use, one day).

    Only a digest of the token is stored: the link itself is shown once, to its maker.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(
            "(role IN ('official', 'head') AND organization_id IS NOT NULL)"
            " OR (role = 'coordinator' AND plan_id IS NOT NULL)"
            " OR (role = 'administrator' AND organization_id IS NULL AND plan_id IS NULL)",
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
