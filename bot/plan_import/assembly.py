"""Draft plans turned into `ParsedPlan`s once the whole document has been read.

Only then are footnotes and abbreviations all known (a legend often follows the table), so only
then are display texts cleaned (see `cleaning`), abbreviations defined and expanded (executor
cells first, as they define short names for one another, then every other text; see
`abbreviations`, `executors`) and deadlines read (see `deadlines`).

Warnings about measures:
- a deadline not understood, a quarter typo, a range row with fewer dates than numbers
  (`range_deadlines_mismatch`) or more (`range_deadlines_extra`),
  a measure without text, an abbreviation defined nowhere (once per plan): one warning each;
- a missing deadline or executor, a recurring deadline, a deadline given as a year only: one
  warning per measure when a plan has at most `BULK_LIMIT` of them, else a single `<code>_many`
  warning for the plan listing their numbers (a template plan with 300 empty deadline cells
  says so once);
- a plan with no title found is named after its appendix line or the file, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from bot.plan_import.abbreviations import Abbreviations, undefined_head
from bot.plan_import.cleaning import Footnotes, clean_line, clean_text, normalise_space, one_line
from bot.plan_import.columns import Role
from bot.plan_import.deadlines import (
    DeadlineReading,
    deadline_parts,
    read_deadline,
    read_deadline_lines,
)
from bot.plan_import.drafts import DraftMeasure, DraftPlan, DraftSection, WarningLog
from bot.plan_import.executors import learn_definitions, read_executors
from bot.plan_import.model import ParsedMeasure, ParsedPlan, ParsedSection, normalise_number

BULK_LIMIT = 3
BULK_CODES = ("no_deadline", "no_executor", "periodic_deadline", "deadline_year_only")
SUMMARY_NUMBERS = 30


@dataclass(slots=True)
class _Bulk:
    """Per-measure gaps of one plan, reported one by one or summarised (see the module)."""

    items: dict[str, list[tuple[int, str, dict[str, Any]]]] = field(default_factory=dict)

    def add(self, code: str, seq: int, where: str, **params: Any) -> None:
        self.items.setdefault(code, []).append((seq, where, params))


class Assembly:
    """Builds the plans of one document from its drafts (see the module's rules)."""

    def __init__(
        self,
        footnotes: Footnotes,
        abbreviations: Abbreviations,
        prose: list[str],
        log: WarningLog,
    ) -> None:
        self.footnotes = footnotes
        self.abbreviations = abbreviations
        self.prose = prose
        self.log = log
        self.cleaned_executors: dict[int, str] = {}

    def plans(
        self, drafts: list[DraftPlan], file_name: str | None, title: str | None
    ) -> list[ParsedPlan]:
        """The plans that have measures; `title` names the first one."""
        self._learn_definitions(drafts)
        plans: list[ParsedPlan] = []
        for draft in drafts:
            if not draft.measures:
                self.log.add(draft.seq, draft.location, "plan_without_measures")
                continue
            given = title if not plans else None
            plans.append(self._plan(draft, file_name, len(plans), given))
        where = plans[0].location if plans else ""
        for conflict in self.abbreviations.conflicts:
            self.log.add(
                0,
                where,
                "abbreviation_conflict",
                abbreviation=conflict.short,
                kept=conflict.kept,
                ignored=conflict.ignored,
            )
        return plans

    def _learn_definitions(self, drafts: list[DraftPlan]) -> None:
        """Executor cells first (they may define what other cells use), then every text."""
        firsts = [m for draft in drafts for m in draft.measures if m.range_index == 0]
        for measure in firsts:
            learn_definitions(self._executor_text(measure), self.abbreviations)
        texts = list(self.prose)
        for draft in drafts:
            texts.extend(section.title for section in draft.sections)
        for measure in firsts:
            texts.extend((measure.cells.get("title", ""), measure.cells.get("result", "")))
        for text in texts:
            if text and "далее" in text.lower():
                self.abbreviations.learn_inline(clean_text(text, self.footnotes))

    def _plan(
        self, draft: DraftPlan, file_name: str | None, index: int, given_title: str | None
    ) -> ParsedPlan:
        titles = {section.key: self._section_title(section) for section in draft.sections}
        sections = [
            ParsedSection(
                key=section.key,
                title=titles[section.key],
                kind=section.kind,
                number=section.number,
                year=section.year,
                parent_key=section.parent_key,
                location=section.location,
            )
            for section in draft.sections
        ]
        bulk = _Bulk()
        unknown: set[str] = set()
        measures = [self._measure(measure, titles, bulk, unknown) for measure in draft.measures]
        self._report_bulk(draft, bulk)
        title = given_title or clean_line(" ".join(draft.title_lines), self.footnotes)
        if not title:
            title = draft.appendix or _file_title(file_name, index)
            self.log.add(draft.seq, draft.location, "plan_title_missing", title=title)
        return ParsedPlan(
            title=title, sections=sections, measures=measures, location=draft.location
        )

    def _section_title(self, section: DraftSection) -> str:
        title = clean_line(section.title, self.footnotes)
        if section.number and section.kind == "section":
            return f"{section.number} {title}".strip()
        return title

    def _measure(
        self, measure: DraftMeasure, titles: dict[str, str], bulk: _Bulk, unknown: set[str]
    ) -> ParsedMeasure:
        cells = measure.cells
        number = normalise_number(measure.number)
        deadline_text, reading = self._deadline(measure)
        status = read_deadline(cells.get(Role.STATUS.value, ""))
        done = reading.done or status.done
        done_on = reading.done_on or status.done_on
        executors = read_executors(self._executor_text(measure), self.abbreviations, learn=False)
        title = clean_text(cells.get("title", ""), self.footnotes)
        result = clean_text(cells.get("result", ""), self.footnotes) or None
        where, seq = measure.location, measure.seq
        self._report_deadline(reading, deadline_text, number, where, seq, done, bulk)
        if not executors:
            bulk.add("no_executor", seq, where, number=number)
        if not title:
            self.log.add(seq, where, "measure_without_title", number=number)
        for executor in executors:
            head = undefined_head(executor.name, self.abbreviations)
            if head and head not in unknown:
                unknown.add(head)
                self.log.add(seq, where, "unknown_abbreviation", abbreviation=head, number=number)
        return ParsedMeasure(
            number=measure.number,
            title=title,
            section_key=measure.section_key,
            section=titles.get(measure.section_key) if measure.section_key else None,
            deadline=reading.deadline,
            deadline_text=deadline_text,
            done=done,
            done_on=done_on if done else None,
            executors=executors,
            result=result,
            source_cells=dict(cells),
            location=where,
        )

    def _executor_text(self, measure: DraftMeasure) -> str:
        """The cleaned executor cell, cleaned once for all the measures of a range row."""
        cells = measure.cells
        cleaned = self.cleaned_executors.get(id(cells))
        if cleaned is None:
            cleaned = clean_text(cells.get("executors", ""), self.footnotes)
            self.cleaned_executors[id(cells)] = cleaned
        return cleaned

    def _deadline(self, measure: DraftMeasure) -> tuple[str, DeadlineReading]:
        """The deadline text and reading of a measure; for a range row, the k-th date of the
        cell for its k-th number: one line each when there is one line per number, else one
        date each (`deadline_parts`); a single date for all; any other count is reported and
        the dates are given in order, the numbers past the last date getting the last one."""
        text = normalise_space(measure.cells.get("deadline", ""))
        if measure.range_size == 1:
            return text, read_deadline(text)
        lines = read_deadline_lines(text)
        if len(lines) == measure.range_size:
            return lines[measure.range_index]
        parts = deadline_parts(text)
        if len(parts) <= 1:
            return text, read_deadline(text)
        if len(parts) != measure.range_size and measure.range_index == 0:
            self.log.add(
                measure.seq,
                measure.location,
                "range_deadlines_mismatch"
                if len(parts) < measure.range_size
                else "range_deadlines_extra",
                row=one_line(measure.cells.get("number", "")),
                numbers=measure.range_size,
                dates=len(parts),
            )
        part = parts[min(measure.range_index, len(parts) - 1)]
        return part, read_deadline(part)

    def _report_deadline(
        self,
        reading: DeadlineReading,
        text: str,
        number: str,
        where: str,
        seq: int,
        done: bool,
        bulk: _Bulk,
    ) -> None:
        deadline = reading.deadline.strftime("%d.%m.%Y") if reading.deadline else ""
        if reading.issue in ("periodic_deadline", "deadline_year_only"):
            bulk.add(reading.issue, seq, where, number=number, text=text, deadline=deadline)
        elif reading.issue is not None:
            self.log.add(seq, where, reading.issue, number=number, text=text, deadline=deadline)
        elif reading.deadline is None and not done:
            bulk.add("no_deadline", seq, where, number=number)

    def _report_bulk(self, draft: DraftPlan, bulk: _Bulk) -> None:
        for code in BULK_CODES:
            items = bulk.items.get(code, [])
            if len(items) <= BULK_LIMIT:
                for seq, where, params in items:
                    self.log.add(seq, where, code, **params)
                continue
            numbers = [params["number"] for _, _, params in items]
            listed = ", ".join(numbers[:SUMMARY_NUMBERS])
            if len(numbers) > SUMMARY_NUMBERS:
                listed += ", …"
            self.log.add(
                draft.seq, draft.location, f"{code}_many", count=len(items), numbers=listed
            )


def _file_title(file_name: str | None, index: int) -> str:
    stem = PurePath(file_name).stem if file_name else ""
    return f"{stem} ({index + 1})" if stem and index else stem
