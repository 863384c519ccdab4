"""One column added to the measures table of an original plan file, the rest left as it was.

The rows are found by the locations the importer recorded (`Measure.source_location`), counted
the same way its readers count them:

* Word: "table T, row R" — the T-th table of the body (content controls looked into, tables
  inside cells not counted) and its R-th row (`bot.plan_import.docx_source`);
* Excel: "sheet 'Name', row R" — the sheet's row R (`bot.plan_import.xlsx_source`).

Every table (sheet) holding a marked row gets the column: its header row (the first row above
the first mark with two or more filled cells) the column's title, a row of column numbers the
next number, the marked rows their marks, other rows an empty cell (a row merged across the
whole table is merged over the new column too). Word's column widths are scaled so that the
table keeps its width. Pure functions over bytes: callers run them in a worker thread.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Mapping
from typing import Any

import docx
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from bot.plan_import.docx_numbering import w
from bot.plan_import.docx_source import _children, _content  # the reader's own walk

DOCX_LOCATION = re.compile(r"^table (\d+), row (\d+)$")
XLSX_LOCATION = re.compile(r"^sheet '(.*)', row (\d+)$")
NEW_COLUMN_SHARE = 0.2  # of the table's width, for the marks
XLSX_COLUMN_WIDTH = 40
DEFAULT_WIDTH = 2000  # twentieths of a point, where the table gives no widths
P, TBL, TR, TC = w("p"), w("tbl"), w("tr"), w("tc")


def docx_marks_by_table(marks: Mapping[str, str]) -> dict[int, dict[int, str]]:
    """{"table 2, row 7": mark} → {2: {7: mark}}; other locations are ignored."""
    tables: dict[int, dict[int, str]] = {}
    for location, mark in marks.items():
        found = DOCX_LOCATION.match(location)
        if found:
            tables.setdefault(int(found[1]), {})[int(found[2])] = mark
    return tables


def xlsx_marks_by_sheet(marks: Mapping[str, str]) -> dict[str, dict[int, str]]:
    sheets: dict[str, dict[int, str]] = {}
    for location, mark in marks.items():
        found = XLSX_LOCATION.match(location)
        if found:
            sheets.setdefault(found[1], {})[int(found[2])] = mark
    return sheets


# Word -------------------------------------------------------------------------------------------


def mark_docx(content: bytes, marks: Mapping[str, str], title: str) -> bytes:
    """The .docx with the column added to every table that has marked rows."""
    document = docx.Document(io.BytesIO(content))
    by_table = docx_marks_by_table(marks)
    number = 0
    for element in _content(document.element.body):
        if element.tag != TBL:
            continue
        number += 1
        if number in by_table:
            _mark_table(element, by_table[number], title)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _mark_table(table: Any, marks: dict[int, str], title: str) -> None:
    rows = list(_children(table, TR))
    header = _header_row([_row_texts(row) for row in rows], min(marks))
    columns, width = _widen_grid(table)
    for number, row in enumerate(rows, 1):
        cells = list(_children(row, TC))
        if not cells:
            continue
        texts = _row_texts(row)
        if number in marks:
            text = marks[number]
        elif number == header:
            text = title
        elif _is_column_numbers(texts):
            text = str(len(texts) + 1)
        elif columns > 1 and len(cells) == 1 and _span(cells[0]) >= columns:
            _set_span(cells[0], _span(cells[0]) + 1)  # a heading across the whole table
            continue
        else:
            text = ""
        cells[-1].addnext(_new_cell(cells[-1], text, width))


def _header_row(rows: list[list[str]], first_mark: int) -> int | None:
    for number, texts in enumerate(rows[: first_mark - 1], 1):
        if sum(1 for text in texts if text.strip()) >= 2 and not _is_column_numbers(texts):
            return number
    return None


def _row_texts(row: Any) -> list[str]:
    return ["".join(node.text or "" for node in cell.iter(qn("w:t"))) for cell in row.iter(TC)]


def _is_column_numbers(texts: list[str]) -> bool:
    filled = [text.strip() for text in texts if text.strip()]
    return len(filled) >= 2 and filled == [str(n) for n in range(1, len(filled) + 1)]


def _span(cell: Any) -> int:
    span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(span.get(qn("w:val"), "1")) if span is not None else 1


def _set_span(cell: Any, value: int) -> None:
    properties = cell.find(qn("w:tcPr"))
    if properties is None:
        properties = cell.makeelement(qn("w:tcPr"), {})
        cell.insert(0, properties)
    span = properties.find(qn("w:gridSpan"))
    if span is None:
        span = properties.makeelement(qn("w:gridSpan"), {})
        properties.append(span)
    span.set(qn("w:val"), str(value))


def _widen_grid(table: Any) -> tuple[int, int]:
    """Add a grid column taking `NEW_COLUMN_SHARE` of the width; the others shrink to keep the
    table's width. Returns the number of grid columns before the new one and its width."""
    grid = table.find(qn("w:tblGrid"))
    if grid is None:
        return 0, 0
    columns = grid.findall(qn("w:gridCol"))
    widths = [int(column.get(qn("w:w"), "0") or 0) for column in columns]
    total = sum(widths)
    new_width = int(total * NEW_COLUMN_SHARE)
    if total:
        factor = (total - new_width) / total
        for column, width in zip(columns, widths, strict=True):
            column.set(qn("w:w"), str(int(width * factor)))
        for width in table.iter(qn("w:tcW")):
            if width.get(qn("w:type")) in (None, "dxa") and width.get(qn("w:w")):
                width.set(qn("w:w"), str(int(int(width.get(qn("w:w"))) * factor)))
    new_width = new_width or DEFAULT_WIDTH
    grid.append(grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(new_width)}))
    return len(columns), new_width


def _new_cell(pattern: Any, text: str, width: int) -> Any:
    """A cell like `pattern` (its borders, shading, paragraph and run style), one column wide,
    holding `text` (line breaks kept)."""
    cell = copy.deepcopy(pattern)
    properties = cell.find(qn("w:tcPr"))
    if properties is not None:
        for name in ("w:gridSpan", "w:vMerge", "w:hMerge"):
            for element in properties.findall(qn(name)):
                properties.remove(element)
        for old_width in properties.findall(qn("w:tcW")):
            properties.remove(old_width)
        if width:
            size = properties.makeelement(qn("w:tcW"), {qn("w:w"): str(width), qn("w:type"): "dxa"})
            # tcW comes first in a cell's properties (after cnfStyle, if any).
            first = properties.find(qn("w:cnfStyle"))
            properties.insert(0 if first is None else 1, size)
    paragraphs = cell.findall(P)
    for child in list(cell):
        if child.tag != qn("w:tcPr"):
            cell.remove(child)
    paragraph = copy.deepcopy(paragraphs[0]) if paragraphs else cell.makeelement(P, {})
    run_properties = paragraph.find(f"{qn('w:r')}/{qn('w:rPr')}")
    for child in list(paragraph):
        if child.tag != qn("w:pPr"):
            paragraph.remove(child)
    run = paragraph.makeelement(qn("w:r"), {})
    if run_properties is not None:
        run.append(copy.deepcopy(run_properties))
    for index, line in enumerate(text.split("\n")):
        if index:
            run.append(run.makeelement(qn("w:br"), {}))
        node = run.makeelement(qn("w:t"), {})
        node.text = line
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(node)
    paragraph.append(run)
    cell.append(paragraph)
    return cell


# Excel ------------------------------------------------------------------------------------------


def mark_xlsx(content: bytes, marks: Mapping[str, str], title: str) -> bytes:
    """The .xlsx with the column added after the last used column of every marked sheet."""
    workbook = load_workbook(io.BytesIO(content))
    for name, rows in xlsx_marks_by_sheet(marks).items():
        if name not in workbook.sheetnames:
            continue
        _mark_sheet(workbook[name], rows, title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _mark_sheet(sheet: Any, marks: dict[int, str], title: str) -> None:
    column = sheet.max_column + 1
    first = min(marks)
    texts = {
        number: [str(cell.value or "") for cell in row]
        for number, row in enumerate(sheet.iter_rows(min_row=1, max_row=first - 1), 1)
    }
    header = _header_row([texts[n] for n in sorted(texts)], first)
    if header is not None:
        _write(sheet, header, column, title, like=sheet.cell(header, column - 1))
        sheet.cell(header, column).alignment = Alignment(wrap_text=True, vertical="center")
    for number, values in texts.items():
        if number != header and _is_column_numbers(values):
            _write(sheet, number, column, len([v for v in values if v.strip()]) + 1)
    for number, mark in marks.items():
        _write(sheet, number, column, mark, like=sheet.cell(number, column - 1))
        sheet.cell(number, column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions[get_column_letter(column)].width = XLSX_COLUMN_WIDTH


def _write(sheet: Any, row: int, column: int, value: Any, like: Any = None) -> None:
    cell = sheet.cell(row, column, value)
    if like is not None and like.has_style:
        cell.font = copy.copy(like.font)
        cell.border = copy.copy(like.border)
        cell.fill = copy.copy(like.fill)
