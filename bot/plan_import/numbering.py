"""Numbers of measures (the `№ п/п` column) and of section headings.

Rules:
- a measure number is up to eight dot-separated groups of digits, the first of up to four and
  the others of up to three (so that a date is not one), with an optional trailing dot:
  `1`, `24`, `1.1.`, `3.1.7.`, `6.4.5`; a trailing `)` and a leading `№` are tolerated;
- a range `3.1.- 3.7.` or `5.3.4. - 5.3.5.` (any dash, any spaces) stands for every number from
  the first to the last when both differ only in their last group and the range is not absurdly
  long (`MAX_RANGE`); each is written in the style of the first (`3.1.`, `3.2.`, …);
- a list `1.1, 1.3` stands for the numbers listed;
- a heading starts with its number: a Roman numeral (`I.`, `IV`) or a measure-like number
  followed by a space (`2.`, `2.1.`), optionally after `Раздел`; the depth of a heading is the
  number of groups (a Roman numeral counts as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_RANGE = 60
MAX_GROUPS = 8

SIMPLE_NUMBER = re.compile(r"\d{1,4}(?:\.\d{1,3}){0,7}\.?")
RANGE = re.compile(r"(\d{1,4}(?:\.\d{1,3}){0,7})\.?[-–—]+(\d{1,4}(?:\.\d{1,3}){0,7})\.?")
ROMAN = re.compile(r"(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
HEADING = re.compile(
    r"^(?:раздел\s+)?((?:[IVXLC]{1,7}|[1-9]\d{0,3}(?:\.\d{1,4}){0,7})\.?)(?:(?<=\.)\s*|\s+|$)(.*)$",
    re.IGNORECASE | re.DOTALL,
)
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True, slots=True)
class NumberCell:
    """What the number cell says: one or more measure numbers, as written."""

    numbers: tuple[str, ...]
    is_range: bool = False


def read_number(text: str) -> NumberCell | None:
    """The measure number(s) in a number cell, or None when it holds no number."""
    compact = re.sub(r"\s+", "", text).removeprefix("№").rstrip(")")
    if not compact:
        return None
    if SIMPLE_NUMBER.fullmatch(compact):
        return NumberCell((compact,))
    match = RANGE.fullmatch(compact)
    if match:
        expanded = _expand_range(match.group(1), match.group(2), compact.endswith("."))
        return NumberCell(expanded, is_range=True) if expanded else None
    parts = [part for part in re.split(r"[,;]", compact) if part]
    if len(parts) > 1 and all(SIMPLE_NUMBER.fullmatch(part) for part in parts):
        return NumberCell(tuple(parts), is_range=True)
    return None


def _expand_range(first: str, last: str, trailing_dot: bool) -> tuple[str, ...] | None:
    start, end = first.split("."), last.split(".")
    if len(start) != len(end) or start[:-1] != end[:-1]:
        return None
    low, high = int(start[-1]), int(end[-1])
    if not low < high <= low + MAX_RANGE:
        return None
    prefix = ".".join(start[:-1])
    suffix = "." if trailing_dot else ""
    return tuple(
        f"{prefix}.{value}{suffix}" if prefix else f"{value}{suffix}"
        for value in range(low, high + 1)
    )


def roman_value(text: str) -> int | None:
    """The value of a well-formed Roman numeral (`IV` → 4), else None."""
    if not text or not ROMAN.fullmatch(text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = ROMAN_VALUES[char]
        following = ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def split_heading(text: str) -> tuple[str | None, str]:
    """A heading's number as written (`I.`, `2.1.`) and its title; (None, text) if unnumbered."""
    match = HEADING.match(text.strip())
    if not match:
        return None, text.strip()
    number, title = match.group(1), match.group(2).strip()
    bare = number.rstrip(".")
    if bare.isalpha() and roman_value(bare.upper()) is None:
        return None, text.strip()
    if bare.isalpha() and bare != bare.upper():
        return None, text.strip()
    return number, title


def depth(number: str) -> int:
    """Groups in a number: `I.` → 1, `2.` → 1, `2.1.` → 2."""
    bare = number.strip().rstrip(".")
    return 1 if not bare or bare.isalpha() else min(bare.count(".") + 1, MAX_GROUPS)
