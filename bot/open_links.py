"""The open invitation links of the bodies whose people a coordinator manages (/orgs → open
links): per link its body, role, uses left and last day, and whether this person may revoke it
(its maker or an administrator, `bot/access.py`). Revoking is `invitations.revoke_invitation`.

A link is open while it is not revoked, not expired and not used up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, can_revoke_invitation
from bot.body_names import fold
from bot.memberships import EXECUTOR_ROLES
from bot.refusals import Refusal, Refused
from bot.scope import governed_body_ids
from models.tables import Invitation, Organization, Role


@dataclass(frozen=True, slots=True)
class OpenLink:
    invitation_id: int
    organization_id: int
    body: str  # the short name, else the full name
    role: Role
    uses_left: int
    expires_at: datetime
    revocable: bool  # by the person asking


def _open(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Invitation.role.in_(EXECUTOR_ROLES),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
        Invitation.uses < Invitation.max_uses,
    )


async def _scope(session: AsyncSession, roles: Roles) -> tuple[ColumnElement[bool], ...]:
    if not roles.is_coordinator:
        raise Refused(Refusal.NOT_AVAILABLE)
    governed = await governed_body_ids(session, roles)
    return () if governed is None else (Invitation.organization_id.in_(governed),)


async def open_link_count(session: AsyncSession, roles: Roles, now: datetime) -> int:
    """How many links of the person's bodies are open."""
    scope = await _scope(session, roles)
    count = await session.scalar(select(func.count(Invitation.id)).where(*_open(now), *scope))
    return count or 0


async def open_links(
    session: AsyncSession, roles: Roles, *, person_id: int, now: datetime
) -> list[OpenLink]:
    """The open links of the bodies whose people the person manages, body by body (by name),
    officials' before heads', the newest first."""
    scope = await _scope(session, roles)
    rows = await session.execute(
        select(
            Invitation.id,
            Invitation.organization_id,
            Organization.full_name,
            Organization.short_name,
            Invitation.role,
            Invitation.max_uses - Invitation.uses,
            Invitation.expires_at,
            Invitation.created_by_id,
        )
        .join(Organization, Organization.id == Invitation.organization_id)
        .where(*_open(now), *scope)
    )
    links = [
        OpenLink(
            invitation_id=invitation_id,
            organization_id=organization_id,
            body=short_name or full_name,
            role=role,
            uses_left=uses_left,
            expires_at=expires_at,
            revocable=can_revoke_invitation(roles, person_id=person_id, maker_id=maker_id),
        )
        for (
            invitation_id,
            organization_id,
            full_name,
            short_name,
            role,
            uses_left,
            expires_at,
            maker_id,
        ) in rows
    ]
    order = {Role.OFFICIAL: 0, Role.HEAD: 1}
    return sorted(
        links,
        key=lambda link: (
            fold(link.body),
            link.organization_id,
            order.get(link.role, 2),
            -link.invitation_id,
        ),
    )
