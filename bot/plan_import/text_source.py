"""Plans as text copied out of Word or a PDF: the two layouts such extraction produces.

- "text-cells": one cell per line, each starting with a tab; a line without a tab continues the
  cell above (a line break inside the cell); a blank line ends the row. Extraction also puts a
  blank line inside a cell now and then: a paragraph that sits between two rows, is not a
  heading, a legend or a footnote and is followed by more rows is the rest of the last cell of
  the row before it. Row boundaries are a guess here, so rows are marked `loose`.
- "text-rows": one row per line, cells separated by tabs; a line without a tab is a paragraph.

The layout is the one most lines follow: lines that are a single tab-led cell, against lines
with tabs between cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.plan_import.abbreviations import legend_entries, legend_heading
from bot.plan_import.blocks import Block, Paragraph, Row
from bot.plan_import.cleaning import Footnotes, one_line
from bot.plan_import.structure import is_appendix_marker, is_title_start, year_heading

CELLS_LAYOUT = "text-cells"
ROWS_LAYOUT = "text-rows"


def choose_layout(lines: list[str]) -> str:
    """The layout most lines follow (see the module)."""
    cell_lines = row_lines = 0
    for line in lines:
        if "\t" not in line:
            continue
        if line.startswith("\t") and line.count("\t") == 1:
            cell_lines += 1
        else:
            row_lines += 1
    return CELLS_LAYOUT if cell_lines > row_lines else ROWS_LAYOUT


class TextReader:
    """Blocks of a text extract in either layout."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.layout = choose_layout(self.lines)

    @property
    def estimate(self) -> int:
        return len(self.lines)

    def blocks(self) -> Iterator[Block]:
        if self.layout == CELLS_LAYOUT:
            yield from _cell_layout_blocks(self.lines)
        else:
            yield from _row_layout_blocks(self.lines)


def _row_layout_blocks(lines: list[str]) -> Iterator[Block]:
    for number, line in enumerate(lines, 1):
        where = f"line {number}"
        if "\t" in line:
            yield Row(tuple(line.split("\t")), where)
        else:
            yield Paragraph(line, where)


@dataclass(slots=True)
class _RawRow:
    line: int
    cells: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class _RawText:
    line: int
    text: str


def _cell_layout_blocks(lines: list[str]) -> Iterator[Block]:
    items = _glue_stray_paragraphs(_cell_layout_items(lines))
    for item in items:
        if isinstance(item, _RawRow):
            cells = tuple("\n".join(parts) for parts in item.cells)
            yield Row(cells, f"line {item.line}", loose=True)
        else:
            yield Paragraph(item.text, f"line {item.line}")


def _cell_layout_items(lines: list[str]) -> list[_RawRow | _RawText]:
    items: list[_RawRow | _RawText] = []
    row: _RawRow | None = None
    for number, line in enumerate(lines, 1):
        if line.startswith("\t"):
            if row is None:
                row = _RawRow(number)
            row.cells.append([line[1:].replace("\t", " ")])
        elif not line.strip():
            if row is not None:
                items.append(row)
                row = None
            items.append(_RawText(number, ""))
        elif row is not None:
            row.cells[-1].append(line)
        else:
            items.append(_RawText(number, line))
    if row is not None:
        items.append(row)
    return items


def _glue_stray_paragraphs(items: list[_RawRow | _RawText]) -> list[_RawRow | _RawText]:
    """Text lines between two rows that are the rest of the last cell before them."""
    result: list[_RawRow | _RawText] = []
    index = 0
    while index < len(items):
        item = items[index]
        if isinstance(item, _RawText) and item.text.strip():
            end = index
            while end < len(items) and isinstance(items[end], _RawText) and items[end].text.strip():
                end += 1
            group = [text for text in items[index:end] if isinstance(text, _RawText)]
            previous = _last_row(result)
            if previous is not None and _row_follows(items, end) and _is_cell_text(group):
                previous.cells[-1].extend(text.text for text in group)
                index = end
                continue
        result.append(item)
        index += 1
    return result


def _last_row(items: list[_RawRow | _RawText]) -> _RawRow | None:
    for item in reversed(items):
        if isinstance(item, _RawRow):
            return item
        if item.text.strip():
            return None
    return None


def _row_follows(items: list[_RawRow | _RawText], start: int) -> bool:
    for item in items[start:]:
        if isinstance(item, _RawRow):
            return True
        if item.text.strip():
            return False
    return False


def _is_cell_text(group: list[_RawText]) -> bool:
    footnotes = Footnotes()
    for item in group:
        text = one_line(item.text)
        if (
            is_title_start(text)
            or is_appendix_marker(text)
            or year_heading(text) is not None
            or legend_heading(text) is not None
            or legend_entries(text, strict=True)
            or footnotes.learn_from_paragraph(text)
        ):
            return False
    return True
