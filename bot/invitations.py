"""Invitations: deep links that register a person with a body, or as a plan's coordinator.

A token carries 192 random bits; only its SHA-256 digest is stored, so the database alone
cannot be turned into working links. A token expires, has a use limit and can be revoked.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import record_change
from models.tables import Invitation, Membership, Official, Organization, Plan, Role

DEFAULT_LIFETIME = timedelta(days=14)
TOKEN_BYTES = 24  # 192 bits; 32 characters in a deep link (Telegram allows 64)
INVITABLE_ROLES = (Role.OFFICIAL, Role.HEAD, Role.COORDINATOR)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def looks_like_token(text: str) -> bool:
    return 20 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)


@dataclass(frozen=True, slots=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown once, to the maker


async def create_invitation(
    session: AsyncSession,
    *,
    role: Role,
    organization: Organization | None = None,
    plan: Plan | None = None,
    created_by_id: int | None,
    max_uses: int = 1,
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> NewInvitation:
    if role not in INVITABLE_ROLES:
        raise ValueError(f"cannot invite as {role}")
    if role is Role.COORDINATOR and plan is None:
        raise ValueError("a coordinator invitation needs a plan")
    if role in (Role.OFFICIAL, Role.HEAD) and organization is None:
        raise ValueError("an official's invitation needs a body")
    if max_uses < 1 or lifetime <= timedelta(0):
        raise ValueError("an invitation needs at least one use and some time to live")
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(
        token_digest=digest(token),
        role=role,
        organization_id=organization.id if organization is not None else None,
        plan_id=plan.id if plan is not None else None,
        created_by_id=created_by_id,
        expires_at=now + lifetime,
        max_uses=max_uses,
    )
    session.add(invitation)
    await session.flush()
    await record_change(
        session,
        actor_id=created_by_id,
        action="invitation_created",
        entity=invitation,
        new={
            "role": role.value,
            "organization_id": invitation.organization_id,
            "plan_id": invitation.plan_id,
            "max_uses": max_uses,
        },
    )
    return NewInvitation(invitation, token)


class Refusal(enum.StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Redemption:
    """What opening a link did: the membership made (or found), or why nothing happened."""

    refusal: Refusal | None = None
    membership: Membership | None = None
    already_member: bool = False
    invitation: Invitation | None = None


def check_usable(invitation: Invitation | None, now: datetime) -> Refusal | None:
    """Why this invitation cannot be used now, or None when it can."""
    if invitation is None:
        return Refusal.UNKNOWN
    if invitation.revoked_at is not None:
        return Refusal.REVOKED
    if invitation.expires_at <= now:
        return Refusal.EXPIRED
    if invitation.uses >= invitation.max_uses:
        return Refusal.USED_UP
    return None


async def find_invitation(session: AsyncSession, token: str) -> Invitation | None:
    if not looks_like_token(token):
        return None
    return await session.scalar(select(Invitation).where(Invitation.token_digest == digest(token)))


async def redeem(
    session: AsyncSession, token: str, official: Official, now: datetime | None = None
) -> Redemption:
    """Register `official` through the invitation; a refused token changes nothing.

    Opening a link for a role the person already holds uses nothing up.
    """
    now = now or datetime.now(UTC)
    invitation = await find_invitation(session, token)
    refusal = check_usable(invitation, now)
    if refusal is not None:
        return Redemption(refusal=refusal, invitation=invitation)
    assert invitation is not None
    existing = await session.scalar(
        select(Membership).where(
            Membership.official_id == official.id,
            Membership.role == invitation.role,
            Membership.is_active.is_(True),
            func.coalesce(Membership.plan_id, 0) == (invitation.plan_id or 0),
            func.coalesce(Membership.organization_id, 0) == (invitation.organization_id or 0),
        )
    )
    if existing is not None:
        return Redemption(membership=existing, already_member=True, invitation=invitation)
    invitation.uses += 1
    membership = Membership(
        official_id=official.id,
        role=invitation.role,
        plan_id=invitation.plan_id,
        organization_id=invitation.organization_id,
        granted_by_id=invitation.created_by_id,
        invitation_id=invitation.id,
    )
    session.add(membership)
    if not official.is_active:
        official.is_active = True
    await session.flush()
    await record_change(
        session,
        actor_id=official.id,
        action="membership_granted",
        entity=membership,
        new={
            "role": invitation.role.value,
            "organization_id": invitation.organization_id,
            "plan_id": invitation.plan_id,
            "invitation_id": invitation.id,
        },
    )
    return Redemption(membership=membership, invitation=invitation)


async def revoke(
    session: AsyncSession, invitation: Invitation, by_id: int | None, now: datetime | None = None
) -> None:
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = now or datetime.now(UTC)
    invitation.revoked_by_id = by_id
    await record_change(session, actor_id=by_id, action="invitation_revoked", entity=invitation)


class OrganizationLookup(enum.StrEnum):
    FOUND = "found"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"


async def find_organizations(
    session: AsyncSession, text: str, limit: int = 20
) -> list[Organization]:
    """Bodies whose full or short name contains `text`, case-insensitively (Cyrillic too)."""
    needle = " ".join(text.split()).casefold()
    if not needle:
        return []
    # SQLite's lower() folds ASCII only: compare in Python over the (few hundred) bodies.
    organizations = (
        await session.scalars(select(Organization).order_by(Organization.full_name))
    ).all()
    exact = [
        o
        for o in organizations
        if needle in (o.full_name.casefold(), (o.short_name or "").casefold())
    ]
    if exact:
        return exact
    matches = [
        o
        for o in organizations
        if needle in o.full_name.casefold() or needle in (o.short_name or "").casefold()
    ]
    return matches[:limit]


async def find_plans(session: AsyncSession, text: str) -> list[Plan]:
    needle = " ".join(text.split()).casefold()
    plans = (await session.scalars(select(Plan).where(or_(Plan.is_archived.is_(False))))).all()
    exact = [p for p in plans if p.title.casefold() == needle]
    return exact or [p for p in plans if needle in p.title.casefold()]
