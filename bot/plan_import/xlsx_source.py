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
import posixpath
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

from bot.plan_import.blocks import Block, Notice, Paragraph, Row
from bot.plan_import.bounds import SheetScan, check_part_elements, check_shared_strings
from bot.plan_import.model import ImportFailure
from bot.plan_import.sniffing import DAMAGED_ZIP_ERRORS

logger = logging.getLogger(__name__)

MAX_COLUMNS = 64
MAX_MERGES = 20_000
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WHOLE_PARTS = {"workbook.xml", "styles.xml", "[content_types].xml", "core.xml", "app.xml"}


@dataclass(frozen=True, slots=True)
class _Merge:
    first_row: int
    first_column: int
    last_row: int
    last_column: int


class XlsxReader:
    def __init__(self, content: bytes) -> None:
        self.content = content
        self.scan = SheetScan()
        # Before openpyxl opens anything: it reads a sheet without `<dimension>` to its end,
        # and the shared strings and styles whole.
        sheets = self._check_parts()
        self.merges = self._scan_sheets(
            lambda name: name in sheets or "worksheets/" in name.lower()
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl reports a damaged workbook in many ways
            logger.info("openpyxl could not open the workbook", exc_info=True)
            raise ImportFailure("corrupted", kind="XLSX") from None
        try:
            paths = {_path(sheet) for sheet in self.workbook.worksheets} - {None}
            self.merges.update(self._scan_sheets(lambda name: name in paths - self.merges.keys()))
        except BaseException:
            self.workbook.close()
            raise

    def _check_parts(self) -> set[str]:
        """The parts openpyxl parses whole are within the caps; the sheets' part names."""
        try:
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                for name in archive.namelist():
                    kind = _parsed_whole(name)
                    if kind is not None:
                        with archive.open(name) as stream:
                            kind(stream)
                return _sheet_parts(archive)
        except DAMAGED_ZIP_ERRORS:
            raise ImportFailure("corrupted", kind="XLSX") from None

    def _scan_sheets(self, wanted: Callable[[str], bool]) -> dict[str, list[_Merge]]:
        """Rows and cells counted (refused past the caps) and merged areas read: a pass over
        the sheets' XML that builds nothing."""
        merges = {}
        try:
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                for name in archive.namelist():
                    if name.lower().endswith(".xml") and wanted(name):
                        with archive.open(name) as stream:
                            merges[name] = _merges(self.scan.scan(stream, MAX_MERGES))
        except DAMAGED_ZIP_ERRORS:
            raise ImportFailure("corrupted", kind="XLSX") from None
        return merges

    @property
    def estimate(self) -> int:
        return self.scan.rows

    def blocks(self) -> Iterator[Block]:
        try:
            for index, sheet in enumerate(self.workbook.worksheets, 1):
                merges = self.merges.get(_path(sheet) or "", [])
                yield from _sheet_rows(sheet, index, merges)
        finally:
            self.workbook.close()


def _sheet_parts(archive: zipfile.ZipFile) -> set[str]:
    """The worksheets the workbook's relationships name, wherever they are in the package."""
    try:
        root = etree.fromstring(
            archive.read(WORKBOOK_RELS), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except (*DAMAGED_ZIP_ERRORS, etree.LxmlError):
        return set()
    names = set()
    for relationship in root.iter(f"{{{RELATIONSHIPS_NS}}}Relationship"):
        target = relationship.get("Target", "")
        if relationship.get("Type", "").endswith("/worksheet") and target:
            name = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            names.add(posixpath.normpath(name))
    return names


def _parsed_whole(name: str) -> Callable[[IO[bytes]], None] | None:
    """The check of a part openpyxl parses whole in read-only mode (None: not such a part)."""
    lowered = name.lower()
    base = lowered.rsplit("/", 1)[-1]
    if "sharedstrings" in base:
        return check_shared_strings
    if base in WHOLE_PARTS or base.startswith("theme") or base.endswith(".rels"):
        return check_part_elements
    return None


def _path(sheet: Any) -> str | None:
    path = getattr(sheet, "_worksheet_path", None)
    return path.lstrip("/") if path else None


def _present_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows the sheet's XML holds, by their number, with the values of the first
    `MAX_COLUMNS` columns (one more, `True`, when later columns hold something).

    Unlike openpyxl's `iter_rows`, rows missing between two numbers are not made up: a sheet
    with text in row 1 and row 1,048,576 is two rows, not a million."""
    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values: list[Any] = []
            beyond = False
            for cell in cells:
                column = cell["column"]
                if column > MAX_COLUMNS:
                    beyond = beyond or cell["value"] is not None
                    continue
                values.extend([None] * (column - 1 - len(values)))
                values.append(cell["value"])
            if beyond:  # text past the columns read: only that it is there matters
                values.extend([None] * (MAX_COLUMNS - len(values)))
                values.append(True)
            yield number, tuple(values)


def _sheet_rows(sheet: Any, index: int, merges: list[_Merge]) -> Iterator[Block]:
    starting: dict[int, list[_Merge]] = {}
    for merge in merges:
        starting.setdefault(merge.first_row, []).append(merge)
    active: list[tuple[_Merge, str]] = []
    cut_reported = False
    previous = 0
    for number, values in _present_rows(sheet):
        if number > previous + 1:
            yield Paragraph("", f"sheet '{sheet.title}', row {previous + 1}")
        previous = number
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


def _merges(references: list[str]) -> list[_Merge]:
    merges = []
    for reference in references:
        try:
            first_column, first_row, last_column, last_row = range_boundaries(reference)
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
