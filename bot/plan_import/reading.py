"""Reading a plan document: the public entry point of the importer.

`read_plan` tells the file's kind from its content (`sniffing`), lets the reader of that kind
turn it into blocks (`text_source`, `csv_source`, `docx_source`, `xlsx_source`) and the one
understanding layer turn the blocks into plans (`understanding`). It never raises anything but
`ImportFailure`: a file that cannot be imported at all says why, everything else ends in an
`ImportResult` whose warnings say what was not understood.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Protocol

from bot.plan_import.blocks import Block, Row
from bot.plan_import.bounds import check_lines
from bot.plan_import.csv_source import CsvReader
from bot.plan_import.docx_source import DocxReader
from bot.plan_import.model import ImportFailure, ImportResult
from bot.plan_import.sniffing import SourceKind, decode_text, detect
from bot.plan_import.text_source import TextReader
from bot.plan_import.understanding import Understanding
from bot.plan_import.xlsx_source import XlsxReader

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 250  # blocks between two progress reports


class Reader(Protocol):
    @property
    def estimate(self) -> int: ...

    def blocks(self) -> Iterator[Block]: ...


def read_plan(
    content: bytes,
    file_name: str | None = None,
    *,
    title: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """The plans in a document (.docx, .xlsx, .csv or text extracted from Word or PDF).

    `title` replaces the document's title of the plan; when the file holds several plans it
    names only the first (the main plan: appendices keep the titles the document gives them).
    `progress(stage, done, total)` is called every few hundred rows with `done` out of
    `total` = 1000 for the whole job: stage "reading" covers the first half, "understanding" the
    second, and "done" (1000 of 1000) comes last.

    Raises `ImportFailure` with code `too_large`, `too_large_unpacked`, `too_many_rows`,
    `too_many_cells`, `too_many_lines` (the caps of `bounds`), `empty`, `unsupported_format`,
    `corrupted`, `encrypted`, `no_measures` or `unreadable`.
    """
    reporter = _Reporter(progress)
    try:
        result = _read(content, file_name, title, reporter)
    except ImportFailure:
        raise
    except Exception:  # a bug, or resources exhausted (MemoryError, RecursionError)
        logger.exception("Unexpected error while reading a %s file", _extension(file_name))
        raise ImportFailure("unreadable") from None
    reporter.done()
    return result


def read_table_rows(content: bytes, file_name: str | None = None) -> list[Row]:
    """The table rows of a spreadsheet (.xlsx) or CSV file, within the same caps as a plan's
    (for lists that are not plans: the directory of bodies). Raises `ImportFailure` as
    `read_plan` does, `unsupported_format` for any other kind of file."""
    try:
        kind, text = detect(content, file_name)
        if kind not in (SourceKind.XLSX, SourceKind.CSV):
            raise ImportFailure("unsupported_format", kind=kind.value.upper())
        reader, _ = _reader(kind, content, text)
        blocks = _read_blocks(reader, kind, _Reporter(None))
    except ImportFailure:
        raise
    except Exception:
        logger.exception("Unexpected error while reading a %s file", _extension(file_name or ""))
        raise ImportFailure("unreadable") from None
    return [block for block in blocks if isinstance(block, Row)]


def _read(
    content: bytes, file_name: str | None, title: str | None, reporter: _Reporter
) -> ImportResult:
    kind, text = detect(content, file_name)
    reader, source_format = _reader(kind, content, text)
    blocks = _read_blocks(reader, kind, reporter)
    understanding = Understanding()
    for index, block in enumerate(blocks, 1):
        understanding.feed(block)
        if index % PROGRESS_EVERY == 0:
            reporter.understanding(index, len(blocks))
    given_title = " ".join(title.split()) if title else None
    plans, warnings = understanding.finish(file_name, given_title or None)
    if not plans:
        raise ImportFailure("no_measures")
    return ImportResult(plans=plans, warnings=warnings, source_format=source_format)


def _reader(kind: SourceKind, content: bytes, text: str | None) -> tuple[Reader, str]:
    if kind is SourceKind.DOCX:
        return DocxReader(content), "docx"
    if kind is SourceKind.XLSX:
        return XlsxReader(content), "xlsx"
    text = text if text is not None else decode_text(content)
    check_lines(text)
    if kind is SourceKind.CSV:
        return CsvReader(text), "csv"
    reader = TextReader(text)
    return reader, reader.layout


def _read_blocks(reader: Reader, kind: SourceKind, reporter: _Reporter) -> list[Block]:
    """Every block of the file; a reader that breaks down means a damaged file."""
    blocks: list[Block] = []
    estimate = max(reader.estimate, 1)
    try:
        for block in reader.blocks():
            blocks.append(block)
            if len(blocks) % PROGRESS_EVERY == 0:
                reporter.reading(len(blocks), estimate)
    except ImportFailure:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception:
        logger.warning("The %s reader failed", kind, exc_info=True)
        raise ImportFailure("corrupted", kind=kind.value.upper()) from None
    return blocks


class _Reporter:
    """Progress on one scale: reading is the first half of the job, understanding the second."""

    SCALE = 1000

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback

    def reading(self, done: int, estimate: int) -> None:
        self._report("reading", min(done, estimate) * (self.SCALE // 2) // estimate)

    def understanding(self, done: int, total: int) -> None:
        self._report("understanding", self.SCALE // 2 + done * (self.SCALE // 2) // max(total, 1))

    def done(self) -> None:
        self._report("done", self.SCALE)

    def _report(self, stage: str, done: int) -> None:
        if self.callback is None:
            return
        try:
            self.callback(stage, done, self.SCALE)
        except Exception:
            logger.warning("The progress callback failed", exc_info=True)


def _extension(file_name: str) -> str:
    """What a log line may say of a file: its extension, not its name."""
    suffix = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    return suffix[:8] if suffix.isalnum() else "?"
