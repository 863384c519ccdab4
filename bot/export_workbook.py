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
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "DD.MM.YYYY"
OVERDUE_FILL = PatternFill(fill_type="solid", start_color="FFF4CCCC", end_color="FFF4CCCC")
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E2F3", end_color="FFD9E2F3")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
EXCEL_EPOCH = date(1899, 12, 30)
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


def excel_day(day: date) -> int:
    """A date as Excel stores it (days since 30.12.1899), shown as a date by the cell's format:
    openpyxl's own conversion restyles every cell, which costs more than the whole row."""
    return (day - EXCEL_EPOCH).days


class _Sheet:
    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column]) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.columns = tuple(columns)
        self.rows = 0
        # Each combination of (date, wraps, overdue) styled once; cells get a copy of its ids.
        self._styles: dict[tuple[bool, bool, bool], StyleArray] = {}
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
        is_date = isinstance(value, date)
        # Only a text longer than its column or of several lines needs wrapping.
        wrap = (
            column.wrap and isinstance(value, str) and (len(value) > column.width or "\n" in value)
        )
        if not (overdue or wrap or is_date):
            return value
        cell = WriteOnlyCell(self.sheet, value=excel_day(value) if is_date else value)
        cell._style = StyleArray(self._style(is_date, wrap, overdue))
        return cell

    def _style(self, is_date: bool, wrap: bool, overdue: bool) -> StyleArray:
        key = (is_date, wrap, overdue)
        if key not in self._styles:
            model = WriteOnlyCell(self.sheet)
            if is_date:
                model.number_format = DATE_FORMAT
            model.alignment = WRAP if wrap else TOP
            if overdue:
                model.fill = OVERDUE_FILL
            self._styles[key] = model._style
        return self._styles[key]

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
