"""Collective executors: a plan's executor that names a group of bodies («ИОГВ», «МО»,
«Главы МО», «органы местного самоуправления», a legend's «ОИО НСО»).

A group of the directory (`BodyGroup`) is found by its folded name, by the executor's full or
short name (a legend gives both), or by a common alias («ОМСУ» and «органы местного
самоуправления» are one group; «Главы МО» falls back to the group of municipalities). A group
with members expands into them: each member body gets its own part of the measure. An
executor that reads as a group («Иные муниципальные районы…») but has no group in the directory
stays one executor, and the preview says how to define the group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.body_names import fold
from bot.plan_import.model import ImportResult, ParsedExecutor
from models.tables import BodyGroup, BodyGroupMember, Organization

# Names that mean the same set of bodies (folded), the first one being the usual abbreviation.
ALIASES: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "иогв",
            "исполнительные органы государственной власти",
            "органы исполнительной власти",
            "исполнительные органы",
        }
    ),
    frozenset(
        {
            "омсу",
            "органы местного самоуправления",
            "мо",
            "муниципальные образования",
        }
    ),
    frozenset({"главы мо", "главы муниципальных образований"}),
)
# Words that start the name of a set of bodies rather than of one body.
PLURAL_STARTS = frozenset(
    {
        "органы",
        "главы",
        "все",
        "иные",
        "администрации",
        "подразделения",
        "учреждения",
        "организации",
        "муниципалитеты",
    }
)
COLLECTIVE_ABBREVIATIONS = frozenset({"иогв", "омсу", "мо", "оив", "огв", "главы мо"})
# Plural adjectives («областные», «городские», «подведомственные»), not nouns («управление»).
PLURAL_ADJECTIVE_ENDINGS = ("ые", "кие", "гие", "хие", "щие", "чие", "шие", "жие")
HEADS_OF = "главы "


@dataclass(frozen=True, slots=True)
class Group:
    """A directory group and its member bodies (by name)."""

    id: int
    name: str
    member_ids: tuple[int, ...]


def _names(executor: ParsedExecutor) -> list[str]:
    names = [fold(executor.name)]
    if executor.short_name:
        names.append(fold(executor.short_name))
    return names


def _candidates(executor: ParsedExecutor) -> list[str]:
    """The folded names a group may be stored under, most specific first."""
    keys: list[str] = []
    for name in _names(executor):
        keys.append(name)
        keys.extend(sorted(alias for same in ALIASES if name in same for alias in same))
    for name in list(keys):
        if name.startswith(HEADS_OF):
            # «Главы МО» are the municipalities' heads: the municipalities answer.
            rest = name.removeprefix(HEADS_OF)
            keys.append(rest)
            keys.extend(sorted(alias for same in ALIASES if rest in same for alias in same))
    return list(dict.fromkeys(keys))


def reads_as_group(executor: ParsedExecutor) -> bool:
    """Whether the executor names a set of bodies («ИОГВ», «органы …», «Иные …», «Областные
    исполнительные органы …»), judged by its words alone."""
    for name in _names(executor):
        if name in COLLECTIVE_ABBREVIATIONS or any(name in same for same in ALIASES):
            return True
        first = name.split()[0] if name.split() else ""
        if first in PLURAL_STARTS or first.endswith(PLURAL_ADJECTIVE_ENDINGS):
            return True
    return False


class GroupDirectory:
    """The directory's groups with their members, loaded once per import."""

    def __init__(self) -> None:
        self.by_key: dict[str, Group] = {}

    async def load(self, session: AsyncSession) -> None:
        members: dict[int, list[int]] = {}
        rows = await session.execute(
            select(BodyGroupMember.group_id, BodyGroupMember.organization_id)
            .join(Organization, Organization.id == BodyGroupMember.organization_id)
            .order_by(Organization.full_name, Organization.id)
        )
        for group_id, organization_id in rows:
            members.setdefault(group_id, []).append(organization_id)
        for group_id, name, key in await session.execute(
            select(BodyGroup.id, BodyGroup.name, BodyGroup.name_key)
        ):
            self.by_key[key] = Group(group_id, name, tuple(members.get(group_id, ())))

    def find(self, executor: ParsedExecutor) -> Group | None:
        """The group with members the executor names, if the directory has one."""
        for key in _candidates(executor):
            group = self.by_key.get(key)
            if group is not None and group.member_ids:
                return group
        return None

    def named(self, text: str) -> Group | None:
        """The group with members a typed name (or alias) names."""
        return self.find(ParsedExecutor(name=text))


@dataclass(frozen=True, slots=True)
class GroupUse:
    """A collective executor of the file: how it is written, the directory group it expands
    into (None: the directory has none) with its member count, and in how many measures."""

    label: str
    group: str | None
    bodies: int
    measures: int


def group_uses(groups: GroupDirectory, executors: Iterable[ParsedExecutor]) -> list[GroupUse]:
    """The collective executors among `executors` (one per measure, in order), each once."""
    uses: dict[str, GroupUse] = {}
    for executor in executors:
        label = executor.short_name or executor.name
        group = groups.find(executor)
        if group is None and not reads_as_group(executor):
            continue
        known = uses.get(label)
        if known is not None:
            uses[label] = GroupUse(label, known.group, known.bodies, known.measures + 1)
        elif group is not None:
            uses[label] = GroupUse(label, group.name, len(group.member_ids), 1)
        else:
            uses[label] = GroupUse(label, None, 0, 1)
    return list(uses.values())


async def groups_in_file(session: AsyncSession, result: ImportResult) -> list[GroupUse]:
    """For a preview: the file's collective executors and what each expands into."""
    groups = GroupDirectory()
    await groups.load(session)
    executors = (
        executor
        for plan in result.plans
        for measure in plan.measures
        for executor in {e.short_name or e.name: e for e in measure.executors}.values()
    )
    return group_uses(groups, executors)
