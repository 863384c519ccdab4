"""A directory file read: one entry per body, and the rows that could not be read.

The file is a table (.xlsx or .csv, read by the plan importer's readers within its caps) whose
header row names the columns: full name, short name, kind, groups (several, separated by «;»),
time zone (a city or an IANA name), parent body, head's name. Headers, kinds and cities are
recognised in every language of the bot (`Vocabulary`), so an exported file reads back as is.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfoNotFoundError

from bot.body_names import fold
from bot.calendar import time_zone
from bot.i18n import N_
from bot.plan_import.blocks import Row
from bot.plan_import.reading import read_table_rows
from bot.timezones import CITY_NAMES, RussianZone
from models.tables import BodyKind

Translate = Callable[[str], str]
GROUP_SEPARATOR = ";"
MAX_NAME = 1000
MAX_SHORT_NAME = 255
MAX_HEAD_NAME = 500
MAX_GROUP_NAME = 255


class Column(enum.StrEnum):
    FULL_NAME = "full_name"
    SHORT_NAME = "short_name"
    KIND = "kind"
    GROUPS = "groups"
    TIMEZONE = "timezone"
    PARENT = "parent"
    HEAD = "head"


# Column titles (message ids, written translated and recognised in every language).
COLUMN_TITLES: dict[Column, str] = {
    Column.FULL_NAME: N_("Full name"),
    Column.SHORT_NAME: N_("Short name"),
    Column.KIND: N_("Kind"),
    Column.GROUPS: N_("Groups"),
    Column.TIMEZONE: N_("Time zone"),
    Column.PARENT: N_("Parent body"),
    Column.HEAD: N_("Head"),
}

KIND_TITLES: dict[BodyKind, str] = {
    BodyKind.EXECUTIVE: N_("executive body"),
    BodyKind.MUNICIPALITY: N_("municipality"),
    BodyKind.OTHER: N_("other body"),
}

# Abbreviations a clerk writes for a kind, in any language.
KIND_ABBREVIATIONS: dict[str, BodyKind] = {
    "иогв": BodyKind.EXECUTIVE,
    "огв": BodyKind.EXECUTIVE,
    "мо": BodyKind.MUNICIPALITY,
    "омсу": BodyKind.MUNICIPALITY,
}


class Problem(enum.StrEnum):
    """Why a row was not read (shown translated: `changes.PROBLEM_TEXTS`)."""

    NO_NAME = "no_name"
    BAD_KIND = "bad_kind"
    BAD_ZONE = "bad_zone"
    TOO_LONG = "too_long"
    REPEATED = "repeated"
    UNKNOWN_PARENT = "unknown_parent"


class DirectoryFileError(Exception):
    """The file is not a directory: no header row names the full-name column."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One body as the file gives it."""

    where: str
    full_name: str
    short_name: str | None
    kind: BodyKind
    groups: tuple[str, ...]
    timezone: str | None
    parent: str | None
    head_name: str | None


@dataclass(frozen=True, slots=True)
class Unreadable:
    where: str
    problem: Problem
    text: str


@dataclass(slots=True)
class Listing:
    entries: list[Entry] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


class Vocabulary:
    """Column titles, kinds and cities in every language the translators give."""

    def __init__(self, translators: Iterable[Translate]) -> None:
        translate = [lambda message: message, *translators]
        self.columns = {
            fold(t(title)): column for column, title in COLUMN_TITLES.items() for t in translate
        }
        self.kinds = {
            fold(t(title)): kind for kind, title in KIND_TITLES.items() for t in translate
        }
        self.kinds.update({kind.value: kind for kind in BodyKind})
        self.kinds.update(KIND_ABBREVIATIONS)
        self.zones = {
            fold(t(city)): zone.value for zone, city in CITY_NAMES.items() for t in translate
        }
        self.zones.update({fold(zone.value): zone.value for zone in RussianZone})

    def column(self, title: str) -> Column | None:
        return self.columns.get(fold(title))

    def kind(self, text: str) -> BodyKind | None:
        return self.kinds.get(fold(text)) if text.strip() else BodyKind.OTHER

    def zone(self, text: str) -> str | None:
        """The IANA name of a city or zone name; None when unknown."""
        known = self.zones.get(fold(text))
        if known is not None:
            return known
        name = text.strip()
        if "/" not in name:
            return None
        try:
            time_zone(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None
        return name


def read_listing(content: bytes, file_name: str | None, vocabulary: Vocabulary) -> Listing:
    """The bodies of a directory file. Raises `ImportFailure` for a file that cannot be read
    and `DirectoryFileError` when no row is a header naming the full-name column."""
    rows = read_table_rows(content, file_name)
    for index, row in enumerate(rows):
        columns = {i: vocabulary.column(cell) for i, cell in enumerate(row.cells)}
        if Column.FULL_NAME in columns.values():
            places = {column: i for i, column in columns.items() if column is not None}
            return _entries(rows[index + 1 :], places, vocabulary)
    raise DirectoryFileError


def _entries(rows: list[Row], places: dict[Column, int], vocabulary: Vocabulary) -> Listing:
    listing = Listing()
    seen: set[str] = set()
    for row in rows:

        def cell(column: Column, row: Row = row) -> str:
            index = places.get(column)
            if index is None or index >= len(row.cells):
                return ""
            return " ".join(row.cells[index].split())

        if not any(text.strip() for text in row.cells):
            continue
        full_name = cell(Column.FULL_NAME)
        problem = _problem(full_name, cell, vocabulary)
        if problem is None and fold(full_name) in seen:
            problem = Problem.REPEATED
        if problem is not None:
            listing.unreadable.append(
                Unreadable(row.where, problem, full_name or " ".join(row.cells).strip())
            )
            continue
        seen.add(fold(full_name))
        groups = tuple(
            dict.fromkeys(
                " ".join(part.split())
                for part in cell(Column.GROUPS).split(GROUP_SEPARATOR)
                if part.strip()
            )
        )
        listing.entries.append(
            Entry(
                where=row.where,
                full_name=full_name,
                short_name=cell(Column.SHORT_NAME) or None,
                kind=vocabulary.kind(cell(Column.KIND)) or BodyKind.OTHER,
                groups=groups,
                timezone=vocabulary.zone(cell(Column.TIMEZONE)) if cell(Column.TIMEZONE) else None,
                parent=cell(Column.PARENT) or None,
                head_name=cell(Column.HEAD) or None,
            )
        )
    return listing


def _problem(
    full_name: str, cell: Callable[[Column], str], vocabulary: Vocabulary
) -> Problem | None:
    if not full_name:
        return Problem.NO_NAME
    if (
        len(full_name) > MAX_NAME
        or len(cell(Column.SHORT_NAME)) > MAX_SHORT_NAME
        or len(cell(Column.HEAD)) > MAX_HEAD_NAME
        or any(len(group) > MAX_GROUP_NAME for group in cell(Column.GROUPS).split(GROUP_SEPARATOR))
    ):
        return Problem.TOO_LONG
    if vocabulary.kind(cell(Column.KIND)) is None:
        return Problem.BAD_KIND
    if cell(Column.TIMEZONE) and vocabulary.zone(cell(Column.TIMEZONE)) is None:
        return Problem.BAD_ZONE
    return None
