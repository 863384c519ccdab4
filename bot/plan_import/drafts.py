"""Plans as the understanding layer collects them, before display texts are worked out.

A draft keeps every cell as written; `assembly` turns drafts into `ParsedPlan`s once the whole
document is read (footnotes and abbreviations may be defined after the table).

Sections nest by the depth of their number: `2.` holds `2.1.`, which holds `2.1.1.`; Roman
numerals (`I.`) sit above Arabic numbers, unnumbered headings at the top level, and a year
heading (`2025 год`) above everything, restarting the hierarchy. A section's key is its
parent's key and its own number (`2025/I`, `3/3.1`), or `sN` for an unnumbered one, made unique
within the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.plan_import.model import ImportWarning, normalise_number
from bot.plan_import.numbering import depth


@dataclass(slots=True)
class DraftSection:
    key: str
    title: str  # as written, without its number
    kind: str  # "section" or "year"
    number: str | None
    year: int | None
    parent_key: str | None
    location: str
    depth: int
    roman: bool = False


@dataclass(slots=True)
class DraftMeasure:
    number: str  # as written for this measure
    cells: dict[str, str]  # source key → text as written; shared by the measures of a range row
    section_key: str | None
    location: str
    seq: int  # the block it came from, to put warnings in document order
    range_index: int = 0
    range_size: int = 1


@dataclass(slots=True)
class DraftPlan:
    title_lines: list[str]
    location: str
    seq: int
    appendix: str | None = None  # the "Приложение N" line before it
    sections: list[DraftSection] = field(default_factory=list)
    measures: list[DraftMeasure] = field(default_factory=list)
    first_seen: dict[str, str] = field(default_factory=dict)  # number key → location
    _stack: list[DraftSection] = field(default_factory=list)

    @property
    def section_key(self) -> str | None:
        """The innermost open section, which new measures belong to."""
        return self._stack[-1].key if self._stack else None

    def add_year(self, text: str, year: int, where: str) -> None:
        section = DraftSection(
            key=self._unique_key(str(year)),
            title=text,
            kind="year",
            number=None,
            year=year,
            parent_key=None,
            location=where,
            depth=0,
        )
        self.sections.append(section)
        self._stack = [section]

    def add_section(self, number: str | None, title: str, where: str) -> None:
        stack = self._stack
        roman = bool(number) and number.rstrip(".").isalpha()
        level = depth(number) if number else 1
        if number and not roman and any(section.roman for section in stack):
            level += 1
        while stack and stack[-1].kind == "section" and stack[-1].depth >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        own = normalise_number(number) if number else f"s{len(self.sections) + 1}"
        section = DraftSection(
            key=self._unique_key(f"{parent.key}/{own}" if parent else own),
            title=title,
            kind="section",
            number=number.strip() if number else None,
            year=parent.year if parent else None,
            parent_key=parent.key if parent else None,
            location=where,
            depth=level,
            roman=roman,
        )
        self.sections.append(section)
        stack.append(section)

    def add_measures(
        self, numbers: tuple[str, ...], cells: dict[str, str], where: str, seq: int
    ) -> list[DraftMeasure]:
        """One measure per number, sharing `cells` (a range row stands for several)."""
        group = [
            DraftMeasure(
                number=number,
                cells=cells,
                section_key=self.section_key,
                location=where,
                seq=seq,
                range_index=index,
                range_size=len(numbers),
            )
            for index, number in enumerate(numbers)
        ]
        self.measures.extend(group)
        return group

    def has_number(self, number: str) -> bool:
        return normalise_number(number) in self.first_seen

    def _unique_key(self, wanted: str) -> str:
        taken = {section.key for section in self.sections}
        key, count = wanted, 1
        while key in taken:
            count += 1
            key = f"{wanted}~{count}"
        return key


@dataclass(slots=True)
class WarningLog:
    """Warnings with the block they arose at, so that they can be given in document order."""

    entries: list[tuple[int, ImportWarning]] = field(default_factory=list)

    def add(self, seq: int, where: str, code: str, **params: Any) -> None:
        self.entries.append((seq, ImportWarning(where, code, params)))

    def in_order(self) -> list[ImportWarning]:
        return [warning for _, warning in sorted(self.entries, key=lambda entry: entry[0])]
