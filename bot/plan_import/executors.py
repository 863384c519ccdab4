"""The executor cell: which bodies answer for a measure, lead first.

Splitting (outside brackets and quotes only):
- `;` always separates bodies;
- `,` separates bodies when the next part starts a body: a capital letter, an abbreviation, or
  a word naming a kind of body in its first three words (`министерство`, `комитет`, `округ`,
  `рабочая группа`, …); a part starting with a participle or a preposition (`оказывающие
  услуги…`, `участвующие в…`, `в части…`) is a qualifier of the body before it; any other part
  belongs to the name before it (`Министерство труда, занятости и …`);
- a line break separates bodies when the next line starts a body (abbreviation or a kind of
  body in its first three words); otherwise the line is the wrapped rest of the name before;
- a part that is only a bracket (`(по согласованию)` on its own line) belongs to the body before.

Each body:
- `(по согласованию)` → `by_agreement`, removed from the name; `по согласованию с …` (without
  brackets) is a qualifier;
- `(далее – X)` or a bracket holding a short name (`(КИС)`) → the short name, defined for the
  whole document; other brackets (`(в соответствии с пунктом 5.1.1 Плана)`) → qualifier;
- a named official (`Вице-губернатор Санкт-Петербурга Звоник К.Н.`) → `person` holds the whole
  text, `name` the post without the person's name (the post stays when people change);
- an abbreviation defined anywhere in the document is expanded (`КИС` → name `Комитет по
  информатизации и связи`, short_name `КИС`), and a body written in full gets its short name;
- the name starts with a capital letter, as a body's name standing alone does (cells often
  write it in lower case, continuing the sentence of the header): `министерство …` and
  `Министерство …` are one body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.plan_import.abbreviations import EXECUTOR, Abbreviations, is_abbreviation, key
from bot.plan_import.model import ParsedExecutor

MAX_NAME_LENGTH = 400

BODY_STEMS = (
    "министерств",
    "министр",
    "комитет",
    "департамент",
    "управлени",
    "администраци",
    "аппарат",
    "агентств",
    "служб",
    "инспекци",
    "центр",
    "отдел",
    "сектор",
    "фонд",
    "учреждени",
    "организаци",
    "предприяти",
    "орган",
    "правительств",
    "губернатор",
    "вице-губернатор",
    "заместител",
    "руководител",
    "глав",
    "начальник",
    "директор",
    "председател",
    "помощник",
    "представительств",
    "палат",
    "прокуратур",
    "совет",
    "дума",
    "комисси",
    "штаб",
    "оператор",
    "город",
    "район",
    "округ",
    "поселени",
    "муниципальн",
    "региональн",
    "государственн",
    "федеральн",
    "областн",
    "краев",
    "республиканск",
    "территориальн",
    "подведомственн",
    "межведомственн",
    "многофункциональн",
    "рабоч",
    "проектн",
    "иные",
    "все ",
)
PARTICIPLE = re.compile(
    r"^(?:[а-яё]+(?:ющ|ящ|ущ|ащ|вш)(?:ие|ий|ая|ее|их|ими|им|ей)"
    r"|(?:ответственн|указанн|определенн|уполномоченн|задействованн|привлеченн|назначенн)[а-яё]*"
    r"|в|во|при|по|с|со|для|на|за|кроме|включая|в том числе)$"
)
BY_AGREEMENT = re.compile(r"\(\s*по\s+согласованию\s*\)|,?\s*по\s+согласованию\s*$", re.I)
AGREEMENT_WITH = re.compile(r"\s+по\s+согласованию\s+с(?:о)?\s+", re.IGNORECASE)
DEFINED_AS = re.compile(r"\(\s*далее\s*(?:также\s*)?[-–—:]?\s*[«\"]?([^()«»\"]{1,60}?)[»\"]?\s*\)")
BRACKET = re.compile(r"\(([^()]*)\)")
PERSON = re.compile(
    r"(?:(?<=\s)|^)(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
    r"|[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s*$"
)
OPENING = {"(": ")", "«": "»", "“": "”", "„": "“"}
CLOSING = {value: key for key, value in OPENING.items()}
INITIAL_AT_END = re.compile(r"(?:^|[\s.])[А-ЯЁA-Z]\.$")
SPECIAL = re.compile(r'[;,\n()«»“”„"]')
SEPARATORS = ";,\n"


@dataclass(slots=True)
class _Part:
    text: str
    separator: str  # "", ";", ",", "\n"


@dataclass(slots=True)
class _Body:
    text: str
    qualifiers: list[str] = field(default_factory=list)


def read_executors(
    text: str, abbreviations: Abbreviations, *, learn: bool = True
) -> list[ParsedExecutor]:
    """The bodies of a (cleaned) executor cell, with abbreviations known in the document.

    Definitions made in the cell itself (`(далее – X)`, `(КИС)`) are added to `abbreviations`
    first (unless `learn` is false); call `learn_definitions` for every cell before reading any
    to let later cells define abbreviations used earlier.
    """
    if learn:
        learn_definitions(text, abbreviations)
    executors: list[ParsedExecutor] = []
    seen: set[str] = set()
    for body in _bodies(text):
        executor = _executor(body, abbreviations, lead=not executors)
        if executor is None or key(executor.name) in seen:
            continue
        seen.add(key(executor.name))
        executors.append(executor)
    return executors


def learn_definitions(text: str, abbreviations: Abbreviations) -> None:
    """Short names an executor cell defines: `X (далее – Y)` and `X (Y)`."""
    if "(" not in text:
        return
    for body in _bodies(text):
        name, short = _name_and_short(body.text)
        if short and name:
            abbreviations.add(short, _strip_person(name)[0], EXECUTOR)


def _bodies(text: str) -> list[_Body]:
    """The parts of the cell put together into bodies (see the module's splitting rules)."""
    bodies: list[_Body] = []
    for part in _parts(text):
        fragment = part.text
        if bodies and _only_brackets(fragment):
            bodies[-1].text += " " + fragment
        elif not bodies or _starts_new_body(part):
            bodies.append(_Body(fragment))
        elif part.separator == "," and _is_qualifier(fragment):
            bodies[-1].qualifiers.append(fragment)
        else:
            glue = ", " if part.separator == "," else " "
            bodies[-1].text += glue + fragment
    return bodies


def _starts_new_body(part: _Part) -> bool:
    """Whether a part names a body of its own rather than going on with the one before."""
    fragment = part.text
    if part.separator == ";":
        return True
    if part.separator == ",":
        return not _is_qualifier(fragment) and (fragment[0].isupper() or _starts_body(fragment))
    if part.separator == "\n":
        return is_abbreviation(fragment) or _starts_body(fragment)
    return False


def _parts(text: str) -> list[_Part]:
    """The text cut at `;`, `,` and line breaks outside brackets and quotes."""
    parts: list[_Part] = []
    stack: list[str] = []
    start = 0
    separator = ""
    for match in SPECIAL.finditer(text):
        char = match.group()
        if char in CLOSING and stack and stack[-1] == CLOSING[char]:
            stack.pop()
        elif char in OPENING:
            stack.append(char)
        elif char == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append('"')
        elif char in SEPARATORS and not stack:
            fragment = text[start : match.start()].strip()
            if fragment:
                parts.append(_Part(fragment, separator))
                separator = ""
            separator = _stronger(separator, char)
            start = match.end()
    fragment = text[start:].strip()
    if fragment:
        parts.append(_Part(fragment, separator))
    if parts:
        parts[0].separator = ""
    return parts


def _stronger(current: str, new: str) -> str:
    order = {"": 0, "\n": 1, ",": 2, ";": 3}
    return new if order[new] > order[current] else current


def _only_brackets(fragment: str) -> bool:
    return not BRACKET.sub("", fragment).strip()


def _is_qualifier(fragment: str) -> bool:
    words = fragment.split()
    first = words[0]
    if len(words) > 2 and f"{first} {words[1]} {words[2]}".casefold() == "в том числе":
        return True
    return first[0].islower() and bool(PARTICIPLE.match(first.casefold()))


def _starts_body(fragment: str) -> bool:
    words = [word.casefold() for word in fragment.split()[:3]]
    return any(word.startswith(BODY_STEMS) for word in words) or (
        bool(words) and words[0] in ("все", "иные")
    )


def _name_and_short(text: str) -> tuple[str, str | None]:
    """The text without its `(далее – X)` / `(X)` short-name bracket, and that short name."""
    match = DEFINED_AS.search(text)
    if match:
        return _tidy(text[: match.start()] + text[match.end() :]), match.group(1).strip()
    for bracket in BRACKET.finditer(text):
        inner = bracket.group(1).strip()
        if _looks_like_short_name(inner):
            return _tidy(text[: bracket.start()] + text[bracket.end() :]), inner
    return text, None


def _looks_like_short_name(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 4 and len(text) <= 40 and is_abbreviation(text)) or (
        0 < len(words) <= 3 and all(word[0].isupper() for word in words) and len(text) <= 30
    )


def _executor(body: _Body, abbreviations: Abbreviations, *, lead: bool) -> ParsedExecutor | None:
    source = body.text
    text = source
    by_agreement = bool(BY_AGREEMENT.search(text))
    text = _tidy(BY_AGREEMENT.sub(" ", text))
    text, short = _name_and_short(text)
    qualifiers = list(body.qualifiers)
    agreement = AGREEMENT_WITH.search(text)
    if agreement:
        qualifiers.insert(0, text[agreement.start() :].strip())
        text = text[: agreement.start()]
    for bracket in reversed(list(BRACKET.finditer(text))):
        qualifiers.insert(0, bracket.group(1).strip())
        text = text[: bracket.start()] + text[bracket.end() :]
    name, person = _strip_person(_tidy(text))
    if not any(char.isalnum() for char in name):
        return None
    name, short = _expanded(name, short, abbreviations)
    name = name[0].upper() + name[1:]
    qualifier = ", ".join(part for part in qualifiers if part) or None
    return ParsedExecutor(
        name=name[:MAX_NAME_LENGTH],
        short_name=short,
        lead=lead,
        by_agreement=by_agreement,
        person=person,
        qualifier=qualifier,
        source_text=source + "".join(", " + part for part in body.qualifiers),
    )


def _strip_person(text: str) -> tuple[str, str | None]:
    """(post, whole text) for `Post Surname I.O.`; (text, None) when no person is named."""
    match = PERSON.search(text)
    if not match:
        return text, None
    post = _tidy(text[: match.start()])
    return (post or text), text


def _expanded(name: str, short: str | None, abbreviations: Abbreviations) -> tuple[str, str | None]:
    full = abbreviations.full_name(name)
    if full:
        return full, name
    return name, short or abbreviations.short_name(name)


def _tidy(text: str) -> str:
    """Spaces collapsed, punctuation around removed (not the dot of a final initial: `К.Н.`)."""
    text = " ".join(text.split()).strip(" ,;:–—-")
    while text.endswith(".") and not INITIAL_AT_END.search(text):
        text = text[:-1].rstrip(" ,;:–—-")
    return text
