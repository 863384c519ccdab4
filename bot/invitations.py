"""Invitations: deep links that register a person with a body, or as a plan's coordinator
(or, made from the command line, as an administrator).

A token carries 192 random bits; only its SHA-256 digest is stored, so the database alone
cannot be turned into working links. A token expires, has a use limit and can be revoked.
Opening one is `bot/invitation_use.py`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, can_manage_coordinators, can_revoke_invitation
from bot.audit import record_change
from bot.body_names import exact_bodies, match_bodies
from bot.memberships import EXECUTOR_ROLES
from bot.refusals import Refusal, Refused
from bot.scope import governed_bodies, governed_body
from models.queries import live_plan
from models.tables import Invitation, Organization, Plan, Role

DEFAULT_LIFETIME = timedelta(days=14)
TOKEN_BYTES = 24  # 192 bits; 32 characters in a deep link (Telegram allows 64)
INVITABLE_ROLES = (Role.OFFICIAL, Role.HEAD, Role.COORDINATOR, Role.ADMINISTRATOR)
# A link that makes its opener an administrator (`python -m bot invite --role admin`).
ADMIN_LINK_LIFETIME = timedelta(days=1)


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
    if role is Role.ADMINISTRATOR and (
        organization is not None
        or plan is not None
        or max_uses != 1
        or lifetime > ADMIN_LINK_LIFETIME
    ):
        raise ValueError("an administrator's invitation is for one use within one day, nowhere")
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
        created_at=now,
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


async def find_invitation(session: AsyncSession, token: str) -> Invitation | None:
    if not looks_like_token(token):
        return None
    return await session.scalar(select(Invitation).where(Invitation.token_digest == digest(token)))


async def revoke(
    session: AsyncSession, invitation: Invitation, by_id: int | None, now: datetime | None = None
) -> None:
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = now or datetime.now(UTC)
    invitation.revoked_by_id = by_id
    await record_change(session, actor_id=by_id, action="invitation_revoked", entity=invitation)


async def find_organizations(
    session: AsyncSession, text: str, limit: int = 20
) -> list[Organization]:
    """Bodies by name, as every search of bodies matches them: the exact names if any, else
    the bodies whose full or short name holds every word typed (at most `limit`)."""
    organizations = list(await session.scalars(select(Organization)))
    exact = exact_bodies(organizations, text)
    return exact or match_bodies(organizations, text)[:limit]


async def find_plans(session: AsyncSession, text: str) -> list[Plan]:
    needle = " ".join(text.split()).casefold()
    plans = (await session.scalars(select(Plan).where(live_plan()))).all()
    exact = [p for p in plans if p.title.casefold() == needle]
    return exact or [p for p in plans if needle in p.title.casefold()]


# --- Invitations made in the chat ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MadeInvitation:
    token: str
    invitation_id: int
    role: Role
    expires_at: datetime
    max_uses: int
    target: str  # the body's or the plan's name


def _made(made: NewInvitation, target: str) -> MadeInvitation:
    invitation = made.invitation
    return MadeInvitation(
        made.token,
        invitation.id,
        invitation.role,
        invitation.expires_at,
        invitation.max_uses,
        target,
    )


async def invite_to_body(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    organization_id: int,
    role: Role | str,
    now: datetime | None = None,
) -> MadeInvitation:
    """An invitation (1 use, 14 days) for an official or the head of a body whose people the
    actor manages (`scope.governed_body`); `role` may come as its name from a button."""
    if role not in EXECUTOR_ROLES:
        raise Refused(Refusal.NOT_AVAILABLE)
    role = Role(role)
    organization = await governed_body(session, roles, organization_id)
    made = await create_invitation(
        session, role=role, organization=organization, created_by_id=actor_id, now=now
    )
    return _made(made, organization.full_name)


async def invitable_bodies(session: AsyncSession, roles: Roles) -> list[Organization]:
    """The bodies whose people the person may invite: serving only plans they coordinate."""
    if not roles.is_coordinator:
        raise Refused(Refusal.NOT_AVAILABLE)
    return await governed_bodies(session, roles)


async def invitable_plans(session: AsyncSession, roles: Roles) -> list[Plan]:
    """Plans an administrator may invite a coordinator to."""
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    return list(await session.scalars(select(Plan).where(live_plan()).order_by(Plan.id)))


async def invite_coordinator(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    plan_id: int,
    now: datetime | None = None,
) -> MadeInvitation:
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    plan = await session.get(Plan, plan_id)
    if plan is None or plan.is_archived:
        raise Refused(Refusal.NOT_AVAILABLE)
    made = await create_invitation(
        session, role=Role.COORDINATOR, plan=plan, created_by_id=actor_id, now=now
    )
    return _made(made, plan.title)


async def revoke_invitation(
    session: AsyncSession, roles: Roles, *, actor_id: int, invitation_id: int, now: datetime
) -> bool:
    """Withdraw an invitation: only its maker or an administrator may. False when it was
    revoked already (nothing to do)."""
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or not can_revoke_invitation(
        roles, person_id=actor_id, maker_id=invitation.created_by_id
    ):
        raise Refused(Refusal.NOT_INVITATION_MAKER)
    if invitation.revoked_at is not None:
        return False
    await revoke(session, invitation, actor_id, now)
    return True
