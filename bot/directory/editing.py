"""An administrator's work on the directory body by body: bodies only plans named (not in the
directory) matched to a directory body or added to it, and a body's names, kind and groups
edited. A renaming keeps the former name, so that plans writing it still find the body; the
history of the body's measures is not rewritten."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.body_names import by_name, fold, match_bodies
from bot.directory.changes import require_administrator
from bot.directory.listing import GROUP_SEPARATOR, MAX_GROUP_NAME, MAX_NAME, MAX_SHORT_NAME
from bot.memberships import move_memberships
from bot.plan_import.body_directory import name_key
from bot.refusals import Refusal, Refused
from models.tables import (
    Assignment,
    BodyGroup,
    BodyGroupMember,
    BodyKind,
    Invitation,
    MeasureQuestion,
    Membership,
    Organization,
    OrganizationName,
)

CANDIDATES = 10


async def unmatched_bodies(session: AsyncSession, roles: Roles) -> list[Organization]:
    """Bodies plans named that are not in the directory, by name."""
    require_administrator(roles)
    found = await session.scalars(
        select(Organization).where(
            ~Organization.in_directory,
            exists().where(Assignment.organization_id == Organization.id),
        )
    )
    return by_name(found)


async def _unmatched(session: AsyncSession, roles: Roles, organization_id: int) -> Organization:
    require_administrator(roles)
    body = await session.get(Organization, organization_id)
    if body is None or body.in_directory:
        raise Refused(Refusal.NOT_AVAILABLE)
    return body


async def directory_body(session: AsyncSession, roles: Roles, organization_id: int) -> Organization:
    require_administrator(roles)
    body = await session.get(Organization, organization_id)
    if body is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    return body


async def directory_candidates(
    session: AsyncSession, roles: Roles, organization_id: int, text: str
) -> tuple[Organization, list[Organization]]:
    """The unmatched body and the directory bodies whose names hold the words typed."""
    body = await _unmatched(session, roles, organization_id)
    listed = await session.scalars(select(Organization).where(Organization.in_directory))
    return body, match_bodies(listed, text)[:CANDIDATES]


async def add_to_directory(
    session: AsyncSession, roles: Roles, *, actor_id: int | None, organization_id: int
) -> Organization:
    body = await _unmatched(session, roles, organization_id)
    body.in_directory = True
    body.kind = body.kind or BodyKind.OTHER
    await record_change(
        session,
        actor_id=actor_id,
        action="directory_add",
        entity=body,
        field="in_directory",
        old=False,
        new=True,
    )
    return body


async def match_to_directory(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int | None,
    organization_id: int,
    target_id: int,
    now: datetime,
) -> Organization:
    """The plans' body becomes the directory body: its measures, people and links pass to it,
    and its name is kept as the directory body's former name."""
    body = await _unmatched(session, roles, organization_id)
    target = await session.get(Organization, target_id)
    if target is None or not target.in_directory or target.id == body.id:
        raise Refused(Refusal.NOT_AVAILABLE)
    both = await session.scalar(
        select(Assignment.id)
        .where(
            Assignment.organization_id == body.id,
            Assignment.measure_id.in_(
                select(Assignment.measure_id).where(Assignment.organization_id == target.id)
            ),
        )
        .limit(1)
    )
    if both is not None:
        raise Refused(Refusal.ALREADY_EXECUTOR)
    await session.execute(
        update(Assignment)
        .where(Assignment.organization_id == body.id)
        .values(organization_id=target.id)
    )
    # Ended memberships move as history; a person registered with both keeps the directory
    # body's role, the plans' body's one ends.
    await session.execute(
        update(Membership)
        .where(Membership.organization_id == body.id, ~Membership.is_active)
        .values(organization_id=target.id)
    )
    await move_memberships(session, body.id, target.id, now, actor_id=actor_id)
    await session.execute(
        update(Invitation)
        .where(Invitation.organization_id == body.id)
        .values(organization_id=target.id)
    )
    await session.execute(
        update(MeasureQuestion)
        .where(MeasureQuestion.reassigned_to_id == body.id)
        .values(reassigned_to_id=target.id)
    )
    await session.execute(
        update(OrganizationName)
        .where(OrganizationName.organization_id == body.id)
        .values(organization_id=target.id)
    )
    session.add(
        OrganizationName(organization_id=target.id, name=body.full_name, name_key=body.name_key)
    )
    await record_change(
        session,
        actor_id=actor_id,
        action="directory_match",
        entity=target,
        field="former_name",
        old=body.full_name,
        new=target.full_name,
    )
    await session.flush()
    await session.execute(delete(Organization).where(Organization.id == body.id))
    return target


async def rename_body(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int | None,
    organization_id: int,
    full_name: str,
) -> Organization:
    """A new full name; the former one is kept for plans that still write it."""
    body = await directory_body(session, roles, organization_id)
    full_name = " ".join(full_name.split())
    if not full_name or len(full_name) > MAX_NAME:
        raise Refused(Refusal.NOT_AVAILABLE)
    key = name_key(full_name)
    if key != body.name_key:
        other = await session.scalar(select(Organization.id).where(Organization.name_key == key))
        if other is not None:
            raise Refused(Refusal.NOT_AVAILABLE)
        session.add(
            OrganizationName(organization_id=body.id, name=body.full_name, name_key=body.name_key)
        )
    old = body.full_name
    body.full_name, body.name_key = full_name, key
    await record_change(
        session,
        actor_id=actor_id,
        action="directory_edit",
        entity=body,
        field="full_name",
        old=old,
        new=full_name,
    )
    return body


async def set_short_name(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int | None,
    organization_id: int,
    short_name: str,
) -> Organization:
    body = await directory_body(session, roles, organization_id)
    short_name = " ".join(short_name.split())
    if len(short_name) > MAX_SHORT_NAME:
        raise Refused(Refusal.NOT_AVAILABLE)
    old = body.short_name
    body.short_name = short_name or None
    await record_change(
        session,
        actor_id=actor_id,
        action="directory_edit",
        entity=body,
        field="short_name",
        old=old,
        new=body.short_name,
    )
    return body


async def set_kind(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int | None,
    organization_id: int,
    kind: BodyKind,
) -> Organization:
    body = await directory_body(session, roles, organization_id)
    old = body.kind
    body.kind = kind
    await record_change(
        session,
        actor_id=actor_id,
        action="directory_edit",
        entity=body,
        field="kind",
        old=old,
        new=kind,
    )
    return body


async def body_groups(session: AsyncSession, organization_id: int) -> list[str]:
    """The names of the body's groups, by name."""
    names = await session.scalars(
        select(BodyGroup.name)
        .join(BodyGroupMember, BodyGroupMember.group_id == BodyGroup.id)
        .where(BodyGroupMember.organization_id == organization_id)
    )
    return sorted(names, key=fold)


async def set_groups(
    session: AsyncSession, roles: Roles, *, actor_id: int | None, organization_id: int, text: str
) -> Organization:
    """The body's groups as typed, separated by «;» (new groups are made)."""
    body = await directory_body(session, roles, organization_id)
    names = _group_names(text)
    old = await body_groups(session, body.id)
    groups = {
        group.name_key: group
        for group in await session.scalars(
            select(BodyGroup).where(BodyGroup.name_key.in_([fold(name) for name in names]))
        )
    }
    for name in names:
        if fold(name) not in groups:
            group = BodyGroup(name=name, name_key=fold(name))
            session.add(group)
            groups[group.name_key] = group
    await session.flush()
    await session.execute(delete(BodyGroupMember).where(BodyGroupMember.organization_id == body.id))
    for group in groups.values():
        session.add(BodyGroupMember(group_id=group.id, organization_id=body.id))
    await record_change(
        session,
        actor_id=actor_id,
        action="directory_edit",
        entity=body,
        field="groups",
        old=old,
        new=names,
    )
    return body


def _group_names(text: str) -> Sequence[str]:
    names = list(
        dict.fromkeys(
            " ".join(part.split()) for part in text.split(GROUP_SEPARATOR) if part.strip()
        )
    )
    if any(len(name) > MAX_GROUP_NAME for name in names):
        raise Refused(Refusal.NOT_AVAILABLE)
    return names
