"""Opening an invitation link: whether it may be used by this person now, and using it once.

The rules (the README's "Invitations" says them to people):

- Using a link is one conditional UPDATE of its use count (`uses < max_uses` in the WHERE, the
  row count checked): two people opening a one-use link at once register one; the other is told
  the link is used up. Nothing else is written when that update changes no row.
- A link dies when its maker loses the role that let them make it: a body's link when the maker
  no longer coordinates a plan the body serves (removed as coordinator, deactivated, no longer
  an administrator); a coordinator's or an administrator's link when the maker is no longer an
  administrator. Links made from the command line have no maker and live out their term.
- An old link does not undo a deactivation: a person whose registration in the same place (the
  body; the plan, as coordinator; the administrators) ended after the link was made is refused
  and asked for a new link. A link made after it ended registers them again.
- A person switched off as a whole (`Official.is_active` false) is refused by every link.
- A registered person opening a link that would add a role is asked first: `redeem` changes
  nothing until it is called with `confirmed=True`.
- The maker is told who used their link (the administrators, for a link without a maker).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, can_manage_coordinators
from bot.audit import record_change
from bot.invitations import find_invitation
from bot.notification_kinds import INVITATION_USED, InvitationUsedNotice
from bot.people import roles_of
from bot.refusals import Refused
from bot.scope import governed_body
from models.queries import Recipient, active_membership, administrators, enqueue_notification
from models.tables import Invitation, Membership, Official, Organization, Plan, Role


class LinkProblem(enum.StrEnum):
    """Why a link cannot be used by this person (the link, not a request, is no good)."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"
    MAKER_LEFT = "maker_left"  # its maker no longer holds the role that made it
    ENDED = "ended"  # the person's registration there ended after the link was made
    DEACTIVATED = "deactivated"  # the person is switched off as a whole


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """What opening the link would do: nothing (`problem`), nothing new (`already_member`),
    or register the person, after they confirm when they hold other roles."""

    invitation: Invitation | None
    problem: LinkProblem | None = None
    existing: Membership | None = None
    needs_confirmation: bool = False

    @property
    def already_member(self) -> bool:
        return self.existing is not None


@dataclass(frozen=True, slots=True)
class Redemption:
    """What opening a link did: the membership made (or found), or why nothing happened."""

    problem: LinkProblem | None = None
    membership: Membership | None = None
    already_member: bool = False
    invitation: Invitation | None = None
    needs_confirmation: bool = False  # nothing done: the person must confirm first


def check_usable(invitation: Invitation | None, now: datetime) -> LinkProblem | None:
    """Why this invitation cannot be used now by anybody, or None when it can."""
    if invitation is None:
        return LinkProblem.UNKNOWN
    if invitation.revoked_at is not None:
        return LinkProblem.REVOKED
    if invitation.expires_at <= now:
        return LinkProblem.EXPIRED
    if invitation.uses >= invitation.max_uses:
        return LinkProblem.USED_UP
    return None


def _same_place(invitation: Invitation) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (
        func.coalesce(Membership.plan_id, 0) == (invitation.plan_id or 0),
        func.coalesce(Membership.organization_id, 0) == (invitation.organization_id or 0),
    )


async def _existing(
    session: AsyncSession, invitation: Invitation, official: Official
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.official_id == official.id,
            Membership.role == invitation.role,
            active_membership(),
            *_same_place(invitation),
        )
    )


async def maker_lost_role(
    session: AsyncSession, invitation: Invitation, admin_telegram_ids: frozenset[int]
) -> bool:
    """Whether the person who made the link no longer holds the role that let them make it."""
    if invitation.created_by_id is None:
        return False  # made from the command line
    maker = await session.get(Official, invitation.created_by_id)
    if maker is None:
        return True
    roles = await roles_of(session, maker, admin_telegram_ids)
    if invitation.role not in (Role.OFFICIAL, Role.HEAD):
        return not can_manage_coordinators(roles)
    assert invitation.organization_id is not None
    try:
        await governed_body(session, roles, invitation.organization_id)
    except Refused:
        return True
    return False


async def _ended_since_made(
    session: AsyncSession, invitation: Invitation, official: Official
) -> bool:
    """Whether the person's registration in the link's place ended after the link was made
    (a body's link: any role with the body; otherwise the same role and plan)."""
    statement = select(Membership.id).where(
        Membership.official_id == official.id,
        Membership.is_active.is_(False),
        Membership.ended_at >= invitation.created_at,
        *_same_place(invitation),
    )
    if invitation.role not in (Role.OFFICIAL, Role.HEAD):
        statement = statement.where(Membership.role == invitation.role)
    return await session.scalar(statement.limit(1)) is not None


async def examine_link(
    session: AsyncSession,
    token: str,
    official: Official,
    roles: Roles,
    now: datetime,
    admin_telegram_ids: frozenset[int],
) -> LinkCheck:
    """What opening the link would do for this person; changes nothing."""
    invitation = await find_invitation(session, token)
    problem = check_usable(invitation, now)
    if problem is not None or invitation is None:
        return LinkCheck(invitation, problem)
    if not official.is_active:
        return LinkCheck(invitation, LinkProblem.DEACTIVATED)
    existing = await _existing(session, invitation, official)
    if existing is not None:
        return LinkCheck(invitation, existing=existing)
    if await maker_lost_role(session, invitation, admin_telegram_ids):
        return LinkCheck(invitation, LinkProblem.MAKER_LEFT)
    if await _ended_since_made(session, invitation, official):
        return LinkCheck(invitation, LinkProblem.ENDED)
    return LinkCheck(invitation, needs_confirmation=roles.is_registered)


async def _use_once(session: AsyncSession, invitation: Invitation, now: datetime) -> int | None:
    """Count one use, only if one is left (the database decides, not what was read before);
    the new count, or None when the link was used up (or withdrawn) meanwhile."""
    return await session.scalar(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.uses < Invitation.max_uses,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(uses=Invitation.uses + 1)
        .returning(Invitation.uses)
        .execution_options(synchronize_session=False)
    )


async def redeem(
    session: AsyncSession,
    token: str,
    official: Official,
    roles: Roles,
    now: datetime,
    admin_telegram_ids: frozenset[int],
    *,
    confirmed: bool = False,
    invitation_id: int | None = None,
) -> Redemption:
    """Register `official` through the invitation. Nothing changes when the link cannot be
    used, when the person holds the role already (no use is counted), or when they hold
    other roles and have not `confirmed`. `invitation_id` (from a Confirm button) must be
    the token's invitation."""
    check = await examine_link(session, token, official, roles, now, admin_telegram_ids)
    invitation = check.invitation
    if invitation is not None and invitation_id is not None and invitation.id != invitation_id:
        return Redemption(problem=LinkProblem.UNKNOWN)
    if check.problem is not None or invitation is None:
        return Redemption(problem=check.problem or LinkProblem.UNKNOWN, invitation=invitation)
    if check.existing is not None:
        return Redemption(membership=check.existing, already_member=True, invitation=invitation)
    if check.needs_confirmation and not confirmed:
        return Redemption(invitation=invitation, needs_confirmation=True)
    uses = await _use_once(session, invitation, now)
    if uses is None:
        return Redemption(problem=LinkProblem.USED_UP, invitation=invitation)
    membership = await _grant(session, invitation, official)
    await _tell_maker(session, invitation, official, uses, admin_telegram_ids, now)
    return Redemption(membership=membership, invitation=invitation)


async def _grant(session: AsyncSession, invitation: Invitation, official: Official) -> Membership:
    membership = Membership(
        official_id=official.id,
        role=invitation.role,
        plan_id=invitation.plan_id,
        organization_id=invitation.organization_id,
        granted_by_id=invitation.created_by_id,
        invitation_id=invitation.id,
    )
    session.add(membership)
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
    return membership


async def _told_about(
    session: AsyncSession, invitation: Invitation, admin_telegram_ids: frozenset[int]
) -> list[Recipient]:
    """The link's maker (if they can be reached), or the administrators for a link made from
    the command line."""
    if invitation.created_by_id is None:
        return await administrators(session, admin_telegram_ids)
    maker = await session.get(Official, invitation.created_by_id)
    if maker is None or not maker.is_active or maker.blocked_bot_at is not None:
        return []
    return [Recipient(maker.id, maker.telegram_id, maker.timezone)]


async def _target_name(session: AsyncSession, invitation: Invitation) -> str:
    if invitation.organization_id is not None:
        organization = await session.get(Organization, invitation.organization_id)
        return organization.full_name if organization is not None else ""
    if invitation.plan_id is not None:
        plan = await session.get(Plan, invitation.plan_id)
        return plan.title if plan is not None else ""
    return ""


async def _tell_maker(
    session: AsyncSession,
    invitation: Invitation,
    official: Official,
    uses: int,
    admin_telegram_ids: frozenset[int],
    now: datetime,
) -> int:
    """Queue "your link was used by …" for whoever is told about it; how many were queued."""
    recipients = [
        recipient
        for recipient in await _told_about(session, invitation, admin_telegram_ids)
        if recipient.official_id != official.id
    ]
    if not recipients:
        return 0
    payload = InvitationUsedNotice(
        invitation_id=invitation.id,
        person=official.display_name,
        username=official.username,
        role=invitation.role.value,
        target=await _target_name(session, invitation),
        uses=uses,
        max_uses=invitation.max_uses,
        from_command_line=invitation.created_by_id is None,
    ).to_json()
    told = 0
    for recipient in recipients:
        told += await enqueue_notification(
            session,
            recipient=recipient,
            kind=INVITATION_USED,
            dedup_key=f"{INVITATION_USED}:{invitation.id}:{uses}:{recipient.official_id}",
            payload=payload,
            now=now,
        )
    return told
