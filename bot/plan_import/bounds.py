"""How much of a file the importer agrees to read: caps that keep a crafted file from
exhausting the bot (memory, time), checked before the expensive parsing starts.

Rules (README, "Loading a plan"):
- a zip (.docx/.xlsx) is judged by the sizes its directory declares, before anything is
  unpacked (Python's zip reader never unpacks more than the declared size, and a lie fails its
  checksum): all entries together at most `MAX_UNPACKED_BYTES`; a Word part that is parsed whole
  (`word/document.xml`, numbering, styles) or a workbook's shared strings at most
  `MAX_XML_BYTES`; a worksheet (streamed) at most `MAX_SHEET_BYTES` → `too_large_unpacked`;
- Word's document is scanned for its elements before it is parsed: at most `MAX_XML_ELEMENTS`
  elements, `MAX_ROWS` table rows and `MAX_CELLS` cells; the other parts parsed whole (Word's
  numbering and styles, a workbook's styles, workbook, theme and relationships) at most
  `MAX_PART_ELEMENTS` elements; a workbook's shared strings at most `MAX_CELLS`;
- a workbook's sheets are scanned (a pass over the XML that builds nothing) before openpyxl
  reads them: at most `MAX_ROWS` rows and `MAX_CELLS` cells in all sheets, `MAX_ROW_CELLS`
  cells in one row; the declared dimensions and gaps between row numbers cost nothing;
- CSV and text: at most `MAX_LINES` lines.
Past a cap the import is refused with `too_many_rows` or `too_many_cells` and the cap.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from bot.plan_import.model import ImportFailure

BYTES_IN_MB = 1024 * 1024
MAX_UNPACKED_BYTES = 250 * BYTES_IN_MB
MAX_XML_BYTES = 32 * BYTES_IN_MB
MAX_SHEET_BYTES = 64 * BYTES_IN_MB
MAX_XML_ELEMENTS = 600_000
MAX_ROWS = 20_000
MAX_CELLS = 300_000
MAX_ROW_CELLS = 16_384  # Excel's own number of columns
MAX_LINES = 300_000
MAX_PART_ELEMENTS = 100_000  # a part parsed whole beside the content: styles, numbering, …

CHUNK = 1 << 20
OVERLAP = 256  # bytes kept between chunks so that no tag is cut in two
_SHEET_TAG = re.compile(rb"<(?:\w+:)?(row|c|mergeCell)[\s/>]")
_MERGE_REF = re.compile(rb"\sref=\"([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)\"")
_WORD_TAG = re.compile(rb"<(?:\w+:)?(tr|tc)[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s/>]")


def too_many_rows() -> ImportFailure:
    return ImportFailure("too_many_rows", limit=MAX_ROWS)


def too_many_cells() -> ImportFailure:
    return ImportFailure("too_many_cells", limit=MAX_CELLS)


def _unpacked_too_large(limit: int) -> ImportFailure:
    return ImportFailure("too_large_unpacked", limit_mb=limit // BYTES_IN_MB)


def check_declared_sizes(infos: Iterable[zipfile.ZipInfo], *, xlsx: bool) -> None:
    """`too_large_unpacked` when the zip says it unpacks to more than the caps allow."""
    infos = list(infos)
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _unpacked_too_large(MAX_UNPACKED_BYTES)
    for info in infos:
        name = info.filename.lower()
        if not name.endswith((".xml", ".rels")):
            continue  # pictures and the like are never unpacked
        limit = MAX_SHEET_BYTES if xlsx and "worksheets/" in name else MAX_XML_BYTES
        if info.file_size > limit:
            raise _unpacked_too_large(limit)


def _windows(stream: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """The stream in overlapping windows, each with the offset before which its matches count
    (what follows it is carried into the next window, so no tag is cut in two or seen twice)."""
    carry = b""
    while True:
        chunk = stream.read(CHUNK)
        data = carry + chunk
        if not chunk:
            if data:
                yield data, len(data)
            return
        limit = max(len(data) - OVERLAP, 0)
        yield data, limit
        carry = data[limit:]


def check_word_document(stream: IO[bytes]) -> None:
    """Word's document XML is within the caps (read once, nothing built)."""
    elements = rows = cells = 0
    for data, limit in _windows(stream):
        elements += _elements(data[:limit])
        for match in _WORD_TAG.finditer(data, 0, limit + OVERLAP):
            if match.start() >= limit:
                break
            if match.group(1) == b"tr":
                rows += 1
            else:
                cells += 1
        if rows > MAX_ROWS:
            raise too_many_rows()
        if cells > MAX_CELLS or elements > MAX_XML_ELEMENTS:
            raise too_many_cells()


def _elements(data: bytes) -> int:
    return data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!")


def check_part_elements(stream: IO[bytes], limit: int = MAX_PART_ELEMENTS) -> None:
    """A part parsed whole (styles, numbering, a workbook) holds at most `limit` elements."""
    elements = 0
    for data, end in _windows(stream):
        elements += _elements(data[:end])
        if elements > limit:
            raise too_many_cells()


def check_shared_strings(stream: IO[bytes]) -> None:
    """A workbook's shared strings (all loaded at once by openpyxl): at most `MAX_CELLS`."""
    strings = 0
    for data, end in _windows(stream):
        strings += sum(1 for match in _SHARED_STRING.finditer(data) if match.start() < end)
        if strings > MAX_CELLS:
            raise too_many_cells()


@dataclass(slots=True)
class SheetScan:
    """What a pass over the workbook's sheets found, counted across sheets."""

    rows: int = 0
    cells: int = 0

    def scan(self, stream: IO[bytes], max_merges: int) -> list[str]:
        """Count one sheet's rows and cells (refused past the caps); its merged areas."""
        merges: list[str] = []
        row_cells = 0
        for data, limit in _windows(stream):
            for match in _SHEET_TAG.finditer(data):
                if match.start() >= limit:
                    break
                tag = match.group(1)
                if tag == b"c":
                    self.cells += 1
                    row_cells += 1
                    if row_cells > MAX_ROW_CELLS or self.cells > MAX_CELLS:
                        raise too_many_cells()
                elif tag == b"row":
                    self.rows += 1
                    row_cells = 0
                    if self.rows > MAX_ROWS:
                        raise too_many_rows()
                elif len(merges) < max_merges:
                    ref = _MERGE_REF.search(data, match.end() - 1, match.end() + OVERLAP - 16)
                    if ref is not None:
                        merges.append(ref.group(1).decode("ascii"))
        return merges


def check_lines(text: str) -> None:
    """CSV or text of at most `MAX_LINES` lines."""
    if text.count("\n") >= MAX_LINES:
        raise ImportFailure("too_many_lines", limit=MAX_LINES)
