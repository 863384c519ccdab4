"""Word's automatic list numbering, so that an auto-numbered `№` column reads `1.`, `1.1.`, ….

The number of such a paragraph is not in its text: Word computes it from `numbering.xml`. This
follows the common rules: a paragraph numbered by `w:numPr` (or by its style) advances the
counter of its level and restarts the deeper ones; lists sharing an abstract definition continue
each other unless a `w:startOverride` restarts them; `w:lvlText` (`%1.%2.`) is filled with the
counters in each level's format (decimal, Roman, Latin or Cyrillic letters). Bullets give no
label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.plan_import.numbering import MAX_GROUPS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LEVELS = 9
RUSSIAN_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def attribute(element: Any, name: str = "val") -> str | None:
    if element is None:
        return None
    return element.get(w(name))


def int_attribute(element: Any, default: int) -> int:
    value = attribute(element)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class Level:
    start: int = 1
    format: str = "decimal"
    text: str = ""
    legal: bool = False


@dataclass(slots=True)
class ListNumbering:
    """Counters of the document's lists while its paragraphs are read in order."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    style_numbering: dict[str, tuple[str, int]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def from_parts(cls, numbering: Any, styles: Any) -> ListNumbering:
        """From the `w:numbering` and `w:styles` elements (either may be None)."""
        result = cls()
        if numbering is not None:
            for abstract in numbering.iterchildren(w("abstractNum")):
                levels = {}
                for lvl in abstract.iterchildren(w("lvl")):
                    levels[int_attribute_named(lvl, "ilvl", 0)] = Level(
                        start=int_attribute(lvl.find(w("start")), 1),
                        format=attribute(lvl.find(w("numFmt"))) or "decimal",
                        text=attribute(lvl.find(w("lvlText"))) or "",
                        legal=lvl.find(w("isLgl")) is not None,
                    )
                result.abstracts[attribute(abstract, "abstractNumId") or ""] = levels
            for num in numbering.iterchildren(w("num")):
                overrides = {}
                for override in num.iterchildren(w("lvlOverride")):
                    start = override.find(w("startOverride"))
                    if start is not None:
                        overrides[int_attribute_named(override, "ilvl", 0)] = int_attribute(
                            start, 1
                        )
                abstract_id = attribute(num.find(w("abstractNumId"))) or ""
                result.nums[attribute(num, "numId") or ""] = (abstract_id, overrides)
        if styles is not None:
            for style in styles.iterchildren(w("style")):
                num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
                if num_pr is not None:
                    num_id = attribute(num_pr.find(w("numId")))
                    if num_id:
                        level = int_attribute(num_pr.find(w("ilvl")), 0)
                        result.style_numbering[attribute(style, "styleId") or ""] = (
                            num_id,
                            level,
                        )
        return result

    def label(self, paragraph: Any) -> str:
        """The number Word shows before `paragraph` ("" when it is not in a numbered list)."""
        if not self.nums:
            return ""
        found = self._num_and_level(paragraph)
        if found is None:
            return ""
        num_id, level = found
        definition = self.nums.get(num_id)
        if definition is None:
            return ""
        abstract_id, overrides = definition
        levels = self.abstracts.get(abstract_id, {})
        counter_key = f"num:{num_id}" if overrides else f"abstract:{abstract_id}"
        counters = self.counters.setdefault(counter_key, [None] * LEVELS)
        start = overrides.get(level, levels.get(level, Level()).start)
        current = counters[level]
        counters[level] = start if current is None else current + 1
        for deeper in range(level + 1, LEVELS):
            counters[deeper] = None
        return self._format(levels, level, counters, overrides)

    def _num_and_level(self, paragraph: Any) -> tuple[str, int] | None:
        properties = paragraph.find(w("pPr"))
        if properties is None:
            return None
        num_pr = properties.find(w("numPr"))
        if num_pr is not None:
            num_id = attribute(num_pr.find(w("numId")))
            if not num_id or num_id == "0":
                return None
            return num_id, min(max(int_attribute(num_pr.find(w("ilvl")), 0), 0), LEVELS - 1)
        style = attribute(properties.find(w("pStyle")))
        if style and style in self.style_numbering:
            num_id, level = self.style_numbering[style]
            return num_id, min(max(level, 0), LEVELS - 1)
        return None

    def _format(
        self,
        levels: dict[int, Level],
        level: int,
        counters: list[int | None],
        overrides: dict[int, int],
    ) -> str:
        own = levels.get(level, Level())
        if own.format in ("bullet", "none") or not own.text:
            return ""
        text = own.text
        for index in range(min(level + 1, MAX_GROUPS), 0, -1):
            placeholder = f"%{index}"
            if placeholder not in text:
                continue
            source = levels.get(index - 1, Level())
            value = counters[index - 1]
            if value is None:
                value = overrides.get(index - 1, source.start)
            number_format = "decimal" if own.legal else source.format
            text = text.replace(placeholder, format_number(value, number_format))
        return text


def int_attribute_named(element: Any, name: str, default: int) -> int:
    value = attribute(element, name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def format_number(value: int, number_format: str) -> str:
    """A counter in a Word number format (unknown formats fall back to decimal)."""
    if number_format in ("upperRoman", "lowerRoman"):
        roman = to_roman(value)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format in ("upperLetter", "lowerLetter"):
        letter = _letters(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("russianLower", "russianUpper"):
        letter = _letters(value, RUSSIAN_LETTERS)
        return letter.upper() if number_format == "russianUpper" else letter
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


def to_roman(value: int) -> str:
    if not 0 < value < 4000:
        return str(value)
    parts = []
    for amount, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, amount)
        parts.append(numeral * count)
    return "".join(parts)


def _letters(value: int, alphabet: str) -> str:
    if value <= 0:
        return str(value)
    size = len(alphabet)
    repeat, index = divmod(value - 1, size)
    return alphabet[index] * (repeat + 1)
