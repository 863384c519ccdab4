"""A small checker/parser for the HTML subset accepted by the Telegram Bot API.

It turns ``parse_mode=HTML`` text into the plain text and the list of
``MessageEntity`` dicts Telegram would return, and rejects what Telegram rejects
(unsupported tags, unclosed or mismatched tags, a bare ``<``).  Unlike Telegram,
a bare ``&`` that does not start a valid entity is rejected too when
``strict_ampersand`` is on (the default), because it almost always means that
user input was not escaped with ``html.escape``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EntityParseError",
    "ParsedText",
    "parse_html",
    "plain_text",
    "utf16_len",
]

# tag name -> entity type ("" = decided when the tag is closed)
SUPPORTED_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "",
    "code": "",
    "pre": "",
    "blockquote": "",
    "tg-emoji": "custom_emoji",
}

_TAG_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,7}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """Raised for text Telegram would answer with "can't parse entities"."""


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output text
    byte_offset: int  # UTF-8 offset of "<" in the source
    language: str | None = None


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(match: re.Match[str]) -> str | None:
    named, dec, hexa = match.groups()
    if named:
        return _NAMED_ENTITIES[named]
    code = int(dec) if dec else int(hexa, 16)
    if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _decode_attr(raw: str) -> str:
    def repl(match: re.Match[str]) -> str:
        decoded = _decode_entity(match)
        return match.group(0) if decoded is None else decoded

    return _ENTITY_RE.sub(repl, raw)


class _Parser:
    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.src = source
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.pos16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.pos16 += utf16_len(chunk)

    def run(self) -> ParsedText:
        src = self.src
        i = 0
        while i < len(src):
            ch = src[i]
            if ch == "&":
                i = self._ampersand(i)
            elif ch == "<":
                i = self._end_tag(i) if src.startswith("</", i) else self._start_tag(i)
            else:
                self.emit(ch)
                i += 1
        if self.stack:
            name = self.stack[-1].name
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def _ampersand(self, i: int) -> int:
        match = _ENTITY_RE.match(self.src, i)
        decoded = _decode_entity(match) if match else None
        if match is None or decoded is None:
            if self.strict_ampersand:
                raise EntityParseError(
                    f'Character "&" must be escaped as "&amp;" at byte offset {self.byte_offset(i)}'
                )
            self.emit("&")
            return i + 1
        self.emit(decoded)
        return match.end()

    def _start_tag(self, start: int) -> int:
        src = self.src
        j = start + 1
        while j < len(src) and src[j] in _TAG_NAME_CHARS:
            j += 1
        raw_name = src[start + 1 : j]
        name = raw_name.lower()
        if name not in SUPPORTED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{raw_name}" at byte offset {self.byte_offset(start)}'
            )
        attrs, end = self._attributes(j, start, name)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(start)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset '
                f"{self.byte_offset(start)}"
            )
        self.stack.append(_OpenTag(name, attrs, self.pos16, self.byte_offset(start)))
        return end

    def _attributes(self, j: int, start: int, name: str) -> tuple[dict[str, str], int]:
        src = self.src
        attrs: dict[str, str] = {}
        unclosed = f"Unclosed start tag at byte offset {self.byte_offset(start)}"
        while True:
            while j < len(src) and src[j].isspace():
                j += 1
            if j >= len(src):
                raise EntityParseError(unclosed)
            if src[j] == ">":
                return attrs, j + 1
            k = j
            while k < len(src) and (src[k].isalnum() or src[k] in "-_"):
                k += 1
            if k == j:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{self.byte_offset(start)}"
                )
            attr = src[j:k].lower()
            while k < len(src) and src[k].isspace():
                k += 1
            value = ""
            if k < len(src) and src[k] == "=":
                k += 1
                while k < len(src) and src[k].isspace():
                    k += 1
                if k >= len(src):
                    raise EntityParseError(unclosed)
                if src[k] in "\"'":
                    close = src.find(src[k], k + 1)
                    if close == -1:
                        raise EntityParseError(unclosed)
                    value = src[k + 1 : close]
                    k = close + 1
                else:
                    e = k
                    while e < len(src) and not src[e].isspace() and src[e] != ">":
                        e += 1
                    value = src[k:e]
                    k = e
            attrs[attr] = _decode_attr(value)
            j = k

    def _end_tag(self, start: int) -> int:
        src = self.src
        j = start + 2
        while j < len(src) and src[j] in _TAG_NAME_CHARS:
            j += 1
        name = src[start + 2 : j].lower()
        while j < len(src) and src[j].isspace():
            j += 1
        offset = self.byte_offset(start)
        if j >= len(src) or src[j] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
        top = self.stack.pop()
        if name != top.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
                f'found "</{name}>"'
            )
        self._close(top)
        return j + 1

    def _close(self, tag: _OpenTag) -> None:
        length = self.pos16 - tag.offset
        entity: dict[str, Any] | None
        kind = SUPPORTED_TAGS[tag.name]
        if kind == "custom_emoji":
            entity = {"type": kind, "custom_emoji_id": tag.attrs["emoji-id"]}
        elif kind:
            entity = {"type": kind}
        elif tag.name == "a":
            href = tag.attrs.get("href")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag.name == "code":
            css = tag.attrs.get("class", "")
            parent = self.stack[-1] if self.stack else None
            if parent is not None and parent.name == "pre" and css.startswith("language-"):
                parent.language = css.removeprefix("language-")
                entity = None
            else:
                entity = {"type": "code"}
        elif tag.name == "pre":
            entity = {"type": "pre"}
            if tag.language:
                entity["language"] = tag.language
        else:  # blockquote
            expandable = "expandable" in tag.attrs
            entity = {"type": "expandable_blockquote" if expandable else "blockquote"}
        if entity is not None and length > 0:
            self.entities.append({"offset": tag.offset, "length": length, **entity})


def _trim(parsed: ParsedText) -> ParsedText:
    """Strip leading/trailing whitespace like Telegram and fix entity offsets."""
    text = parsed.text
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    total = utf16_len(result)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        begin = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > begin:
            entities.append({**entity, "offset": begin, "length": end - begin})
    return ParsedText(result, entities)


def parse_html(source: str, *, strict_ampersand: bool = True, trim: bool = True) -> ParsedText:
    """Parse Telegram HTML; raise :class:`EntityParseError` on invalid markup."""
    parsed = _Parser(source, strict_ampersand).run()
    return _trim(parsed) if trim else parsed


def plain_text(source: str) -> str:
    """Plain text of a Telegram HTML string (lenient about ``&``)."""
    return parse_html(source, strict_ampersand=False).text
