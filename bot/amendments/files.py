"""An order's file read into an `AmendmentOrder`: the one place that calls the reader
(`bot.amendments.reading`, built alongside), so that the chat and the command line share it."""

from __future__ import annotations

import html
import io
import re
import zipfile
from importlib import import_module

from bot.amendments.order import AmendmentOrder
from bot.plan_import.model import ImportFailure
from bot.plan_import.sniffing import decode_text


class OrderNotRead(Exception):
    """The file is no amendment order (or cannot be read): `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_order_file(content: bytes, file_name: str) -> AmendmentOrder:
    """The order in a .docx, .txt or a PDF's text copy; raises `OrderNotRead`."""
    try:
        reading = import_module("bot.amendments.reading")
    except ImportError:  # the reader is not connected yet
        raise OrderNotRead("no_reader") from None
    try:
        return reading.read_order(content, file_name)
    except reading.OrderUnreadable as error:
        raise OrderNotRead(str(getattr(error, "reason", error))) from error


# A .docx's text for the look at its first lines (the reader proper reads it whole).
DOCX_TEXT_LIMIT = 2_000_000
_XML_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH_END = re.compile(r"</w:p>")


def _first_text(content: bytes) -> str | None:
    """The file's text as plain lines: a .docx's paragraphs, or decoded text; None if neither."""
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                info = archive.getinfo("word/document.xml")
                if info.file_size > DOCX_TEXT_LIMIT:
                    return None
                xml = archive.read(info).decode("utf-8", errors="replace")
        except (KeyError, zipfile.BadZipFile, OSError):
            return None
        return html.unescape(_XML_TAG.sub("", _PARAGRAPH_END.sub("\n", xml)))
    try:
        return decode_text(content)
    except ImportFailure:
        return None


def looks_like_order_file(content: bytes, file_name: str) -> bool:
    """Whether a file sent as a plan is an amendment order (plan import then offers /amend)."""
    try:
        reading = import_module("bot.amendments.reading")
    except ImportError:  # the reader is not connected yet
        return False
    text = _first_text(content)
    return text is not None and bool(reading.looks_like_order(text))
