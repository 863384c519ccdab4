"""What the importer understood from a plan document: plain data, no database, no aiogram.

The reader (`bot.plan_import.reading`) turns a file into an `ImportResult`; the store
(`bot.plan_import.store`) writes it to the database; the command line prints `to_json()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

SORT_WIDTH = 5


def normalise_number(number: str) -> str:
    """The number as a key: "3.1.7." → "3.1.7", " 1 " → "1", "6.4.5" → "6.4.5"."""
    return re.sub(r"\s+", "", number).strip(".")


def number_sort_key(number_key: str) -> str:
    """A text key that sorts numbers as people do: 2 < 10, 3.1.9 < 3.1.10."""
    parts = []
    for part in number_key.split("."):
        if part.isdigit():
            parts.append(part.zfill(SORT_WIDTH))
        else:
            parts.append(part)
    return ".".join(parts)


@dataclass(frozen=True, slots=True)
class ParsedExecutor:
    """One responsible body (or person) of a measure, as understood from the executor cell."""

    name: str  # the body's full name, abbreviations expanded ("Комитет по информатизации и связи")
    short_name: str | None = None  # its abbreviation where one is known ("КИС")
    lead: bool = False  # the first body named is the lead executor
    by_agreement: bool = False  # "(по согласованию)": outside the region's direct authority
    person: str | None = None  # a named official with post ("Вице-губернатор … Звоник К.Н.")
    qualifier: str | None = None  # e.g. "участвующие в жизненной ситуации"
    source_text: str = ""  # the fragment of the cell it came from, as written

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "short_name": self.short_name,
            "lead": self.lead,
            "by_agreement": self.by_agreement,
        }


@dataclass(frozen=True, slots=True)
class ParsedSection:
    """A section or year row; `key` is unique within the plan, `parent_key` nests it."""

    key: str
    title: str
    kind: str = "section"  # "section" or "year"
    number: str | None = None
    year: int | None = None
    parent_key: str | None = None
    location: str = ""


@dataclass(slots=True)
class ParsedMeasure:
    number: str  # as written for this measure ("1.1."; one number of an expanded range)
    title: str  # display text: footnote markers and HTML remnants removed
    section_key: str | None = None
    section: str | None = None  # display title of the innermost section ("I. Организационные …")
    deadline: date | None = None
    deadline_text: str = ""  # the deadline cell as written (or its line for a range row)
    done: bool = False  # "Выполнено" in the plan: done before import
    done_on: date | None = None
    executors: list[ParsedExecutor] = field(default_factory=list)
    result: str | None = None  # expected result / document type
    source_cells: dict[str, str] = field(default_factory=dict)  # role → original cell text
    location: str = ""  # "line 42", "table 2, row 7", "sheet 'План', row 12"

    @property
    def number_key(self) -> str:
        return normalise_number(self.number)

    @property
    def sort_key(self) -> str:
        return number_sort_key(self.number_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number_key,
            "title": self.title,
            "section": self.section,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_text": self.deadline_text,
            "done": self.done,
            "executors": [executor.to_json() for executor in self.executors],
            "result": self.result,
        }


@dataclass(slots=True)
class ParsedPlan:
    title: str
    sections: list[ParsedSection] = field(default_factory=list)
    measures: list[ParsedMeasure] = field(default_factory=list)
    location: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "measures": [m.to_json() for m in self.measures]}


@dataclass(frozen=True, slots=True)
class ImportWarning:
    """Something the importer could not fully understand; nothing is dropped silently.

    `code` selects a message template in `bot.plan_import.messages`; `params` fill it.
    """

    where: str  # "line 120", "table 1, row 14"
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self, message: str) -> dict[str, Any]:
        return {"where": self.where, "message": message}


@dataclass(slots=True)
class ImportResult:
    plans: list[ParsedPlan]
    warnings: list[ImportWarning]
    source_format: str  # "docx", "xlsx", "csv", "text-cells", "text-rows"

    @property
    def measure_count(self) -> int:
        return sum(len(plan.measures) for plan in self.plans)


class ImportFailure(Exception):
    """The file cannot be imported at all; `code` selects the message shown to the person."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}" if params else code)
        self.code = code
        self.params = params
