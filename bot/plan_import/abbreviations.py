"""Short names of bodies and their full forms.

Where they come from, strongest first (a weaker source never overrides a stronger one; two
different full forms from sources of the same strength: the first wins and the other is reported):
1. a legend, wherever it is in the document: a heading such as «Принятые сокращения:» or «Список
   сокращений» followed by entries `КИС – Комитет по информатизации и связи` (on the same line,
   separated by `;`, or one per line or table row);
2. an executor cell defining it: `Отдел … Главного управления (далее – ОПФО Главного управления)`
   or `Комитет по информатизации и связи (КИС)`: the full form is the executor's text;
3. an inline definition anywhere else: `… областными исполнительными органами Новосибирской
   области (далее – ОИО НСО)`. The full form is the shortest run of words before the bracket
   (not crossing `,;:()` or a sentence end) whose initials spell the abbreviation (or, failing
   that, whose letters contain it in order, starting with the first word's initial); a
   word-alias (`(далее – Администрация)`) starts at the nearest word sharing its stem. The head
   of the full form is put back in the nominative where that is safe: from the alias's own
   words for a word-alias (`администрации Губернатора …` → `Администрация Губернатора …`), or
   from the instrumental plural (`областными исполнительными органами …` → `областные
   исполнительные органы …`).
Without a legend heading, a line `КИС – Комитет по информатизации и связи` counts as an entry
only when the full form spells the abbreviation (so that `Омск – город` is not one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_SHORT_LENGTH = 60
MAX_FULL_LENGTH = 400
STEM_LENGTH = 5

DASH = r"\s+[-–—]\s+|\s*[–—]\s*"
LEGEND_HEADING = re.compile(
    r"^(?:(?:принятые|используемые|условные)\s+|(?:список|перечень)\s+(?:принятых\s+|"
    r"используемых\s+)?)?сокращени[яйе]\b[^:\n]{0,60}?(?::|$)\s*",
    re.IGNORECASE,
)
LEGEND_ENTRY = re.compile(
    rf"^\s*(?P<short>[^\s–—:;].{{0,{MAX_SHORT_LENGTH}}}?)(?:{DASH})(?P<full>.+)$"
)
INLINE_DEFINITION = re.compile(
    r"\(\s*далее\s*(?:также\s*)?(?:по\s+тексту\s*)?[-–—:]?\s*[«\"“]?"
    rf"(?P<short>[^()«»\"“”\n]{{1,{MAX_SHORT_LENGTH}}}?)[»\"”]?\s*\)",
    re.IGNORECASE,
)
CAPS_TOKEN = re.compile(r"^[А-ЯЁA-Z]{2,}(?:-[А-ЯЁA-Z0-9]+)?$")
WORD = re.compile(r"\w+")
SEGMENT_BREAK = re.compile(r"[,;:()\n]|\.\s+(?=[А-ЯЁA-Z])")

# Organisational-legal forms and the like that need no definition.
WELL_KNOWN = frozenset(
    [
        "РФ",
        "РОССИИ",
        "МФЦ",
        "ГАУ",
        "ГБУ",
        "ГКУ",
        "ГУП",
        "АНО",
        "АО",
        "ОАО",
        "ПАО",
        "ООО",
        "МУП",
        "МКУ",
        "МБУ",
        "МАУ",
        "ОГКУ",
        "ОГБУ",
        "ОГАУ",
        "ФГБУ",
        "ФГУП",
        "ФКУ",
        "КГКУ",
        "КГБУ",
        "КГАУ",
        "ГОБУ",
        "ГОКУ",
        "СПБ",
        "ГУ",
        "МУ",
        "ИП",
        "НКО",
        "ЕПГУ",
        "ЕГИС",
        "СМЭВ",
        "ГИС",
        "ЖКХ",
        "IT",
        "ИТ",
    ]
)


@dataclass(frozen=True, slots=True)
class Definition:
    short: str
    full: str
    strength: int  # 3: legend, 2: executor cell, 1: inline elsewhere


LEGEND, EXECUTOR, INLINE = 3, 2, 1


@dataclass(frozen=True, slots=True)
class Conflict:
    short: str
    kept: str
    ignored: str


@dataclass(slots=True)
class Abbreviations:
    """The abbreviations a document defines (see the module's rules)."""

    by_short: dict[str, Definition] = field(default_factory=dict)
    by_full: dict[str, str] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)

    def add(self, short: str, full: str, strength: int) -> None:
        short, full = " ".join(short.split()), " ".join(full.split()).strip(" ,;.")
        if not short or not full or len(full) > MAX_FULL_LENGTH or key(short) == key(full):
            return
        known = self.by_short.get(key(short))
        if known is not None and known.strength > strength:
            return
        if known is not None and known.strength == strength:
            if key(known.full) != key(full):
                self.conflicts.append(Conflict(known.short, known.full, full))
            return
        self.by_short[key(short)] = Definition(short, full, strength)
        self.by_full.setdefault(key(full), short)

    def full_name(self, short: str) -> str | None:
        found = self.by_short.get(key(short))
        return found.full if found else None

    def short_name(self, full: str) -> str | None:
        return self.by_full.get(key(full))

    def defines_token(self, token: str) -> bool:
        wanted = key(token)
        return any(wanted in definition.split() for definition in self.by_short)

    def learn_inline(self, text: str) -> None:
        """Every `(далее – X)` in a text that is not an executor cell."""
        if "далее" not in text.lower():
            return
        for short, full in inline_definitions(text):
            self.add(short, full, INLINE)


def key(text: str) -> str:
    """A comparison key: case, `ё`, quotes and spacing do not matter."""
    text = text.casefold().replace("ё", "е")
    text = re.sub(r"[«»“”„\"']", '"', text)
    return " ".join(text.split())


def is_abbreviation(text: str) -> bool:
    """`КИС`, `ОИО НСО`, `ОПФО Главного управления`: it starts with a token in capitals."""
    tokens = text.split()
    return bool(tokens) and bool(CAPS_TOKEN.match(tokens[0]))


def undefined_head(name: str, abbreviations: Abbreviations) -> str | None:
    """The capitals token a name starts with when nobody defined it (`ОЦФО` in `ОЦФО …`)."""
    tokens = name.split()
    if not tokens or not CAPS_TOKEN.match(tokens[0]):
        return None
    head = tokens[0]
    if head.upper() in WELL_KNOWN or abbreviations.defines_token(head):
        return None
    return head


def legend_heading(text: str) -> str | None:
    """The entries after a legend heading (maybe ""), or None when `text` is not one."""
    match = LEGEND_HEADING.match(text.strip())
    return text.strip()[match.end() :] if match else None


def legend_entries(text: str, *, strict: bool) -> list[tuple[str, str]]:
    """`КИС – Комитет …; ИОГВ – …` → pairs; `strict` asks the full form to spell the short one."""
    entries = []
    for part in re.split(r"[;\n]", text):
        match = LEGEND_ENTRY.match(part.strip())
        if not match:
            continue
        short, full = match.group("short").strip(), match.group("full").strip(" .")
        if len(short.split()) > 5 or not full:
            continue
        if strict and not (is_abbreviation(short) and _spells(short, full)):
            continue
        entries.append((short, full))
    return entries


def inline_definitions(text: str) -> list[tuple[str, str]]:
    """`(далее – X)` definitions with the full form found before each (see the module)."""
    found = []
    for match in INLINE_DEFINITION.finditer(text):
        short = match.group("short").strip(" –—-")
        if not short:
            continue
        segment = _segment_before(text, match.start())
        full = full_form(segment, short)
        if full:
            found.append((short, full))
    return found


def full_form(segment: str, short: str) -> str | None:
    """The words at the end of `segment` that `short` stands for, in the nominative if safe."""
    if is_abbreviation(short):
        return _acronym_form(segment, short)
    return _alias_form(segment, short)


def _segment_before(text: str, end: int) -> str:
    start = max(0, end - 600)
    head = text[start:end]
    breaks = list(SEGMENT_BREAK.finditer(head))
    return head[breaks[-1].end() :] if breaks else head


def _acronym_form(segment: str, short: str) -> str | None:
    tokens = short.split()
    letters = "".join(token for token in tokens if CAPS_TOKEN.match(token)).replace("-", "")
    tail = [token for token in tokens if not CAPS_TOKEN.match(token)]
    words = list(WORD.finditer(segment))
    if tail:
        if len(words) <= len(tail) or not all(
            _same_stem(word.group(), wanted)
            for word, wanted in zip(words[-len(tail) :], tail, strict=True)
        ):
            return None
        words = words[: -len(tail)]
    start = _acronym_start(words, letters.casefold())
    if start is None:
        return None
    return _nominative(segment[start:].strip())


def _acronym_start(words: list[re.Match[str]], letters: str) -> int | None:
    if not letters:
        return None
    limit = min(len(words), 3 * len(letters) + 2)
    for loose in (False, True):
        for count in range(1, limit + 1):
            chosen = [word.group().casefold() for word in words[-count:]]
            if chosen[0][0] != letters[0]:
                continue
            if loose and count < (len(letters) + 1) // 2:
                continue
            if _spells_words(letters, chosen, loose=loose):
                return _extended_start(words, len(words) - count, letters[0])
    return None


def _extended_start(words: list[re.Match[str]], index: int, first_letter: str) -> int:
    """One word further left when it is capitalised and has the same initial (`Отдел о…`)."""
    if index > 0:
        before = words[index - 1].group()
        if before[0].isupper() and before[0].casefold() == first_letter:
            return words[index - 1].start()
    return words[index].start()


def _spells_words(letters: str, words: list[str], *, loose: bool) -> bool:
    source = iter("".join(words) if loose else "".join(word[0] for word in words))
    return all(letter in source for letter in letters)


def _spells(short: str, full: str) -> bool:
    letters = "".join(token for token in short.split() if CAPS_TOKEN.match(token)).casefold()
    words = [word.casefold() for word in WORD.findall(full)]
    if not letters or not words or words[0][0] != letters[0]:
        return False
    return _spells_words(letters, words, loose=False) or _spells_words(letters, words, loose=True)


def _alias_form(segment: str, alias: str) -> str | None:
    alias_words = alias.split()
    words = list(WORD.finditer(segment))
    for index in range(len(words) - 1, -1, -1):
        if _same_stem(words[index].group(), alias_words[0]):
            rest = segment[words[index].start() :].strip()
            return _with_alias_head(rest, alias_words)
    return None


def _with_alias_head(phrase: str, alias_words: list[str]) -> str:
    words = phrase.split(" ")
    count = 0
    while count < min(len(words), len(alias_words)) and _same_stem(
        words[count], alias_words[count]
    ):
        count += 1
    return " ".join(alias_words[:count] + words[count:])


def _same_stem(word: str, other: str) -> bool:
    """Words sharing their first `STEM_LENGTH` letters (short words must be equal)."""
    a, b = key(word).strip('"'), key(other).strip('"')
    if min(len(a), len(b)) < 3:
        return a == b
    size = min(STEM_LENGTH, len(a), len(b))
    return a[:size] == b[:size]


# The instrumental plural of a body's head phrase (as in «проведен … органами (далее – X)»).
ADJECTIVE_ENDINGS = (("ыми", "ые"), ("ими", "ие"))
VELAR_OR_HUSHING = tuple("кгхжшщч")


def _nominative(phrase: str) -> str:
    """`областными исполнительными органами …` → `областные исполнительные органы …`."""
    words = phrase.split(" ")
    for index, word in enumerate(words):
        changed = _adjective_nominative(word)
        if changed is not None:
            words[index] = changed
            continue
        noun = _noun_nominative(word)
        if noun is not None:
            words[index] = noun
        break
    return " ".join(words)


def _adjective_nominative(word: str) -> str | None:
    for ending, replacement in ADJECTIVE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    return None


def _noun_nominative(word: str) -> str | None:
    if word.endswith("ями") and len(word) > 5:
        stem = word[:-3]
        return stem + ("и" if stem.endswith("ци") else "я")
    if word.endswith("ами") and len(word) > 5:
        stem = word[:-3]
        if stem.endswith("ств"):
            return stem + "а"
        return stem + ("и" if stem.endswith(VELAR_OR_HUSHING) else "ы")
    return None
