"""Plans understood from blocks, whatever the file format (domain.md §1).

Reading order and plans:
- text before a plan table is prose (approval block, order text) and is not reported; a plan
  title in it (see `structure`) names the next plan, an appendix marker (`Приложение 1`) says a
  new plan may follow, a legend (see `abbreviations`) defines short names, a footnote's own
  text declares a footnote number (see `cleaning`);
- a plan header (see `columns`) starts a plan table; it starts a NEW plan when there is no plan
  yet, or when a title or an appendix marker came since the last table; otherwise it is the
  header repeated after a page break, and the plan goes on. When a new table (or sheet) goes on
  without a title and its first measure repeats a number the plan already has, the numbering
  restarted: a new, untitled plan starts there;
- a table or sheet without a header continues the plan table before it when it has as many
  columns (no more, where trailing empty cells may be missing); rows of any other table are
  prose.

Rows of a plan table:
- the header repeated, the second row of a two-row header, the column-number row
  (`1 2 3 4 5`) and empty rows are skipped;
- a row holding only a year (`2025 год`) is a year heading: it restarts the section hierarchy;
- a numbered row with a title and no deadline, executor, result or status is a section; a row
  whose only text is a heading (`I. Организационные мероприятия`, or an unnumbered line that
  does not start in lower case) is a section too. Sections nest by the depth of their number
  (`2.` > `2.1.`), Roman-numbered sections above Arabic ones; `ParsedMeasure.section` is the
  display title of the innermost one;
- any other numbered row is a measure; a range or list of numbers gives one measure per number,
  the k-th number the k-th date of the deadline cell (its k-th line when there is one line per
  number, else its k-th date), or the single date when there is one; any other count is
  reported (see `assembly`). While a range row has fewer dates than numbers, dates alone on the
  lines after it, in whatever column, are its dates (see `table_rows`);
- a row with no number continues the measure before it (a row split by a page break): each of
  its cells is appended to that measure's cell;
- a short row of a text extract that the next row completes is joined with it first (see
  `text_source`);
- every other row is reported (`row_not_understood`) with its location and text.

Rows and sections are collected as drafts (see `drafts`); when the whole file is read,
`assembly` works out display texts, abbreviations, executors and deadlines. The rows of a plan
table are read by `table_rows` (`TableRows`, a part of `Understanding`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.plan_import.abbreviations import LEGEND, Abbreviations, legend_entries, legend_heading
from bot.plan_import.assembly import Assembly
from bot.plan_import.blocks import Block, Notice, Paragraph, Row
from bot.plan_import.cleaning import Footnotes, clean_line, one_line, strip_markup
from bot.plan_import.columns import ColumnMap, Role, is_column_numbers, map_header
from bot.plan_import.drafts import DraftMeasure, DraftPlan, WarningLog
from bot.plan_import.model import ImportWarning, ParsedPlan
from bot.plan_import.numbering import read_number, split_heading
from bot.plan_import.structure import (
    TITLE_LINES,
    continues_title,
    is_appendix_marker,
    is_title_start,
    year_heading,
)
from bot.plan_import.table_rows import TableRows

MAX_CELL_CHARS = 100_000
SUBHEADER_CELL = 60


class Understanding(TableRows):
    """Feed it blocks in document order, then `finish` (see the module's rules)."""

    def __init__(self) -> None:
        self.seq = 0
        self.plans: list[DraftPlan] = []
        self.plan: DraftPlan | None = None
        self.table: ColumnMap | None = None  # the columns of the plan table being read
        self.last_table: ColumnMap | None = None  # kept when a table ends, to resume it
        self.deferred: list[tuple[str, str]] = []  # title or appendix rows inside a table
        self.under_header = False  # no row read since the last header
        self.table_id: int | None = None
        self.restart_check = False
        self.next_title: tuple[list[str], str] | None = None
        self.title_open = False
        self.appendix: str | None = None
        self.legend_mode = False
        self.pending: Row | None = None
        self.last_group: list[DraftMeasure] = []
        self.open_range: list[DraftMeasure] = []
        self.footnotes = Footnotes()
        self.abbreviations = Abbreviations()
        self.prose: list[str] = []  # texts outside tables that define abbreviations
        self.log = WarningLog()

    # Reading ------------------------------------------------------------------------------

    def feed(self, block: Block) -> None:
        self.seq += 1
        if isinstance(block, Notice):
            self._warn(block.where, block.code, **block.params)
        elif isinstance(block, Paragraph):
            if block.text.strip():  # blank lines separate the rows of text extracts
                self._flush_pending()
                if self._take_range_dates([block.text]):
                    return
                self.open_range = []
            self._on_paragraph(self._limited(block.text, block.where), block.where)
        else:
            self._on_row(block)

    def _limited(self, text: str, where: str) -> str:
        if len(text) <= MAX_CELL_CHARS:
            return text
        self._warn(where, "cell_truncated", length=len(text), limit=MAX_CELL_CHARS)
        return text[:MAX_CELL_CHARS]

    def _on_paragraph(self, text: str, where: str) -> None:
        self.footnotes.learn_from_cell(text)
        flat = one_line(strip_markup(text))
        if not flat:
            self.title_open = False
            return
        if self._legend(flat):
            return
        if self.footnotes.learn_from_paragraph(flat):
            self.title_open = False
            return
        if "далее" in flat.lower():
            self.prose.append(flat)
        if self._continues_title(flat):
            assert self.next_title is not None
            self.next_title[0].append(flat)
            return
        self.title_open = False
        if is_appendix_marker(flat):
            self.appendix, self.table = flat, None
        elif is_title_start(flat):
            self.next_title, self.title_open, self.table = ([flat], where), True, None
        elif self.table is not None and self.plan is not None:
            self._heading_between_tables(flat, where)

    def _continues_title(self, flat: str) -> bool:
        """Whether a line is more of the title being read (right after it, a few lines)."""
        if not self.title_open or self.next_title is None:
            return False
        return len(self.next_title[0]) < TITLE_LINES and continues_title(flat)

    def _legend(self, flat: str) -> bool:
        """Legend headings and entries; whether `flat` was one."""
        rest = legend_heading(flat)
        if rest is not None:
            self.legend_mode, self.title_open = True, False
            self._add_legend(legend_entries(rest, strict=False))
            return True
        if self.legend_mode:
            entries = legend_entries(flat, strict=False)
            if entries:
                self._add_legend(entries)
                return True
            self.legend_mode = False
        entries = legend_entries(flat, strict=True)
        self._add_legend(entries)
        return bool(entries)

    def _add_legend(self, entries: list[tuple[str, str]]) -> None:
        for short, full in entries:
            self.abbreviations.add(short, clean_line(full), LEGEND)

    def _heading_between_tables(self, flat: str, where: str) -> None:
        """A year or Roman-numbered heading written as a paragraph inside a plan."""
        year = year_heading(flat)
        if year is not None:
            self._add_year(flat, year, where)
            return
        number, title = split_heading(flat)
        if number and number.rstrip(".").isalpha() and title:
            self._add_section(number, title, where)

    def _on_row(self, row: Row) -> None:
        cells = tuple(self._limited(cell, row.where) for cell in row.cells)
        if cells != row.cells:
            row = replace(row, cells=cells)
        if not any(cell.strip() for cell in cells):
            self._flush_pending()
            self.title_open = False
            return
        for cell in cells:
            self.footnotes.learn_from_cell(cell)
        if self.pending is not None:
            if self._completes(self.pending, row):
                row = Row(self.pending.cells + row.cells, self.pending.where, row.table, loose=True)
                self.pending = None
            else:
                self._flush_pending()
        if row.loose and self.table is not None and len(row.cells) < self.table.width:
            self.pending = row
            return
        self._interpret(row)

    def _completes(self, short: Row, row: Row) -> bool:
        """Whether `row` is the rest of the `short` row before it (text extracts only)."""
        if self.table is None or len(short.cells) + len(row.cells) > self.table.width:
            return False
        first = row.cells[0].strip()
        if not first:
            return True
        starts_row = first[0].isupper() or year_heading(first) is not None
        return not starts_row and read_number(first) is None

    def _flush_pending(self) -> None:
        if self.pending is not None:
            row, self.pending = self.pending, None
            self._interpret(row)

    def _interpret(self, row: Row) -> None:
        header = map_header(row.cells, row.spans)
        if header is not None:
            self._on_header(header, row)
            return
        if self.table is not None and row.table != self.table_id:
            if self._fits(row, self.table):
                self.table_id, self.restart_check = row.table, True
            else:
                self.table = None
        if self.table is None and self._resumes(row):
            self._resume(row)
        if self.table is None or self.plan is None:
            self._outside_row(row)
            return
        self.title_open = False
        under_header, self.under_header = self.under_header, False
        if is_column_numbers(row.cells) or (under_header and _is_subheader(row)):
            self.under_header = under_header
            return
        self._on_data_row(row)

    @staticmethod
    def _fits(row: Row, table: ColumnMap) -> bool:
        """Whether a row of another table (or sheet) has the columns of a plan table."""
        if row.exact_width:
            return len(row.cells) == table.width
        return len(row.cells) <= table.width

    def _resumes(self, row: Row) -> bool:
        """A measure row after the plan table ended (a new table without a header)."""
        table = self.last_table
        if table is None or self.plan is None or not self._fits(row, table):
            return False
        numbers = [row.cells[i] for i in table.roles.get(Role.NUMBER, ()) if i < len(row.cells)]
        titles = [row.cells[i] for i in table.roles[Role.TITLE] if i < len(row.cells)]
        return (
            bool(numbers)
            and read_number(numbers[0]) is not None
            and any(title.strip() for title in titles)
        )

    def _resume(self, row: Row) -> None:
        """Read on with the last plan header; a title or appendix since starts a new plan."""
        if self.next_title is not None or self.appendix is not None:
            self._start_plan(row.where)
        else:
            self.restart_check = True
        self.table, self.table_id = self.last_table, row.table

    def _outside_row(self, row: Row) -> None:
        """A row of no plan table: prose, or a legend laid out as a table."""
        texts = [cell for cell in row.cells if cell.strip()]
        if len(texts) == 1:
            self._on_paragraph(texts[0], row.where)
        else:
            self._legend_row(texts)

    def _legend_row(self, texts: list[str]) -> bool:
        """`КИС | Комитет …` (or `КИС | – | Комитет …`): a legend entry; whether it was one.
        Without a legend heading before it, the full form must spell the short one."""
        if len(texts) not in (2, 3):
            return False
        short, full = one_line(texts[0]), one_line(texts[-1])
        entries = legend_entries(f"{short} – {full}", strict=not self.legend_mode)
        self._add_legend(entries)
        return bool(entries)

    def _on_header(self, header: ColumnMap, row: Row) -> None:
        if self.plan is None or self.next_title is not None or self.appendix is not None:
            self._start_plan(row.where)
        elif row.table != self.table_id:
            self.restart_check = True
        self.table, self.last_table, self.table_id = header, header, row.table
        self.legend_mode = self.title_open = False
        self.deferred, self.open_range = [], []
        self.under_header = True

    def _start_plan(self, where: str) -> None:
        lines, title_where = self.next_title or ([], "")
        plan = DraftPlan(lines, title_where or where, self.seq, appendix=self.appendix)
        self.plans.append(plan)
        self.plan = plan
        self.next_title, self.appendix, self.restart_check = None, None, False
        self.last_group, self.open_range = [], []

    def _warn(self, where: str, code: str, **params: Any) -> None:
        self.log.add(self.seq, where, code, **params)

    # Finishing ------------------------------------------------------------------------------

    def finish(
        self, file_name: str | None, title: str | None = None
    ) -> tuple[list[ParsedPlan], list[ImportWarning]]:
        """The plans understood and every warning, in document order; `title` names the first
        plan instead of the document's title."""
        self._flush_pending()
        assembly = Assembly(self.footnotes, self.abbreviations, self.prose, self.log)
        plans = assembly.plans(self.plans, file_name, title)
        return plans, self.log.in_order()


def _is_subheader(row: Row) -> bool:
    """The second row of a two-row header (`начало` | `окончание` under a merged `Срок`):
    short texts, no digits, some of them repeated from the merged header cells above."""
    texts = [cell for cell in row.cells if cell.strip()]
    return bool(row.from_above) and all(
        len(text) <= SUBHEADER_CELL and not any(c.isdigit() for c in text) for text in texts
    )
