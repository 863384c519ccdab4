"""The spreadsheet of a plan, laid out: two sheets written row by row (openpyxl's write-only
mode, so 100,000 measures take little memory), a frozen header row, an autofilter over the
whole table, real dates shown as dd.mm.yyyy, readable column widths, wrapped long texts and the
overdue measures filled in red.

Plain values in, bytes out; no database and no Telegram here. `bot.export` reads the rows and
calls these methods in a worker thread, one batch at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "DD.MM.YYYY"
OVERDUE_FILL = PatternFill(fill_type="solid", start_color="FFF4CCCC", end_color="FFF4CCCC")
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E2F3", end_color="FFD9E2F3")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# Excel refuses a cell longer than this.
CELL_LIMIT = 32_767


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header (already translated), width in characters, whether it wraps."""

    header: str
    width: float
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of values (dates as `date`), and whether it is highlighted as overdue."""

    values: Sequence[Any]
    overdue: bool = False


class _Sheet:
    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column]) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.columns = tuple(columns)
        self.rows = 0
        # Widths and the frozen pane go before the first row in write-only mode.
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        self.sheet.append([self._header(column.header) for column in self.columns])

    def _header(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        return cell

    def append(self, rows: Iterable[SheetRow]) -> None:
        for row in rows:
            self.sheet.append(
                [
                    self._cell(value, column, row.overdue)
                    for value, column in zip(row.values, self.columns, strict=True)
                ]
            )
            self.rows += 1

    def _cell(self, value: Any, column: Column, overdue: bool) -> Any:
        if isinstance(value, str) and len(value) > CELL_LIMIT:
            value = value[: CELL_LIMIT - 1] + "…"
        plain = not (overdue or column.wrap or isinstance(value, date))
        if plain:
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        cell.alignment = WRAP if column.wrap else TOP
        if overdue:
            cell.fill = OVERDUE_FILL
        return cell

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


class PlanWorkbook:
    """An .xlsx being written: measures first, then bodies, then `finish` gives its bytes."""

    def __init__(
        self,
        *,
        measures_title: str,
        measure_columns: Sequence[Column],
        bodies_title: str,
        body_columns: Sequence[Column],
    ) -> None:
        self._workbook = Workbook(write_only=True)
        self._measures = _Sheet(self._workbook, measures_title, measure_columns)
        self._bodies = _Sheet(self._workbook, bodies_title, body_columns)

    def add_measures(self, rows: Iterable[SheetRow]) -> None:
        self._measures.append(rows)

    def add_bodies(self, rows: Iterable[SheetRow]) -> None:
        self._bodies.append(rows)

    @property
    def measure_rows(self) -> int:
        return self._measures.rows

    def finish(self) -> bytes:
        self._measures.close()
        self._bodies.close()
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()
