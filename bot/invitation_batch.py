"""Inviting every body at once: one multi-use link per body and role, for a plan's bodies or
for the whole directory (`python -m bot invite --all`, `/invite all` in the chat).

Who may: a coordinator for the bodies of the plans they coordinate whose people they manage
(`bot/scope.py`: a body also serving another plan is an administrator's, and is left out and
counted); an administrator for any plan's bodies or for every body of the directory (a body
renamed into a successor is left out: its people register with the successor).

Each run makes new links: only a digest of a token is stored, so an open link cannot be shown
again. Earlier links stay open until they expire or are revoked (/orgs → open links).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import invitations
from bot.access import Roles
from bot.body_names import by_name
from bot.refusals import Refusal, Refused
from bot.scope import body_ids_of, coordinated_plan_ids, own_body_ids
from models.queries import live_plan
from models.tables import Organization, Plan, Role

# One body has one or two officials and a head, sometimes a deputy: room for turnover.
DEFAULT_USES = {Role.OFFICIAL: 20, Role.HEAD: 2}
DEFAULT_DAYS = 14
BATCH_ROLES = (Role.OFFICIAL, Role.HEAD)


@dataclass(frozen=True, slots=True)
class BodyLink:
    """One body's new link for one role; `token` is shown once, in the file."""

    organization_id: int
    full_name: str
    short_name: str | None
    role: Role
    token: str
    invitation_id: int
    max_uses: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class InvitedBodies:
    """What one run made: the links (body by body, officials before heads), the plan (None: the
    whole directory), and how many bodies of the plan were left to an administrator."""

    links: list[BodyLink]
    plan_title: str | None
    bodies: int
    shared_left_out: int


async def batch_plans(session: AsyncSession, roles: Roles) -> list[Plan]:
    """The plans whose bodies the person may invite all at once (their coordinated plans)."""
    if not roles.is_coordinator:
        raise Refused(Refusal.NOT_AVAILABLE)
    plan_ids = await coordinated_plan_ids(session, roles)
    if not plan_ids:
        return []
    return list(await session.scalars(select(Plan).where(Plan.id.in_(plan_ids)).order_by(Plan.id)))


async def batch_target(session: AsyncSession, roles: Roles, plan_id: int | None) -> str | None:
    """The title of the plan whose bodies the person would invite (None: the whole directory,
    an administrator's); refused when the plan is not theirs."""
    if plan_id is None:
        if not roles.is_admin:
            raise Refused(Refusal.NOT_AVAILABLE)
        return None
    plan = await session.scalar(select(Plan).where(Plan.id == plan_id, live_plan()))
    if plan is None or not roles.coordinates_plan(plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    return plan.title


async def _plan_bodies(
    session: AsyncSession, roles: Roles, plan_id: int
) -> tuple[Plan, list[Organization], int]:
    plan = await session.scalar(select(Plan).where(Plan.id == plan_id, live_plan()))
    if plan is None or not roles.coordinates_plan(plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    serving = list(
        await session.scalars(
            select(Organization).where(Organization.id.in_(body_ids_of([plan_id])))
        )
    )
    if roles.is_admin:
        return plan, by_name(serving), 0
    governed = set(await session.scalars(own_body_ids(await coordinated_plan_ids(session, roles))))
    mine = [body for body in serving if body.id in governed]
    return plan, by_name(mine), len(serving) - len(mine)


async def _directory(session: AsyncSession, roles: Roles) -> list[Organization]:
    if not roles.is_admin:
        raise Refused(Refusal.NOT_AVAILABLE)
    return by_name(
        await session.scalars(select(Organization).where(Organization.successor_id.is_(None)))
    )


async def invite_all(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int | None,
    plan_id: int | None,
    invite_roles: Sequence[Role],
    uses: int | None = None,
    days: int = DEFAULT_DAYS,
    now: datetime,
) -> InvitedBodies:
    """A new link per body and role for the plan's bodies the person manages, or (plan None,
    an administrator only) for every body of the directory. `uses` None: `DEFAULT_USES`."""
    if not invite_roles or any(role not in BATCH_ROLES for role in invite_roles):
        raise Refused(Refusal.NOT_AVAILABLE)
    if (uses is not None and uses < 1) or days < 1:
        raise ValueError("an invitation needs at least one use and one day")
    if plan_id is None:
        plan_title, bodies, left_out = None, await _directory(session, roles), 0
    else:
        plan, bodies, left_out = await _plan_bodies(session, roles, plan_id)
        plan_title = plan.title
    links: list[BodyLink] = []
    for body in bodies:
        for role in invite_roles:
            made = await invitations.create_invitation(
                session,
                role=role,
                organization=body,
                created_by_id=actor_id,
                max_uses=uses or DEFAULT_USES[role],
                lifetime=timedelta(days=days),
                now=now,
            )
            links.append(
                BodyLink(
                    organization_id=body.id,
                    full_name=body.full_name,
                    short_name=body.short_name,
                    role=role,
                    token=made.token,
                    invitation_id=made.invitation.id,
                    max_uses=made.invitation.max_uses,
                    expires_at=made.invitation.expires_at,
                )
            )
    return InvitedBodies(links, plan_title, len(bodies), left_out)
