"""Bodies are stored once: the same body written in full or as an abbreviation is one
organization. The directory loads all of them once per import and creates the missing ones."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.plan_import.model import ParsedExecutor
from models.tables import Organization


def name_key(name: str) -> str:
    """A body's name as a key: case, ё/е, quote styles and spacing do not make another body."""
    folded = name.casefold().replace("ё", "е")
    folded = re.sub(r"[«»“”„\"']", '"', folded)
    return re.sub(r"\s+", " ", folded).strip(" .,;")


class OrganizationDirectory:
    """Finds or creates bodies by full name or abbreviation, loading all of them once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.by_key: dict[str, Organization] = {}
        self.by_short: dict[str, list[Organization]] = {}
        self.created: list[str] = []

    async def load(self) -> None:
        for organization in await self.session.scalars(select(Organization)):
            self._remember(organization)

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
        elif executor.short_name and not organization.short_name:
            organization.short_name = executor.short_name
            self._remember(organization)
        return organization
