"""The spreadsheet of a plan, laid out: two sheets written row by row (openpyxl's write-only
mode, so 100,000 measures take little memory), a frozen header row, an autofilter over the
whole table, real dates shown as dd.mm.yyyy, readable column widths, wrapped long texts and the
overdue measures filled in red.

Plain values in, bytes out; no database and no Telegram here. `bot.export` reads the rows and
calls these methods in a worker thread, one batch at a time.

Speed: openpyxl builds an object per cell and styles it through its registries, which for
100,000 rows of 13 columns takes longer than everything else. Here each combination of styles
is registered once (its id reused), and each row goes to openpyxl's stream writer as one
`<row>` element built with lxml: the same XML openpyxl writes, several times faster. Everything
else (sheets, widths, frozen pane, autofilter, styles, the package) is openpyxl's own.
"""

from __future__ import annotations

import io
import re
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml.etree import Element, SubElement
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
EXCEL_EPOCH = date(1899, 12, 30)
# Excel refuses a cell longer than this; XML refuses these control characters.
CELL_LIMIT = 32_767
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header (already translated), width in characters, whether it wraps."""

    header: str
    width: float
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of values (text, numbers, `date`s or None), and whether it is highlighted as
    overdue."""

    values: Sequence[Any]
    overdue: bool = False


def excel_day(day: date) -> int:
    """A date as Excel stores it: days since 30.12.1899, shown as a date by the cell's format."""
    return (day - EXCEL_EPOCH).days


def cell_text(value: str) -> str:
    """Text as a cell may hold it: Word's line breaks as new lines, no other control characters,
    at most Excel's length."""
    value = NOT_IN_XML.sub("", value.replace("\x0b", "\n"))
    return value if len(value) <= CELL_LIMIT else value[: CELL_LIMIT - 1] + "…"


class _RowSheet(WriteOnlyWorksheet):
    """A write-only sheet that takes whole `<row>` elements."""

    def _write_rows(self) -> Generator[None, Any, None]:
        xf = self._writer.xf.send(True)
        with xf.element("sheetData"):
            try:
                while True:
                    xf.write((yield))
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def append_row(self, row: Any) -> None:
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(row)


class _Sheet:
    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column]) -> None:
        self.sheet = _RowSheet(parent=workbook, title=title)
        workbook._add_sheet(self.sheet)
        self.columns = tuple(columns)
        self.letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
        self.rows = 0
        # Each combination of (date, wraps, overdue) registered once: its style id.
        self._styles: dict[tuple[bool, bool, bool], str] = {}
        # Widths and the frozen pane go before the first row in write-only mode.
        for letter, column in zip(self.letters, self.columns, strict=True):
            self.sheet.column_dimensions[letter].width = column.width
        self.sheet.freeze_panes = "A2"
        header = WriteOnlyCell(self.sheet)
        header.font, header.fill, header.alignment = HEADER_FONT, HEADER_FILL, WRAP
        self._write([column.header for column in self.columns], str(header.style_id))

    def append(self, rows: Iterable[SheetRow]) -> None:
        for row in rows:
            self._write(row.values, None, row.overdue)

    def _write(
        self, values: Sequence[Any], header_style: str | None, overdue: bool = False
    ) -> None:
        self.rows += 1
        number = str(self.rows)
        element = Element("row", r=number)
        for letter, column, value in zip(self.letters, self.columns, values, strict=True):
            if value is None and not overdue:
                continue
            is_text = isinstance(value, str)
            if is_text:
                value = cell_text(value)
            wrap = is_text and column.wrap and (len(value) > column.width or "\n" in value)
            is_date = isinstance(value, date)
            style = header_style or self._style(is_date, wrap, overdue)
            cell = SubElement(element, "c", r=letter + number)
            if style != "0":
                cell.set("s", style)
            if is_text:
                cell.set("t", "inlineStr")
                SubElement(SubElement(cell, "is"), "t").text = value
            elif value is not None:
                cell.set("t", "n")
                number_value = excel_day(value) if is_date else value
                SubElement(cell, "v").text = str(number_value)
        self.sheet.append_row(element)

    def _style(self, is_date: bool, wrap: bool, overdue: bool) -> str:
        key = (is_date, wrap, overdue)
        if key not in self._styles:
            if not any(key):
                self._styles[key] = "0"
            else:
                model = WriteOnlyCell(self.sheet)
                if is_date:
                    model.number_format = DATE_FORMAT
                model.alignment = WRAP if wrap else TOP
                if overdue:
                    model.fill = OVERDUE_FILL
                self._styles[key] = str(model.style_id)
        return self._styles[key]

    def close(self) -> None:
        self.sheet.auto_filter.ref = f"A1:{self.letters[-1]}{self.rows}"


class PlanWorkbook:
    """An .xlsx being written: measures, then bodies, then `finish` gives its bytes."""

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
        """Measures written so far (the header aside)."""
        return self._measures.rows - 1

    def finish(self) -> bytes:
        self._measures.close()
        self._bodies.close()
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()
