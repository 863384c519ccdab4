"""The rows of a plan table: sections, measures, continued rows, headings and legends in a
table, and rows not understood (the rules are in `understanding`'s docstring).

`TableRows` is a part of `Understanding` (its base class): it works on the reader's state and
calls back the reading steps declared below, which `Understanding` defines.
"""

from __future__ import annotations

from typing import Any

from bot.plan_import.abbreviations import Abbreviations
from bot.plan_import.blocks import Row
from bot.plan_import.cleaning import Footnotes, one_line, strip_markup
from bot.plan_import.columns import ColumnMap, Role
from bot.plan_import.deadlines import date_line_dates, deadline_parts
from bot.plan_import.drafts import DraftMeasure, DraftPlan
from bot.plan_import.model import normalise_number
from bot.plan_import.numbering import NumberCell, read_number, split_heading
from bot.plan_import.structure import is_appendix_marker, is_title_start, year_heading

MAX_WARNING_TEXT = 200
BODY_ROLES = (Role.DEADLINE, Role.EXECUTORS, Role.RESULT, Role.STATUS)
SOURCE_KEYS = ("number", "title", "deadline", "executors", "result")


class TableRows:
    """Reading the rows of a plan table (see the module docstring)."""

    seq: int
    plan: DraftPlan | None
    table: ColumnMap | None
    deferred: list[tuple[str, str]]
    restart_check: bool
    next_title: tuple[list[str], str] | None
    title_open: bool
    appendix: str | None
    last_group: list[DraftMeasure]
    open_range: list[DraftMeasure]  # the measures of a range row still short of dates
    footnotes: Footnotes
    abbreviations: Abbreviations

    # Reading steps of `Understanding` ---------------------------------------------------------

    def _legend(self, flat: str) -> bool:
        raise NotImplementedError

    def _legend_row(self, texts: list[str]) -> bool:
        raise NotImplementedError

    def _continues_title(self, flat: str) -> bool:
        raise NotImplementedError

    def _start_plan(self, where: str) -> None:
        raise NotImplementedError

    def _warn(self, where: str, code: str, **params: Any) -> None:
        raise NotImplementedError

    # Rows of a plan table ----------------------------------------------------------------------

    def _fields(self, row: Row, *, fresh: bool) -> dict[str, str]:
        """Texts by source key; `fresh` leaves out texts repeated from a merged cell above."""
        assert self.table is not None
        fields: dict[str, str] = {}
        for role, indices in self.table.roles.items():
            texts = [
                row.cells[index]
                for index in indices
                if index < len(row.cells)
                and row.cells[index].strip()
                and not (fresh and index in row.from_above)
            ]
            fields[role.value] = "\n".join(texts)
        for index, name in self.table.extra.items():
            present = index < len(row.cells) and row.cells[index].strip()
            if present and not (fresh and index in row.from_above):
                fields[name] = row.cells[index]
        return fields

    def _on_data_row(self, row: Row) -> None:
        texts = [cell for cell in row.cells if cell.strip()]
        if self._take_range_dates(texts):
            return
        full = self._fields(row, fresh=False)
        fresh = self._fields(row, fresh=True)
        number_text = fresh.get(Role.NUMBER.value, "")
        if len(texts) == 1 and self._single_text(texts[0], number_text, row):
            return
        if len(texts) > 1 and not read_number(number_text) and self._legend_row(texts):
            return
        if self.deferred:
            self._take_deferred()
        if number_text.strip():
            self._numbered_row(number_text, full, row)
        else:
            self._unnumbered_row(full, fresh, row)

    def _numbered_row(self, number_text: str, fields: dict[str, str], row: Row) -> None:
        """A section (a number and a title, nothing else), a measure, or not understood."""
        body = any(fields.get(role.value, "").strip() for role in BODY_ROLES)
        title = fields.get(Role.TITLE.value, "").strip()
        number = read_number(number_text)
        if number is None:
            heading, _ = split_heading(one_line(number_text))
            if heading and heading.rstrip(".").isalpha() and title and not body:
                self._add_section(heading, title, row.where)  # `I.` | `Организационные …`
            else:
                self._not_understood(row)
        elif title and not body and not number.is_range:
            self._add_section(number_text.strip(), title, row.where)
        elif title or body:
            self._add_measures(number, number_text, fields, row)
        else:
            self._not_understood(row)

    def _unnumbered_row(self, full: dict[str, str], fresh: dict[str, str], row: Row) -> None:
        """The rest of the measure before it, a measure of a table without numbers, or not
        understood."""
        assert self.plan is not None and self.table is not None
        if self.last_group and any(text.strip() for text in fresh.values()):
            self._continue(fresh)
            return
        body = any(full.get(role.value, "").strip() for role in BODY_ROLES)
        if not self.table.has(Role.NUMBER) and full.get(Role.TITLE.value, "").strip() and body:
            automatic = str(len(self.plan.measures) + 1)
            self._add_measures(NumberCell((automatic,)), "", full, row)
        else:
            self._not_understood(row)

    def _single_text(self, text: str, number_text: str, row: Row) -> bool:
        """A row with one text: a year, a legend, a footnote or a heading; whether handled."""
        flat = one_line(strip_markup(text))
        year = year_heading(flat)
        if year is not None:
            self._add_year(flat, year, row.where)
            return True
        if self._legend(flat) or self.footnotes.learn_from_paragraph(flat):
            return True
        if self._deferred_structure(flat, row.where):
            return True
        if self.deferred:
            self._take_deferred()
        if text == number_text:
            if read_number(flat) is not None:
                return False
        elif not self._heading_place(row) or (self.last_group and not flat[0].isupper()):
            return False
        number, title = split_heading(flat)
        self._add_section(number, title, row.where)
        return True

    def _deferred_structure(self, flat: str, where: str) -> bool:
        """A title or appendix row inside a table (spreadsheets): it names the next plan if a
        header follows, else it is a heading of this plan (see `_take_deferred`)."""
        if self.deferred and self._continues_title(flat):
            assert self.next_title is not None
            self.next_title[0].append(flat)
        elif is_appendix_marker(flat):
            self.appendix = flat
        elif is_title_start(flat):
            self.next_title, self.title_open = ([flat], where), True
        else:
            return False
        self.deferred.append((flat, where))
        return True

    def _take_deferred(self) -> None:
        """Title or appendix rows that no header followed: headings after all."""
        deferred, self.deferred = self.deferred, []
        self.next_title, self.appendix, self.title_open = None, None, False
        for text, where in deferred:
            self._add_section(None, text, where)

    def _heading_place(self, row: Row) -> bool:
        """Whether the only text of a row sits where a heading would: the title column, a cell
        merged across the table, or a column of no role."""
        assert self.table is not None
        index = next(index for index, cell in enumerate(row.cells) if cell.strip())
        if index in row.spans:
            return True
        roles = [role for role, indices in self.table.roles.items() if index in indices]
        return not roles or Role.TITLE in roles or Role.NUMBER in roles

    def _not_understood(self, row: Row) -> None:
        self.open_range = []
        text = " | ".join(one_line(cell) for cell in row.cells if cell.strip())
        self._warn(row.where, "row_not_understood", text=_shorten(text))

    def _add_year(self, text: str, year: int, where: str) -> None:
        assert self.plan is not None
        self.open_range = []
        self.plan.add_year(text, year, where)

    def _add_section(self, number: str | None, title: str, where: str) -> None:
        assert self.plan is not None
        self.open_range = []
        self.plan.add_section(number, title, where)

    def _add_measures(
        self, number: NumberCell, number_text: str, fields: dict[str, str], row: Row
    ) -> None:
        assert self.plan is not None
        if self.restart_check:
            self.restart_check = False
            if any(self.plan.has_number(each) for each in number.numbers):
                self._start_plan(row.where)
        plan = self.plan
        assert plan is not None
        cells = {source_key: fields.get(source_key, "") for source_key in SOURCE_KEYS}
        cells["number"] = number_text
        cells.update(
            (name, text)
            for name, text in fields.items()
            if name not in SOURCE_KEYS and text.strip()
        )
        for each in number.numbers:
            key = normalise_number(each)
            if key in plan.first_seen:
                self._warn(row.where, "duplicate_number", number=key, first=plan.first_seen[key])
            else:
                plan.first_seen[key] = row.where
        self.last_group = plan.add_measures(number.numbers, cells, row.where, self.seq)
        self.open_range = self.last_group if len(self.last_group) > 1 else []
        if self._range_short():
            self._gather_range_dates(row, cells)

    def _continue(self, fresh: dict[str, str]) -> None:
        """Cells of a row split by a page break, appended to the measure before it; a date
        alone in another column is the next date of a range row short of dates."""
        cells = self.last_group[0].cells
        for name, text in fresh.items():
            if name == Role.NUMBER.value or not text.strip():
                continue
            if self.open_range is self.last_group and self._take_range_dates([text]):
                continue
            cells[name] = f"{cells[name]}\n{text}" if cells.get(name) else text

    # Dates of a range row ----------------------------------------------------------------------
    #
    # A range row (`3.1.- 3.7.`) gives the k-th date to its k-th number (see `assembly`). A text
    # copy of a PDF or Word table puts the dates of such a row on the lines after it, a date
    # alone on a line, in whatever column: while the row has fewer dates than numbers, such
    # lines are its dates: a paragraph, a row of nothing but dates, a date alone in a column of
    # a row continuing it, and lines of dates at the end of its other cells or past the table's
    # columns (a text copy with one cell per line glues them there).

    def _range_short(self) -> bool:
        """Whether the range row being read has fewer dates than numbers."""
        group = self.open_range
        if len(group) < 2:
            return False
        return len(deadline_parts(group[0].cells.get(Role.DEADLINE.value, ""))) < len(group)

    def _take_range_dates(self, texts: list[str]) -> bool:
        """Texts made only of dates, while a range row is short of them: its dates."""
        if not texts or not self._range_short() or not all(map(_only_dates, texts)):
            return False
        cells = self.open_range[0].cells
        lines = [cells.get(Role.DEADLINE.value, "").strip(), *(text.strip() for text in texts)]
        cells[Role.DEADLINE.value] = "\n".join(line for line in lines if line)
        return True

    def _gather_range_dates(self, row: Row, cells: dict[str, str]) -> None:
        """Lines of dates that a text copy put at the end of a range row's other cells or past
        the table's columns: the row's dates, in column order."""
        assert self.table is not None
        for name in list(cells):
            if name in (Role.NUMBER.value, Role.DEADLINE.value) or not self._range_short():
                continue
            lines = cells[name].rstrip().split("\n")
            keep = len(lines)
            while keep > 0 and date_line_dates(lines[keep - 1]):
                keep -= 1
            if keep < len(lines) and self._take_range_dates(["\n".join(lines[keep:])]):
                cells[name] = "\n".join(lines[:keep])
        mapped = {index for indices in self.table.roles.values() for index in indices}
        mapped.update(self.table.extra)
        stray = [text for index, text in enumerate(row.cells) if index not in mapped]
        self._take_range_dates([text for text in stray if text.strip()])


def _only_dates(text: str) -> bool:
    """Whether every line of a text is a date line (`01.06.2025`, `до 1 июня 2025 г.`)."""
    lines = [line for line in text.split("\n") if line.strip()]
    return bool(lines) and all(date_line_dates(line) for line in lines)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_WARNING_TEXT else text[: MAX_WARNING_TEXT - 1] + "…"
