"""Telegram's size limits, and the one place that makes long content fit them by construction.

Everything the bot sends is built from pieces: short fields (a title, an expected document, a
comment) and blocks (one measure of a list, one history entry). Fields are shortened with a
visible "…" (`shorten`); blocks are packed into pages that never exceed a message's limit and
never split a block (`pack`); lists are sliced into pages (`page_of`). No aiogram here: chat
handlers and scheduled notifications both use it.

Telegram counts a message's length after entity parsing, in UTF-16 code units: `visible_length`
measures an HTML text that way (tags dropped, entities decoded).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "BUTTON_TEXT_LIMIT",
    "CALLBACK_DATA_LIMIT",
    "CAPTION_LIMIT",
    "KEYBOARD_BUTTON_LIMIT",
    "MESSAGE_LIMIT",
    "PageOf",
    "fits_message",
    "pack",
    "page_of",
    "plain_text",
    "shorten",
    "split_plain",
    "visible_length",
]

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
KEYBOARD_BUTTON_LIMIT = 100
# Telegram accepts longer button labels, but a phone shows about this much.
BUTTON_TEXT_LIMIT = 64

ELLIPSIS = "…"
_TAG = re.compile(r"<[^>]*>")

T = TypeVar("T")


def shorten(text: str, limit: int) -> str:
    """Plain text of at most `limit` characters; a cut is marked with "…" (at a word boundary
    when one is near). Escape the result, not the input, when it goes into HTML."""
    text = " ".join(text.split()) if len(text) > limit else text
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + ELLIPSIS


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def plain_text(html_text: str) -> str:
    """What a reader sees of an HTML text: tags removed, entities decoded (escape it again
    before sending it with HTML parse mode)."""
    return html.unescape(_TAG.sub("", html_text))


def visible_length(html_text: str) -> int:
    """The length Telegram checks: HTML tags removed, entities decoded, in UTF-16 units."""
    return utf16_length(plain_text(html_text))


def fits_message(html_text: str, *, caption: bool = False) -> bool:
    limit = CAPTION_LIMIT if caption else MESSAGE_LIMIT
    return 0 < visible_length(html_text) <= limit


def pack(
    blocks: Sequence[str],
    *,
    limit: int = MESSAGE_LIMIT,
    header: str = "",
    footer: str = "",
    separator: str = "\n\n",
) -> list[str]:
    """Pack HTML blocks into as few texts as possible, each within `limit` (visible length),
    keeping every block whole and in order; `header` and `footer` go on every text.

    A block must be complete HTML (its tags closed) and, with the header and footer, fit the
    limit alone; callers make sure of that by shortening the fields a block is built from.
    A block that still does not fit raises ValueError: a bug, not something to cut blindly.
    """
    frame = visible_length(header) + visible_length(footer)
    frame += (utf16_length(separator) if header else 0) + (utf16_length(separator) if footer else 0)
    separator_length = utf16_length(separator)
    texts: list[str] = []
    current: list[str] = []
    used = frame
    for block in blocks:
        size = visible_length(block)
        if frame + size > limit:
            raise ValueError(
                f"a block of {size} characters does not fit a message of {limit} with its frame"
            )
        extra = size + (separator_length if current else 0)
        if current and used + extra > limit:
            texts.append(_join(header, current, footer, separator))
            current, used = [], frame
            extra = size
        current.append(block)
        used += extra
    if current or not texts:
        texts.append(_join(header, current, footer, separator))
    return texts


def _join(header: str, blocks: list[str], footer: str, separator: str) -> str:
    return separator.join(part for part in (header, *blocks, footer) if part)


@dataclass(frozen=True, slots=True)
class PageOf(Generic[T]):
    """One page of a list: its items, its index (from 0) and how many pages there are."""

    items: Sequence[T]
    page: int
    pages: int
    total: int
    size: int

    @property
    def has_previous(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages - 1

    @property
    def first_number(self) -> int:
        """The position (from 1) of the page's first item in the whole list."""
        return self.page * self.size + 1


def page_of(items: Sequence[T], page: int, size: int) -> PageOf[T]:
    """The page `page` of `items`, `size` a page; a page out of range (an old button after the
    list shrank) is clamped to the nearest one."""
    if size < 1:
        raise ValueError("a page holds at least one item")
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return page_cut(items[page * size : (page + 1) * size], page, len(items), size)


def page_cut(items: Sequence[T], page: int, total: int, size: int) -> PageOf[T]:
    """A page the database already cut (LIMIT/OFFSET): its `items`, its index and the length
    of the whole list."""
    if size < 1:
        raise ValueError("a page holds at least one item")
    return PageOf(items=items, page=page, pages=max(1, -(-total // size)), total=total, size=size)


_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+")


def split_plain(text: str, limit: int) -> list[str]:
    """Plain text cut into pieces of at most `limit` characters (UTF-16 units) that together
    hold all of it: whole lines where they fit, else whole sentences, else whole words; only a
    single word longer than the limit is cut inside. Escape each piece when it goes into HTML."""
    if limit < 1:
        raise ValueError("a piece holds at least one character")
    pieces: list[str] = []
    for line in text.splitlines() or [""]:
        if utf16_length(line) <= limit:
            pieces.append(line)
            continue
        pieces.extend(_gather(_SENTENCE_END.split(line), limit))
    return [piece for piece in pieces if piece.strip()] or [""]


def _gather(parts: Sequence[str], limit: int) -> list[str]:
    """Join parts with spaces into pieces within `limit`, breaking a too long part by words."""
    pieces: list[str] = []
    current = ""
    for part in parts:
        if utf16_length(part) > limit:
            words = part.split()
            smaller = _gather(words, limit) if len(words) > 1 else _cut(part, limit)
            for piece in smaller:
                current = _add(pieces, current, piece, limit)
            continue
        current = _add(pieces, current, part, limit)
    if current:
        pieces.append(current)
    return pieces


def _add(pieces: list[str], current: str, part: str, limit: int) -> str:
    joined = f"{current} {part}" if current else part
    if utf16_length(joined) <= limit:
        return joined
    if current:
        pieces.append(current)
    return part


def _cut(word: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in word:
        if utf16_length(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces
