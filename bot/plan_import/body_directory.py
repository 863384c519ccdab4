"""Bodies are stored once: the same body written in full or as an abbreviation is one
organization. The directory loads all of them once per import and creates the missing ones.

The directory is shared by every plan, so an import changes a stored body's names only when an
administrator (or the operator's command line) makes it: a coordinator's import keeps the
stored names, and every name in the file that differs is listed (`differences`) so that the
person is told and an administrator can decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.plan_import.groups import Group, GroupDirectory
from bot.plan_import.model import ImportResult, ParsedExecutor
from models.tables import Organization, OrganizationName


def name_key(name: str) -> str:
    """A body's name as a key: case, ё/е, quote styles and spacing do not make another body."""
    folded = name.casefold().replace("ё", "е")
    folded = re.sub(r"[«»“”„\"']", '"', folded)
    return re.sub(r"\s+", " ", folded).strip(" .,;")


@dataclass(frozen=True, slots=True)
class NameDifference:
    """A stored body the file names otherwise: its stored names, the file's, and whether the
    file's short name was applied (an administrator's import) or the stored one kept."""

    stored: str
    stored_short: str | None
    in_file: str
    in_file_short: str | None
    applied: bool


class OrganizationDirectory:
    """Finds or creates bodies by full name or abbreviation, loading all of them once.

    `may_rename`: whether the file's short name replaces (or fills in) a stored body's.
    """

    def __init__(self, session: AsyncSession, *, may_rename: bool = True) -> None:
        self.session = session
        self.may_rename = may_rename
        self.by_key: dict[str, Organization] = {}
        self.by_short: dict[str, list[Organization]] = {}
        self.created: list[str] = []
        self.differences: dict[int, NameDifference] = {}
        self.created_ids: set[int] = set()
        self.by_id: dict[int, Organization] = {}
        self.groups = GroupDirectory()

    async def load(self) -> None:
        bodies = {}
        for organization in await self.session.scalars(select(Organization)):
            bodies[organization.id] = organization
            self._remember(organization)
        # A body's former names (a renaming, a plan's name matched to it) still find it.
        for organization_id, key in await self.session.execute(
            select(OrganizationName.organization_id, OrganizationName.name_key)
        ):
            if key not in self.by_key and organization_id in bodies:
                self.by_key[key] = bodies[organization_id]
        self.by_id = bodies
        await self.groups.load(self.session)

    def _remember(self, organization: Organization) -> None:
        self.by_key[organization.name_key] = organization
        if organization.short_name:
            self.by_short.setdefault(name_key(organization.short_name), []).append(organization)

    def find(self, executor: ParsedExecutor) -> Organization | None:
        found = self.by_key.get(name_key(executor.name))
        if found is not None:
            return found
        for candidate in (executor.short_name, executor.name):
            if not candidate:
                continue
            same_short = self.by_short.get(name_key(candidate), [])
            if len(same_short) == 1:
                return same_short[0]
        return None

    async def resolve(self, executor: ParsedExecutor) -> Organization:
        organization = self.find(executor)
        if organization is None:
            organization = Organization(
                full_name=executor.name,
                name_key=name_key(executor.name),
                short_name=executor.short_name,
            )
            self.session.add(organization)
            await self.session.flush()
            self._remember(organization)
            self.created.append(executor.name)
            self.created_ids.add(organization.id)
            self.by_id[organization.id] = organization
        else:
            self._compare(organization, executor)
        return organization

    async def bodies(self, executor: ParsedExecutor) -> tuple[list[Organization], Group | None]:
        """The bodies answering as `executor`: a directory group's members (and the group), or
        the one body it names (found or created)."""
        group = self.groups.find(executor)
        if group is not None:
            return [self.by_id[i] for i in group.member_ids if i in self.by_id], group
        return [await self.resolve(executor)], None

    def _compare(self, organization: Organization, executor: ParsedExecutor) -> None:
        """Note (once per body) a file's other names for a stored body; apply the short name
        when renaming is allowed."""
        if organization.id in self.differences or organization.id in self.created_ids:
            return
        stored_short = name_key(organization.short_name or "")
        short_differs = bool(executor.short_name) and name_key(executor.short_name or "") != (
            stored_short
        )
        # A body written by its abbreviation alone is not named otherwise.
        full_differs = name_key(executor.name) not in (organization.name_key, stored_short)
        if not short_differs and not full_differs:
            return
        old_short = organization.short_name
        applied = short_differs and self.may_rename
        if applied:
            organization.short_name = executor.short_name
            self._remember(organization)
        self.differences[organization.id] = NameDifference(
            stored=organization.full_name,
            stored_short=old_short,
            in_file=executor.name,
            in_file_short=executor.short_name,
            applied=applied,
        )


async def name_differences(session: AsyncSession, result: ImportResult) -> list[NameDifference]:
    """For a preview: the stored bodies the file names otherwise, as a coordinator's import
    would keep them (nothing is written)."""
    directory = OrganizationDirectory(session, may_rename=False)
    await directory.load()
    for plan in result.plans:
        for measure in plan.measures:
            for executor in measure.executors:
                if directory.groups.find(executor) is not None:
                    continue  # a group expands into its members: no body of that name
                found = directory.find(executor)
                if found is not None:
                    directory._compare(found, executor)
    return list(directory.differences.values())
