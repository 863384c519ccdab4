"""Word documents (.docx): every paragraph and table of the body, in document order.

The package is opened as the zip it is and only the parts needed are parsed with lxml
(`word/document.xml`, and the numbering and styles it relates to): python-docx would load every
part, images included, and its `table.rows[i].cells` / `table.cell()` rebuild the grid on every
call, which takes minutes on a table of 10,000 rows. Entities are not resolved and nothing is
fetched from the network.

Rules:
- body paragraphs become `Paragraph`s ("paragraph N"); content controls (`w:sdt`) are looked
  into; every table row becomes a `Row` ("table T, row R");
- a cell's text is its paragraphs joined by line breaks; tabs become spaces; a line break
  (`w:br`) is a line break; deleted text (tracked changes) is skipped; superscript runs made only
  of digits or asterisks (typed footnote marks) are skipped, as are Word's own footnote marks;
- automatic list numbers are put in front of their paragraphs (see `docx_numbering`);
- the document is refused past the caps of `bounds` (elements, rows, cells) before it is parsed;
- at most `MAX_CELLS` grid columns are read (a table with more says so once: `columns_ignored`);
- a cell merged over several grid columns (`w:gridSpan`) puts its text in its first column and
  leaves the others empty (`Row.spans` tells); `w:gridBefore` leaves leading columns empty;
- a cell continuing a vertical merge (`w:vMerge` without `restart`) repeats the text of the
  cell that starts the merge (`Row.from_above` tells which).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree

from bot.plan_import.blocks import Block, Notice, Paragraph, Row
from bot.plan_import.bounds import check_part_elements, check_word_document
from bot.plan_import.docx_numbering import W_NS, ListNumbering, attribute, int_attribute, w
from bot.plan_import.model import ImportFailure
from bot.plan_import.sniffing import DAMAGED_ZIP_ERRORS

DOCUMENT_PART = "word/document.xml"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
NUMBERING_TYPE = "/numbering"
STYLES_TYPE = "/styles"
MAX_SPAN = 64
MAX_CELLS = 256
FOOTNOTE_MARK = re.compile(r"^[\d*,\s]+$")

P, TBL, TR, TC, SDT, SDT_CONTENT, R = (
    w("p"),
    w("tbl"),
    w("tr"),
    w("tc"),
    w("sdt"),
    w("sdtContent"),
    w("r"),
)
T, TAB, BR, CR, NO_BREAK_HYPHEN = w("t"), w("tab"), w("br"), w("cr"), w("noBreakHyphen")


class DocxReader:
    def __init__(self, content: bytes) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                with archive.open(DOCUMENT_PART) as stream:
                    check_word_document(stream)  # refused past the caps before it is parsed
                self.body = _body(_parse(archive.read(DOCUMENT_PART)))
                related = _related_parts(archive)
                numbering = _optional_part(archive, related.get(NUMBERING_TYPE))
                styles = _optional_part(archive, related.get(STYLES_TYPE))
        except (*DAMAGED_ZIP_ERRORS, etree.LxmlError):
            raise ImportFailure("corrupted", kind="DOCX") from None
        self.numbering = ListNumbering.from_parts(numbering, styles)

    @property
    def estimate(self) -> int:
        return int(self.body.xpath("count(.//w:tr | ./w:p)", namespaces={"w": W_NS}))

    def blocks(self) -> Iterator[Block]:
        paragraphs = tables = 0
        for element in _content(self.body):
            if element.tag == P:
                paragraphs += 1
                yield Paragraph(self._paragraph_text(element), f"paragraph {paragraphs}")
            elif element.tag == TBL:
                tables += 1
                yield from self._rows(element, tables)

    def _rows(self, table: Any, index: int) -> Iterator[Row | Notice]:
        above: dict[int, str] = {}
        cut_reported = False
        for number, row in enumerate(_children(table, TR), 1):
            where = f"table {index}, row {number}"
            cells: list[str] = []
            spans: dict[int, int] = {}
            from_above: set[int] = set()
            before = row.find(f"{w('trPr')}/{w('gridBefore')}")
            cells.extend([""] * min(int_attribute(before, 0), MAX_SPAN))
            for cell in _children(row, TC):
                if len(cells) >= MAX_CELLS:
                    if not cut_reported:
                        cut_reported = True
                        yield Notice(where, "columns_ignored", {"limit": MAX_CELLS})
                    break
                column = len(cells)
                properties = cell.find(w("tcPr"))
                span = 1
                merge = None
                if properties is not None:
                    span = min(max(int_attribute(properties.find(w("gridSpan")), 1), 1), MAX_SPAN)
                    merge_element = properties.find(w("vMerge"))
                    if merge_element is not None:
                        merge = attribute(merge_element) or "continue"
                if merge == "continue":
                    text = above.get(column, "")
                    from_above.add(column)
                else:
                    text = self._cell_text(cell)
                    if merge == "restart":
                        above[column] = text
                    else:
                        above.pop(column, None)
                cells.append(text)
                if span > 1:
                    spans[column] = span
                    cells.extend([""] * (span - 1))
            yield Row(
                tuple(cells),
                where,
                table=index,
                spans=spans,
                from_above=frozenset(from_above),
                exact_width=True,
            )

    def _cell_text(self, cell: Any) -> str:
        lines = []
        for element in _content(cell):
            if element.tag == P:
                lines.append(self._paragraph_text(element))
            elif element.tag == TBL:
                for row in _children(element, TR):
                    texts = (self._cell_text(inner) for inner in _children(row, TC))
                    lines.append(" ".join(text for text in texts if text))
        return "\n".join(lines)

    def _paragraph_text(self, paragraph: Any) -> str:
        parts = []
        for run in paragraph.iter(R):
            text = _run_text(run)
            if text and not _is_footnote_mark(run, text):
                parts.append(text)
        text = "".join(parts)
        label = self.numbering.label(paragraph)
        if label:
            return f"{label} {text}" if text else label
        return text


def _content(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell, looking into content controls."""
    for child in parent.iterchildren(P, TBL, SDT):
        if child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _content(content)
        else:
            yield child


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Rows of a table or cells of a row, looking into content controls."""
    for child in parent.iterchildren(tag, SDT):
        if child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from content.iterchildren(tag)
        else:
            yield child


def _run_text(run: Any) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == T:
            parts.append(child.text or "")
        elif tag == TAB:
            parts.append(" ")
        elif tag in (BR, CR):
            parts.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            parts.append("-")
    return "".join(parts)


def _is_footnote_mark(run: Any, text: str) -> bool:
    align = run.find(f"{w('rPr')}/{w('vertAlign')}")
    return attribute(align) == "superscript" and bool(FOOTNOTE_MARK.match(text))


def _parse(xml: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    return etree.fromstring(xml, parser)


def _body(root: Any) -> Any:
    body = root.find(w("body"))
    if body is None:
        raise ValueError("the document has no body")
    return body


def _related_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part names of the document's relationships, by the end of their type (`/styles`)."""
    try:
        with archive.open("word/_rels/document.xml.rels") as stream:
            check_part_elements(stream)
        root = _parse(archive.read("word/_rels/document.xml.rels"))
    except (*DAMAGED_ZIP_ERRORS, etree.LxmlError):
        return {}
    parts = {}
    for relationship in root.iterchildren(f"{{{RELATIONSHIPS_NS}}}Relationship"):
        kind = relationship.get("Type", "")
        target = relationship.get("Target", "")
        if relationship.get("TargetMode") == "External" or not target:
            continue
        name = target.lstrip("/") if target.startswith("/") else posixpath.join("word", target)
        parts[kind[kind.rfind("/") :]] = posixpath.normpath(name)
    return parts


def _optional_part(archive: zipfile.ZipFile, name: str | None) -> Any:
    if not name:
        return None
    try:
        with archive.open(name) as stream:
            check_part_elements(stream)  # refused past the cap before it is parsed
        return _parse(archive.read(name))
    except (*DAMAGED_ZIP_ERRORS, etree.LxmlError):
        return None
