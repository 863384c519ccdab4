"""Excel workbooks (.xlsx): every worksheet, row by row, in read-only (streaming) mode.

Rules:
- each sheet is one table ("sheet 'План', row 12"); its declared dimensions are ignored (many
  tools write wrong ones) and at most `MAX_COLUMNS` columns are read (a sheet with text beyond
  them says so once: `columns_ignored`);
- values become text: dates as `dd.mm.yyyy`, whole numbers without `.0`, other numbers with at
  most ten significant digits (`1.1`, not `1.1000000000000001`);
- merged cells (read from the sheet's `mergeCells`, which read-only mode does not expose): the
  text sits in the first column of the merged area; rows below the first repeat it there
  (`Row.from_above`), and `Row.spans` tells how many columns the area covers.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from bot.plan_import.blocks import Block, Notice, Paragraph, Row
from bot.plan_import.model import ImportFailure
from bot.plan_import.sniffing import DAMAGED_ZIP_ERRORS

logger = logging.getLogger(__name__)

MAX_COLUMNS = 64
MAX_MERGES = 20_000
MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)\"")


@dataclass(frozen=True, slots=True)
class _Merge:
    first_row: int
    first_column: int
    last_row: int
    last_column: int


class XlsxReader:
    def __init__(self, content: bytes) -> None:
        self.content = content
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl reports a damaged workbook in many ways
            logger.info("openpyxl could not open the workbook", exc_info=True)
            raise ImportFailure("corrupted", kind="XLSX") from None

    @property
    def estimate(self) -> int:
        total = 0
        for sheet in self.workbook.worksheets:
            total += sheet.max_row or 0
        return total

    def blocks(self) -> Iterator[Block]:
        try:
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                for index, sheet in enumerate(self.workbook.worksheets, 1):
                    merges = _merges(archive, getattr(sheet, "_worksheet_path", None))
                    yield from _sheet_rows(sheet, index, merges)
        finally:
            self.workbook.close()


def _sheet_rows(sheet: Any, index: int, merges: list[_Merge]) -> Iterator[Block]:
    sheet.reset_dimensions()
    starting: dict[int, list[_Merge]] = {}
    for merge in merges:
        starting.setdefault(merge.first_row, []).append(merge)
    active: list[tuple[_Merge, str]] = []
    cut_reported = False
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        where = f"sheet '{sheet.title}', row {number}"
        cells = [_text(value) for value in values[:MAX_COLUMNS]]
        if not cut_reported and any(value is not None for value in values[MAX_COLUMNS:]):
            cut_reported = True
            yield Notice(where, "columns_ignored", {"limit": MAX_COLUMNS})
        spans: dict[int, int] = {}
        from_above: set[int] = set()
        active = [(merge, text) for merge, text in active if merge.last_row >= number]
        for merge in starting.get(number, ()):
            column = merge.first_column - 1
            text = cells[column] if column < len(cells) else ""
            active.append((merge, text))
        for merge, text in active:
            column = merge.first_column - 1
            if column >= MAX_COLUMNS:
                continue
            if len(cells) <= column:
                cells.extend([""] * (column + 1 - len(cells)))
            if merge.first_row < number:
                cells[column] = text
                from_above.add(column)
            width = merge.last_column - merge.first_column + 1
            if width > 1:
                spans[column] = width
        if any(cell.strip() for cell in cells):
            yield Row(
                tuple(cells), where, table=index, spans=spans, from_above=frozenset(from_above)
            )
        else:
            yield Paragraph("", where)


def _merges(archive: zipfile.ZipFile, path: str | None) -> list[_Merge]:
    if not path:
        return []
    try:
        xml = archive.read(path.lstrip("/"))
    except DAMAGED_ZIP_ERRORS:
        return []
    merges = []
    for match in MERGE_CELL.finditer(xml):
        if len(merges) >= MAX_MERGES:
            break
        try:
            first_column, first_row, last_column, last_row = range_boundaries(
                match.group(1).decode("ascii")
            )
        except (ValueError, TypeError):
            continue
        if None in (first_column, first_row, last_column, last_row):
            continue
        merges.append(_Merge(first_row, first_column, last_row, last_column))
    return merges


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%d.%m.%Y")
            if value.time() == time()
            else value.strftime("%d.%m.%Y %H:%M")
        )
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".10g")
    return str(value)
