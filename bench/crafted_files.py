"""Crafted plan files that would exhaust a careless reader: each small on disk, generated here.

Used by `tests/test_crafted_imports.py` (each ends with a clear refusal or a reading) and by
`bench/crafted_imports_bench.py` (time and peak memory of each).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.plan_import.bounds import MAX_CELLS, MAX_LINES, MAX_ROWS, MAX_XML_ELEMENTS

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["№ п/п", "Мероприятие", "Срок реализации", "Ответственный исполнитель"]

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
ROOT_RELS_XLSX = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
ROOT_RELS_DOCX = ROOT_RELS_XLSX.replace(b"xl/workbook.xml", b"word/document.xml")
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.'
    b'org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
WORD_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body>"
)


def _header_row() -> bytes:
    cells = b"".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>'.encode()
        for i, text in enumerate(HEADER)
    )
    return b'<row r="1">' + cells + b"</row>"


def _zip(
    parts: dict[str, bytes | Callable[[], Iterator[bytes]]], declared: dict[str, int] | None = None
) -> bytes:
    """A zip of these parts; a part given as a function is streamed in (never whole in memory).
    `declared` makes the directory lie about the unpacked size of parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, part in parts.items():
            if isinstance(part, bytes):
                archive.writestr(name, part)
                continue
            with archive.open(name, "w", force_zip64=True) as stream:
                for chunk in part():
                    stream.write(chunk)
        for info in archive.filelist:
            info.file_size = (declared or {}).get(info.filename, info.file_size)
    return buffer.getvalue()


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHARED_STRINGS_RELATION = (
    b'<Relationship Id="rId2" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/sharedStrings"/>'
)
STYLES_RELATION = (
    b'<Relationship Id="rId1" Target="styles.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/styles"/>'
)


def _workbook(
    sheet: Callable[[], Iterator[bytes]],
    shared_strings: Callable[[], Iterator[bytes]] | None = None,
) -> bytes:
    parts: dict[str, bytes | Callable[[], Iterator[bytes]]] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS_XLSX,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        SHEET: sheet,
    }
    if shared_strings is not None:
        parts["[Content_Types].xml"] = CONTENT_TYPES.replace(
            b"</Types>", SHARED_STRINGS_TYPE + b"</Types>"
        )
        parts["xl/_rels/workbook.xml.rels"] = WORKBOOK_RELS.replace(
            b"</Relationships>", SHARED_STRINGS_RELATION + b"</Relationships>"
        )
        parts["xl/sharedStrings.xml"] = shared_strings
    return _zip(parts)


def _document(body: Callable[[], Iterator[bytes]], declared: dict[str, int] | None = None) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS_DOCX,
            "word/document.xml": body,
        },
        declared,
    )


def _repeated(start: bytes, unit: bytes, count: int, end: bytes) -> Callable[[], Iterator[bytes]]:
    def parts() -> Iterator[bytes]:
        yield start
        block = unit * 10_000
        left = count
        while left >= 10_000:
            yield block
            left -= 10_000
        yield unit * left
        yield end

    return parts


def xlsx_declaring_a_million_rows() -> bytes:
    """The `<dimension ref="A1:XFD1048576">` trap: a header, one cell in the sheet's very last
    row and column, and a merged area over the whole sheet (openpyxl alone makes up every row
    in between)."""
    sheet = (
        SHEET_START
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + _header_row()
        + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        + b'</sheetData><mergeCells count="1"><mergeCell ref="A2:XFD1048575"/></mergeCells>'
        + b"</worksheet>"
    )
    return _workbook(lambda: iter([sheet]))


def xlsx_with_too_many_rows() -> bytes:
    """Twenty times the rows the importer reads, each with one cell."""
    return _workbook(
        _repeated(
            SHEET_START + b"<sheetData>" + _header_row(),
            b"<row><c><v>1</v></c></row>",
            MAX_ROWS * 20,
            b"</sheetData></worksheet>",
        )
    )


def xlsx_with_its_sheet_elsewhere() -> bytes:
    """Too many rows in a sheet outside `xl/worksheets/`, without `<dimension>`: found by the
    workbook's relationships before openpyxl would read it to its end."""
    sheet = "xl/data/odd.xml"
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES.replace(
                b"/" + SHEET.encode(), b"/" + sheet.encode()
            ),
            "_rels/.rels": ROOT_RELS_XLSX,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace(
                b"worksheets/sheet1.xml", b"data/odd.xml"
            ),
            sheet: _repeated(
                SHEET_START + b"<sheetData>" + _header_row(),
                b"<row><c><v>1</v></c></row>",
                MAX_ROWS * 20,
                b"</sheetData></worksheet>",
            ),
        }
    )


def xlsx_just_under_the_caps() -> bytes:
    """As many rows and cells as the importer reads: read through, within the targets."""
    per_row = MAX_CELLS // MAX_ROWS
    return _workbook(
        _repeated(
            SHEET_START + b"<sheetData>" + _header_row(),
            b"<row>" + b"<c><v>1</v></c>" * per_row + b"</row>",
            MAX_ROWS - 2,
            b"</sheetData></worksheet>",
        )
    )


def xlsx_with_a_row_of_millions_of_cells() -> bytes:
    return _workbook(
        _repeated(
            SHEET_START + b"<sheetData>" + _header_row() + b"<row>",
            b"<c/>",
            MAX_CELLS * 3,
            b"</row></sheetData></worksheet>",
        )
    )


def xlsx_with_millions_of_shared_strings() -> bytes:
    """1.9 million strings in 32 MB, all loaded by openpyxl before any sheet is read."""
    return _workbook(
        lambda: iter([SHEET_START + b"<sheetData>" + _header_row() + b"</sheetData></worksheet>"]),
        _repeated(
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b"<si><t>a</t></si>",
            1_900_000,
            b"</sst>",
        ),
    )


def xlsx_unpacking_to_hundreds_of_mb() -> bytes:
    """A zip bomb: a sheet of 400 MB of blanks, about 400 KB on disk."""
    return _workbook(
        _repeated(
            SHEET_START + b"<sheetData>", b" " * 1024, 400 * 1024, b"</sheetData></worksheet>"
        )
    )


def docx_unpacking_to_hundreds_of_mb() -> bytes:
    return _document(_repeated(WORD_START, b" " * 1024, 400 * 1024, b"</w:body></w:document>"))


def docx_lying_about_its_size() -> bytes:
    """A bomb whose directory says 1 KB: reading stops there and the checksum fails."""
    return _document(
        _repeated(WORD_START, b" " * 1024, 400 * 1024, b"</w:body></w:document>"),
        declared={"word/document.xml": 1024},
    )


def docx_with_millions_of_elements() -> bytes:
    """Paragraphs by the million, under the size cap: a parsed tree would take gigabytes."""
    return _document(
        _repeated(WORD_START, b"<w:p/>", MAX_XML_ELEMENTS * 4, b"</w:body></w:document>")
    )


def docx_with_a_styles_bomb() -> bytes:
    """A styles part of 4 million elements under the size cap, parsed whole by the reader."""
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS_DOCX,
            "word/document.xml": WORD_START + b"<w:p/></w:body></w:document>",
            "word/_rels/document.xml.rels": (
                b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                b'openxmlformats.org/package/2006/relationships">'
                + STYLES_RELATION
                + b"</Relationships>"
            ),
            "word/styles.xml": _repeated(
                b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">',
                b"<w:x/>",
                4_000_000,
                b"</w:styles>",
            ),
        }
    )


def docx_with_too_many_rows() -> bytes:
    return _document(
        _repeated(
            WORD_START + b"<w:tbl>",
            b"<w:tr/>",
            MAX_ROWS * 20,
            b"</w:tbl></w:body></w:document>",
        )
    )


def csv_of_millions_of_lines() -> bytes:
    head = ";".join(HEADER).encode("utf-8") + b"\n"
    return head + b"1;2;3;4\n" * (MAX_LINES * 10)


def text_of_millions_of_lines() -> bytes:
    return "\t".join(HEADER).encode("utf-8") + b"\n" + b"1\t2\t3\n" * (MAX_LINES * 10)


@dataclass(frozen=True, slots=True)
class Crafted:
    name: str
    file_name: str
    make: Callable[[], bytes]
    outcome: str  # the ImportFailure code it ends with, or "read"


CRAFTED: tuple[Crafted, ...] = (
    Crafted(
        "xlsx declaring a million rows", "trap.xlsx", xlsx_declaring_a_million_rows, "no_measures"
    ),
    Crafted("xlsx with 600,000 rows", "rows.xlsx", xlsx_with_too_many_rows, "too_many_rows"),
    Crafted("xlsx, sheet elsewhere", "odd.xlsx", xlsx_with_its_sheet_elsewhere, "too_many_rows"),
    Crafted("xlsx just under the caps", "full.xlsx", xlsx_just_under_the_caps, "read"),
    Crafted(
        "xlsx row of 3 M cells", "wide.xlsx", xlsx_with_a_row_of_millions_of_cells, "too_many_cells"
    ),
    Crafted(
        "xlsx with 1.9 M shared strings",
        "strings.xlsx",
        xlsx_with_millions_of_shared_strings,
        "too_many_cells",
    ),
    Crafted(
        "docx styles of 4 M elements", "styles.docx", docx_with_a_styles_bomb, "too_many_cells"
    ),
    Crafted("xlsx zip bomb", "bomb.xlsx", xlsx_unpacking_to_hundreds_of_mb, "too_large_unpacked"),
    Crafted("docx zip bomb", "bomb.docx", docx_unpacking_to_hundreds_of_mb, "too_large_unpacked"),
    Crafted("docx bomb lying about its size", "liar.docx", docx_lying_about_its_size, "corrupted"),
    Crafted(
        "docx of 2.4 M paragraphs",
        "paragraphs.docx",
        docx_with_millions_of_elements,
        "too_many_cells",
    ),
    Crafted("docx with 600,000 rows", "rows.docx", docx_with_too_many_rows, "too_many_rows"),
    Crafted("csv of 3 M lines", "lines.csv", csv_of_millions_of_lines, "too_many_lines"),
    Crafted("text of 3 M lines", "lines.txt", text_of_millions_of_lines, "too_many_lines"),
)
