"""Display text: what a person should read, without the damage of extraction.

Rules (`source_cells` keep the original; only displayed text is cleaned):
- whitespace: no-break and other odd spaces become spaces, soft hyphens and zero-width characters
  go, runs of spaces collapse, every line is trimmed and empty lines are dropped;
- HTML remnants (`<p>`, `<ul style=…>`, `<br>`, `&nbsp;`) go: block tags become line breaks;
- Word export remnants go: `[footnoteRef:3]`, the inline footnote text `[3: …]`, `[bookmark: …]`;
- footnote markers go: superscript digits glued to a word (`стандартов²`, not `м²`), asterisks glued
  to a word (`Омской области*`), and a digit glued to the end of a lowercase word
  (`клиентоцентричности1`). The last one only when the document has footnotes with that number,
  or declares none at all: a Russian word never ends in a digit, while numbers, dates, `№ 5`,
  `НСО2` or `2.0` are left alone because the digit must follow three lowercase letters and
  must not be followed by more digits.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
SPACE_RUNS = re.compile(r" {2,}")

WORD_REMNANTS = re.compile(
    r"\[(?:footnoteRef|endnoteRef|annotationRef|commentRef|bookmark)\b[^\[\]]{0,200}\]"
    r"|\[\d{1,3}:\s[^\[\]]{0,5000}\]",
    re.IGNORECASE,
)
INLINE_FOOTNOTE = re.compile(r"\[(\d{1,3}):\s")
BLOCK_TAGS = "p|div|br|li|ul|ol|tr|table|h[1-6]"
INLINE_TAGS = "span|font|b|i|u|s|strong|em|sup|sub|a|td|th|tbody|thead|o:p"
HTML_TAG = re.compile(rf"<\s*/?\s*(?:({BLOCK_TAGS})|(?:{INLINE_TAGS}))\b[^<>]{{0,2000}}>", re.I)
HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.IGNORECASE)

SUPERSCRIPT_MARK = re.compile(r"(?<=[^\W\d_]{3})[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
ASTERISK_MARK = re.compile(r"(?<=[^\s*])\*{1,3}(?=$|[\s,.;:)»\"])", re.MULTILINE)
GLUED_DIGITS = re.compile(r"(?<=[а-яё]{3})(\d{1,2})(?![\d.,]\d)(?=$|[\s,.;:!?)»\"”'])", re.M)

# A footnote's own text at the bottom of a page: "1Правила проведения …", "¹ Правила …".
FOOTNOTE_TEXT = re.compile(r"^\s*(?:(\d{1,2})(?=[А-ЯЁA-Z«\"])|([¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*\S)")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUPERSCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(slots=True)
class Footnotes:
    """The footnote numbers a document declares, learnt while reading it."""

    numbers: set[int] = field(default_factory=set)

    def learn_from_cell(self, text: str) -> None:
        """Inline footnote texts of Word exports: `[3:  Текст сноски]`."""
        if "[" in text:
            self.numbers.update(int(number) for number in INLINE_FOOTNOTE.findall(text))

    def learn_from_paragraph(self, text: str) -> bool:
        """Whether `text` is a footnote's own text; its number is remembered."""
        self.learn_from_cell(text)
        match = FOOTNOTE_TEXT.match(text)
        if not match:
            return False
        digits = match.group(1) or match.group(2).translate(SUPERSCRIPT_DIGITS)
        self.numbers.add(int(digits))
        return True

    def is_marker(self, number: int) -> bool:
        return not self.numbers or number in self.numbers


def normalise_space(text: str) -> str:
    """Odd spaces and invisible characters fixed, lines trimmed, empty lines dropped."""
    text = INVISIBLE.sub("", ODD_SPACES.sub(" ", text.replace("\r", "\n")))
    lines = (SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    """`normalise_space`, with line breaks turned into spaces."""
    return normalise_space(text).replace("\n", " ")


def strip_markup(text: str) -> str:
    """Word export remnants and HTML tags and entities removed (footnote markers stay)."""
    if "[" in text:
        text = WORD_REMNANTS.sub("", text)
    if "<" in text:
        text = HTML_TAG.sub(_tag_replacement, text)
    if "&" in text:
        text = HTML_ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    return text


def clean_text(text: str, footnotes: Footnotes | None = None) -> str:
    """The display form of a cell or paragraph (see the module's rules); keeps line breaks."""
    text = strip_markup(text)
    if not SUPERSCRIPTS.isdisjoint(text):
        text = SUPERSCRIPT_MARK.sub("", text)
    if "*" in text:
        text = ASTERISK_MARK.sub("", text)
    known = footnotes or Footnotes()
    text = GLUED_DIGITS.sub(
        lambda match: "" if known.is_marker(int(match.group(1))) else match.group(0), text
    )
    return normalise_space(text)


def clean_line(text: str, footnotes: Footnotes | None = None) -> str:
    """`clean_text` on one line."""
    return clean_text(text, footnotes).replace("\n", " ")


def _tag_replacement(match: re.Match[str]) -> str:
    return "\n" if match.group(1) else ""
