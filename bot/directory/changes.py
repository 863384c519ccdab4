"""What a directory file changes, shown before it is saved (`plan_changes`) and then saved
(`save_changes`) by an administrator or the operator's command line.

A row is the stored body with the same full name, or a former name of one, or — when the full
name is new — the one stored body with the same short name (a renaming: the old full name is
kept as a former name). Bodies the file does not list stay as they are. A listed body's groups
become the file's; groups are made when first named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, can_change_directory
from bot.audit import change_event
from bot.body_names import fold
from bot.directory.listing import Entry, Listing, Problem, Unreadable
from bot.plan_import.body_directory import name_key
from bot.refusals import Refusal, Refused
from models.tables import BodyGroup, BodyGroupMember, BodyKind, Organization, OrganizationName

FIELDS = ("full_name", "short_name", "kind", "groups", "timezone", "parent", "head_name")


@dataclass(frozen=True, slots=True)
class BodyChange:
    entry: Entry
    organization_id: int | None  # None: a new body
    changed: tuple[str, ...]  # the fields that change (`FIELDS`); listing a plan's body too
    old_name: str | None = None  # the stored full name, when the file renames the body


@dataclass(slots=True)
class DirectoryChanges:
    new: list[BodyChange] = field(default_factory=list)
    changed: list[BodyChange] = field(default_factory=list)
    unchanged: int = 0
    unreadable: list[Unreadable] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.new or self.changed)

    def to_json(self) -> dict[str, object]:
        return {
            "new": [change.entry.full_name for change in self.new],
            "changed": [
                {
                    "name": change.entry.full_name,
                    "old_name": change.old_name,
                    "fields": list(change.changed),
                }
                for change in self.changed
            ],
            "unchanged": self.unchanged,
            "new_groups": self.new_groups,
            "unreadable": [
                {"where": item.where, "problem": item.problem.value, "text": item.text}
                for item in self.unreadable
            ],
        }


def require_administrator(roles: Roles | None) -> None:
    """Directory changes are an administrator's (None: the operator's command line)."""
    if roles is not None and not can_change_directory(roles):
        raise Refused(Refusal.ADMINISTRATORS_ONLY)


class _Stored:
    """Every stored body, its former names and the groups, loaded once."""

    def __init__(self) -> None:
        self.bodies: dict[int, Organization] = {}
        self.by_key: dict[str, Organization] = {}
        self.by_former: dict[str, int] = {}
        self.by_short: dict[str, list[Organization]] = {}
        self.groups: dict[str, BodyGroup] = {}
        self.members: dict[int, set[int]] = {}

    async def load(self, session: AsyncSession) -> None:
        for body in await session.scalars(select(Organization)):
            self.bodies[body.id] = body
            self.by_key[body.name_key] = body
            if body.short_name:
                self.by_short.setdefault(name_key(body.short_name), []).append(body)
        for organization_id, key in await session.execute(
            select(OrganizationName.organization_id, OrganizationName.name_key)
        ):
            self.by_former.setdefault(key, organization_id)
        for group in await session.scalars(select(BodyGroup)):
            self.groups[group.name_key] = group
        for group_id, organization_id in await session.execute(
            select(BodyGroupMember.group_id, BodyGroupMember.organization_id)
        ):
            self.members.setdefault(organization_id, set()).add(group_id)

    def find(self, entry: Entry) -> Organization | None:
        key = name_key(entry.full_name)
        if key in self.by_key:
            return self.by_key[key]
        if key in self.by_former:
            return self.bodies.get(self.by_former[key])
        if entry.short_name:
            same = self.by_short.get(name_key(entry.short_name), [])
            if len(same) == 1:
                return same[0]
        return None

    def group_names(self, organization_id: int) -> set[str]:
        ids = self.members.get(organization_id, set())
        return {key for key, group in self.groups.items() if group.id in ids}

    def body_named(self, text: str, listing: Listing) -> Organization | Entry | None:
        for entry in listing.entries:
            if fold(text) in (fold(entry.full_name), fold(entry.short_name or "")):
                return entry
        return self.find(Entry("", text, text, BodyKind.OTHER, (), None, None, None))


def _differences(
    body: Organization, entry: Entry, stored: _Stored, parent_id: int | None
) -> list[str]:
    changed = []
    if body.full_name != entry.full_name:
        changed.append("full_name")
    if (body.short_name or None) != entry.short_name:
        changed.append("short_name")
    if body.kind != entry.kind:
        changed.append("kind")
    if stored.group_names(body.id) != {fold(group) for group in entry.groups}:
        changed.append("groups")
    if body.timezone != entry.timezone:
        changed.append("timezone")
    if body.parent_id != parent_id:
        changed.append("parent")
    if (body.head_name or None) != entry.head_name:
        changed.append("head_name")
    if not body.in_directory and not changed:
        changed.append("listed")
    return changed


async def plan_changes(session: AsyncSession, listing: Listing) -> DirectoryChanges:
    """What saving the listing would change (nothing is written)."""
    stored = _Stored()
    await stored.load(session)
    return _plan(stored, listing)


def _plan(stored: _Stored, listing: Listing) -> DirectoryChanges:
    changes = DirectoryChanges(unreadable=list(listing.unreadable))
    taken: set[int] = set()
    for entry in listing.entries:
        parent = stored.body_named(entry.parent, listing) if entry.parent else None
        if entry.parent and parent is None:
            changes.unreadable.append(Unreadable(entry.where, Problem.UNKNOWN_PARENT, entry.parent))
            continue
        body = stored.find(entry)
        if body is not None and body.id in taken:
            changes.unreadable.append(Unreadable(entry.where, Problem.REPEATED, entry.full_name))
            continue
        if body is None:
            changes.new.append(BodyChange(entry, None, FIELDS))
            continue
        taken.add(body.id)
        parent_id = parent.id if isinstance(parent, Organization) else None
        if isinstance(parent, Entry):
            found = stored.find(parent)
            parent_id = found.id if found is not None else -1
        changed = _differences(body, entry, stored, parent_id)
        if changed:
            renamed = body.full_name if "full_name" in changed else None
            changes.changed.append(BodyChange(entry, body.id, tuple(changed), renamed))
        else:
            changes.unchanged += 1
    named = {fold(group): group for entry in listing.entries for group in entry.groups}
    changes.new_groups = [name for key, name in named.items() if key not in stored.groups]
    return changes


async def save_changes(
    session: AsyncSession, listing: Listing, *, roles: Roles | None, actor_id: int | None
) -> DirectoryChanges:
    """Save the listing: new bodies, changed ones (a renamed body keeps its former name),
    groups and memberships, parents; each change in the audit trail. The changes saved."""
    require_administrator(roles)
    stored = _Stored()
    await stored.load(session)
    changes = _plan(stored, listing)
    for name in changes.new_groups:
        group = BodyGroup(name=name, name_key=fold(name))
        session.add(group)
        stored.groups[group.name_key] = group
    bodies: dict[str, Organization] = {}
    for change in changes.new:
        entry = change.entry
        body = Organization(full_name=entry.full_name, name_key=name_key(entry.full_name))
        session.add(body)
        bodies[entry.where] = body
    for change in changes.changed:
        bodies[change.entry.where] = stored.bodies[change.organization_id or 0]
    await session.flush()
    events = []
    for change in [*changes.new, *changes.changed]:
        entry, body = change.entry, bodies[change.entry.where]
        if change.old_name is not None:
            session.add(
                OrganizationName(
                    organization_id=body.id, name=body.full_name, name_key=body.name_key
                )
            )
            body.full_name, body.name_key = entry.full_name, name_key(entry.full_name)
        body.short_name = entry.short_name
        body.kind = entry.kind
        body.timezone = entry.timezone
        body.head_name = entry.head_name
        body.in_directory = True
        events.append(
            change_event(
                actor_id=actor_id,
                action="directory_import",
                entity=body,
                field=",".join(change.changed) if change.organization_id else None,
                old=change.old_name,
                new=entry.full_name,
            )
        )
    for body in bodies.values():
        stored.bodies[body.id] = body
        stored.by_key[body.name_key] = body
    for change in [*changes.new, *changes.changed]:
        entry, body = change.entry, bodies[change.entry.where]
        parent = _parent(stored, listing, entry.parent) if entry.parent else None
        body.parent_id = parent.id if parent is not None and parent is not body else None
        if "groups" in change.changed:
            await session.execute(
                delete(BodyGroupMember).where(BodyGroupMember.organization_id == body.id)
            )
            for group in {fold(name) for name in entry.groups}:
                session.add(
                    BodyGroupMember(group_id=stored.groups[group].id, organization_id=body.id)
                )
    session.add_all(events)
    await session.flush()
    return changes


def _parent(stored: _Stored, listing: Listing, text: str) -> Organization | None:
    found = stored.body_named(text, listing)
    if isinstance(found, Entry):
        return stored.find(found)
    return found
