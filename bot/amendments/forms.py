"""The standard forms of Russian legal drafting an amendment statement is written in.

A statement is read on its "skeleton": the statement with every quoted passage replaced by a
numbered token (`⟦0⟧`), so that the words quoted never disturb the grammar and come back
exactly as written. A statement must be consumed whole by one form, else it is not understood
(never guessed):
- `[в] строке|строках|пункте 1.4[, 2.6 и 2.7 | 4.1 – 4.3 | с 4.1 по 4.3] [в графе 3|"Срок"]`
  followed by one or more of `слова "X" заменить словами "Y"`, `слова "X" исключить`,
  `после слов "X" дополнить словами "Y"` (`слова` / `цифры` / `число` / `дату` …); the same
  with `в графе 3 строки 5.1` first; a column named by its header gives the field, one named by
  its number gives `column`;
- `строку 3.2 изложить в следующей редакции:` + the new row; `графу 3 строки 5.1 изложить в
  следующей редакции: "…"`;
- `[после строки 3.7] дополнить строкой 3.8 следующего содержания:` + the new row;
- `строку 4.1 исключить` / `признать утратившей силу`;
- `в названии|наименовании [приложения № 5]` + the word operations; `наименование [приложения
  № 5] изложить в следующей редакции: "…"` — the title of an appendix (or of the act's plan);
- `после таблицы дополнить сноской следующего содержания: "…"`, understood when the footnote
  says a body's measures pass to a successor from a date;
- `дополнить приложением № 29 согласно приложению № 1 к настоящему распоряжению`;
- `С 5 июня 2024 года реализация мероприятий [Министерства …] осуществляется Министерством …`
  anywhere in a statement (the body named in the sentence, else in the appendix's title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.plan_import.deadlines import MONTH_STEMS, read_deadline
from bot.plan_import.model import normalise_number
from bot.plan_import.numbering import read_number

from .order import Action, Change, Field, RowText

QUOTE_PAIRS = {"«": "»", "„": "“", "“": "”"}
TOKEN = "⟦{}⟧"
Q = r"⟦(\d+)⟧"

NUMBER = r"\d{1,4}(?:\.\d{1,3}){0,7}\.?"
ROWS = rf"(?:с\s+)?{NUMBER}(?:\s*(?:,|\bи\b|[-–—]|\bпо\b)\s*{NUMBER})*"
ROW_WORD = r"(?:строк|пункт|подпункт|позици)\w*"
COLUMN_WORD = r"граф\w*"


def column_pattern(prefix: str) -> str:
    return rf"{COLUMN_WORD}\s+(?:(?P<{prefix}_number>\d{{1,2}})\b|⟦(?P<{prefix}_quote>\d+)⟧)"


TABLE_TAIL = r"(?:\s+(?:таблицы|плана|приложения))?"
WORDS_NOUN = r"(?:слов|цифр|числ|дат|текст|знак|сумм|символ)\w*"
END = r"\s*[;.]?\s*$"
EDITION = r"изложить\s+в\s+(?:следующей|новой)\s+редакции"

LOCATION = re.compile(
    rf"^(?:в\s+)?(?:{column_pattern('lead')}\s+)?{ROW_WORD}\s+(?P<rows>{ROWS}){TABLE_TAIL}"
    rf"(?:\s*,?\s*(?:в\s+)?{column_pattern('tail')})?\s*,?\s*",
    re.IGNORECASE,
)
TITLE_LOCATION = re.compile(
    r"^в\s+(?:названии|наименовании|заголовке)(?:\s+приложения(?:\s*№\s*(?P<appendix>\d+))?"
    rf"(?:\s*{Q})?)?\s*,?\s*",
    re.IGNORECASE,
)
OPERATIONS = (
    (
        Action.REPLACE,
        re.compile(rf"{WORDS_NOUN}\s+{Q}\s+заменить\s+(?:на\s+)?{WORDS_NOUN}\s+{Q}", re.I),
    ),
    (Action.DELETE, re.compile(rf"{WORDS_NOUN}\s+{Q}\s+исключить", re.IGNORECASE)),
    (
        Action.ADD,  # "после слов X дополнить словами Y": X replaced by "X Y"
        re.compile(rf"после\s+{WORDS_NOUN}\s+{Q}\s+дополнить\s+{WORDS_NOUN}\s+{Q}", re.I),
    ),
)
SEPARATOR = re.compile(r"\s*(?:,\s*(?:а\s+)?|;\s*|\s+и\s+|\s+а\s+)\s*", re.IGNORECASE)
RESTATE_ROWS = re.compile(
    rf"^{ROW_WORD}\s+(?P<rows>{ROWS}){TABLE_TAIL}\s+{EDITION}\s*:?\s*(?:⟦(?P<new>\d+)⟧)?{END}",
    re.IGNORECASE,
)
RESTATE_COLUMN = re.compile(
    rf"^{column_pattern('lead')}\s+{ROW_WORD}\s+(?P<rows>{ROWS}){TABLE_TAIL}\s+{EDITION}"
    rf"\s*:?\s*(?:⟦(?P<new>\d+)⟧)?{END}",
    re.IGNORECASE,
)
ADD_ROWS = re.compile(
    rf"^(?:после\s+{ROW_WORD}\s+{NUMBER}\s*,?\s*)?дополнить\s+(?:таблицу\s+)?(?:нов\w+\s+)?"
    rf"{ROW_WORD}\s+(?P<rows>{ROWS})\s+следующего\s+содержания\s*:?\s*(?:⟦(?P<new>\d+)⟧)?{END}",
    re.IGNORECASE,
)
REMOVE_ROWS = re.compile(
    rf"^{ROW_WORD}\s+(?P<rows>{ROWS}){TABLE_TAIL}\s+"
    rf"(?:исключить|признать\s+утративш\w+\s+силу){END}",
    re.IGNORECASE,
)
RESTATE_TITLE = re.compile(
    r"^(?:название|наименование|заголовок)(?:\s+приложения\s*№\s*(?P<appendix>\d+)"
    rf"(?:\s*{Q})?)?\s+{EDITION}\s*:?\s*(?:{Q})?{END}",
    re.IGNORECASE,
)
FOOTNOTE = re.compile(
    rf"^(?:после\s+таблицы\s+)?дополнить\s+сноск\w+\s+следующего\s+содержания\s*:?\s*(?:{Q})?{END}",
    re.IGNORECASE,
)
ADD_APPENDIX = re.compile(
    r"^дополнить\s+приложением\s*№\s*(?P<number>\d+[\w.]*?)\s+согласно\s+приложению\s*№\s*"
    rf"(?P<source>\d+)(?:\s+к\s+настоящему\s+\w+)?{END}",
    re.IGNORECASE,
)

MONTH = "|".join(f"(?:{stem})" for stem in MONTH_STEMS)


def date_pattern(prefix: str) -> str:
    """A date «5 июня 2024 года» / «05.06.2024», its parts in groups named after `prefix`."""
    return (
        rf"(?:[«\"]?(?P<{prefix}d>\d{{1,2}})[»\"]?\s*(?P<{prefix}m>{MONTH})[а-я]*\s+"
        rf"(?P<{prefix}y>\d{{4}})"
        rf"|(?P<{prefix}nd>\d{{1,2}})\.(?P<{prefix}nm>\d{{1,2}})\.(?P<{prefix}ny>\d{{4}}))"
        r"(?:\s*(?:года|г\.))?"
    )


DATE_PATTERN = re.compile(date_pattern("x"), re.IGNORECASE)
SUCCESSION = re.compile(
    rf"(?:^|[\s*\d¹²³])[сС]\s+{date_pattern('s')}\s*,?\s+"
    r"(?:реализаци[яю]|исполнени[ея]|выполнени[ея])\s+мероприятий(?P<middle>.*?)\s+"
    r"осуществля(?:ется|ет|ются)\s+(?P<successor>[^;]+?)\s*[.;]?\s*$",
    re.IGNORECASE | re.DOTALL,
)
BODY_START = re.compile(
    r"^(?:[А-ЯЁ]|(?:министерств|департамент|комитет|управлени|агентств|служб|инспекци|аппарат"
    r"|администраци|орган|правительств|государственн|главн)\w*\s)"
)
TITLE_PURPOSE = re.compile(
    r"\s+(?:по|в\s+целях|для)\s+(?:внедрени|повышени|реализаци|достижени|обеспечени|развити"
    r"|переход|организаци|совершенствовани|цифров|оптимизаци)",
    re.IGNORECASE,
)
TITLE_LEAD = re.compile(
    r"^\s*(?:типовой\s+|комплексный\s+)?план(?:-график)?\s+мероприятий\s*"
    r"(?:\(\s*[\"«„“]?\s*дорожн\w+\s+карт\w*\s*[\"»“”]?\s*\)|[\"«„“]\s*дорожн\w+\s+карт\w*\s*"
    r"[\"»“”])?\s*",
    re.IGNORECASE,
)


def month_number(word: str) -> int:
    for index, stem in enumerate(MONTH_STEMS, 1):
        if re.match(stem, word, re.IGNORECASE):
            return index
    raise ValueError(word)


def date_of(match: re.Match[str], prefix: str) -> date | None:
    """The date a `DATE` group with `prefix` matched, None when it is no calendar day."""
    try:
        if match.group(f"{prefix}d"):
            return date(
                int(match.group(f"{prefix}y")),
                month_number(match.group(f"{prefix}m")),
                int(match.group(f"{prefix}d")),
            )
        return date(
            int(match.group(f"{prefix}ny")),
            int(match.group(f"{prefix}nm")),
            int(match.group(f"{prefix}nd")),
        )
    except ValueError:
        return None


def first_date(text: str) -> date | None:
    for match in DATE_PATTERN.finditer(text):
        found = date_of(match, "x")
        if found is not None:
            return found
    return None


# Quotes -------------------------------------------------------------------------------------


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Outermost quoted passages (`start`, `end` past the closing quote); an unclosed quote
    is left as text. Straight quotes nest: one after a space or bracket opens, else closes."""
    spans = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in QUOTE_PAIRS or char == '"':
            end = _quote_end(text, index)
            if end is not None:
                spans.append((index, end + 1))
                index = end + 1
                continue
        index += 1
    return spans


def _quote_end(text: str, start: int) -> int | None:
    opener = text[start]
    depth = 1
    if opener in QUOTE_PAIRS:
        closer = QUOTE_PAIRS[opener]
        for index in range(start + 1, len(text)):
            if text[index] == closer:
                depth -= 1
                if depth == 0:
                    return index
            elif text[index] == opener:
                depth += 1
        return None
    for index in range(start + 1, len(text)):
        if text[index] != '"':
            continue
        before = text[index - 1]
        if before.isspace() or before in "(«[„“":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return index
    return None


def balanced(text: str) -> bool:
    """Whether every quote opened in `text` is closed."""
    if text.count('"') % 2 or text.count("«") != text.count("»"):
        return False
    return text.count("„") <= text.count("“")


@dataclass(frozen=True, slots=True)
class Skeleton:
    text: str  # the statement with each quoted passage as ⟦n⟧
    quotes: tuple[str, ...]  # the passages, without their quotes, spaces normalised
    written: tuple[str, ...] = ()  # the passages with their quotes, as written

    def quote(self, token: str | None) -> str | None:
        return None if token is None else self.quotes[int(token)]

    def restore(self, text: str) -> str:
        """A piece of the skeleton with its quoted passages back as written."""
        return re.sub(r"⟦(\d+)⟧", lambda found: self.written[int(found[1])], text)


def skeleton(text: str) -> Skeleton:
    parts, quotes, written, last = [], [], [], 0
    for start, end in quote_spans(text):
        parts.append(text[last:start])
        parts.append(TOKEN.format(len(quotes)))
        quotes.append(" ".join(text[start + 1 : end - 1].split()))
        written.append(" ".join(text[start:end].split()))
        last = end
    parts.append(text[last:])
    return Skeleton(" ".join("".join(parts).split()), tuple(quotes), tuple(written))


def unquote(text: str) -> str:
    """The text without the quotes around it and the `;` / `.` after them."""
    text = " ".join(text.split()).rstrip(";,").strip()
    spans = quote_spans(text)
    if spans and spans[0] == (0, len(text)):
        return text[1:-1].strip()
    if spans and spans[0][0] == 0 and text[spans[0][1] :].strip() in (".", ";", ""):
        return text[1 : spans[0][1] - 1].strip()
    return text


# Rows -----------------------------------------------------------------------------------------


def row_numbers(text: str) -> list[str] | None:
    """`2.6, 2.7` / `4.1 – 4.3` / `с 4.1 по 4.3` / `2.6 и 2.7` → the rows; None when a range
    cannot be told row by row."""
    text = re.sub(r"^с\s+", "", text.strip(), flags=re.IGNORECASE)
    rows: list[str] = []
    for part in re.split(r"\s*(?:,|\bи\b)\s*", text):
        if not part:
            continue
        bounds = re.split(r"\s*(?:[-–—]|\bпо\b)\s*", part)
        if len(bounds) == 1:
            rows.append(normalise_number(part))
            continue
        if len(bounds) != 2:
            return None
        cell = read_number(f"{bounds[0].rstrip('.')}-{bounds[1].rstrip('.')}")
        if cell is None or not cell.is_range:
            return None
        rows.extend(normalise_number(number) for number in cell.numbers)
    return rows or None


def column_field(name: str) -> Field | None:
    """The field of a column named by its header («Срок исполнения» → deadline)."""
    lowered = name.lower()
    if "срок" in lowered or "дата" in lowered:
        return Field.DEADLINE
    if "ответствен" in lowered or "исполнител" in lowered:
        return Field.EXECUTORS
    if "результат" in lowered or "документ" in lowered:
        return Field.RESULT
    if "мероприяти" in lowered or "наименован" in lowered or "содержани" in lowered:
        return Field.TITLE
    return None


def row_text(cells: list[str], number: str) -> RowText | None:
    """A new row from its cells: the number if the first cell is one (else `number`), the
    title, then a date-like cell is the deadline and the cells after it the executors and the
    result; with no date-like cell the cells are taken in the usual order."""
    cells = [" ".join(cell.split()) for cell in cells]
    while cells and not cells[0]:
        cells.pop(0)
    while cells and not cells[-1]:
        cells.pop()
    if not cells:
        return None
    cells[0] = cells[0].lstrip('"«„“ ')
    cells[-1] = re.sub(r"[\"»“”]*\s*[;.]?$", "", cells[-1]).strip() or cells[-1]
    head = read_number(cells[0])
    if head is not None and len(head.numbers) == 1:
        number = normalise_number(head.numbers[0])
        cells = cells[1:]
    elif len(cells) >= 1:
        match = re.match(rf"^({NUMBER})\s+(\S.*)$", cells[0])
        if match and match.group(1).count(".") >= 1:
            number = normalise_number(match.group(1))
            cells[0] = match.group(2)
    if not cells or not cells[0]:
        return None
    title, rest = cells[0], cells[1:]
    dated = next((i for i, cell in enumerate(rest) if _deadline_like(cell)), None)
    if dated is not None:
        after = rest[dated + 1 :]
        return RowText(
            number=number,
            title=title,
            deadline=rest[dated],
            executors=after[0] if after else "",
            result=" ".join(after[1:]),
        )
    if len(rest) >= 3:
        return RowText(number, title, rest[0], rest[1], " ".join(rest[2:]))
    return RowText(number, title, "", rest[0] if rest else "", rest[1] if len(rest) > 1 else "")


def _deadline_like(cell: str) -> bool:
    if not cell or len(cell) > 120:
        return False
    reading = read_deadline(cell)
    return reading.has_date or reading.issue == "periodic_deadline"


def payload_rows(rows: list[list[str]], text: str) -> list[list[str]]:
    """The new rows an order gives: table rows, else its text (cells split by `|`)."""
    if rows:
        return rows
    text = unquote(text)
    if not text:
        return []
    return [[cell.strip() for cell in text.split("|")]]


# Statements ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Place:
    """Where the statements of a part of the order apply."""

    act: int = 0
    appendix: str | None = None
    appendix_title: str | None = None
    rows: tuple[str, ...] = ()  # «в строке 1.4:» before a list of word operations
    column: int | None = None
    field: Field | None = None

    def change(
        self,
        text: str,
        *,
        row: str,
        field: Field | None,
        action: Action,
        before: str | None = None,
        after: str | None = None,
        new_row: RowText | None = None,
        column: int | None = None,
    ) -> Change:
        """A change to a row here (in this appendix, or in the act's own table)."""
        return Change(
            row=row,
            field=field,
            action=action,
            before=before,
            after=after,
            new_row=new_row,
            appendix=self.appendix,
            appendix_title=self.appendix_title,
            column=column,
            text=text,
        )


@dataclass(slots=True)
class Reading:
    """What one statement says: changes, or a succession, or an appendix to add."""

    changes: list[Change] = field(default_factory=list)
    succession: tuple[str | None, str, date] | None = None  # body (None: the title's), …
    appendix: tuple[str, str] | None = None  # (new number, the order's appendix number)
    footnote_not_understood: bool = False


def read_statement(
    text: str, place: Place, payload: str = "", rows: list[list[str]] | None = None
) -> Reading | None:
    """The statement in one of the standard forms, or None when it is in none."""
    shape = skeleton(text)
    body = shape.text
    reading = (
        _words_in_rows(shape, body, place, text)
        or _title_words(shape, body, place, text)
        or _restate_rows(shape, body, place, text, payload, rows or [])
        or _restate_column(shape, body, place, text, payload)
        or _add_rows(shape, body, place, text, payload, rows or [])
        or _remove_rows(body, place, text)
        or _restate_title(shape, body, place, text, payload)
        or _footnote(shape, body, payload)
        or _add_appendix(body)
    )
    if reading is not None:
        return reading
    succession = read_succession(unquote(text))
    if succession is not None:
        return Reading(succession=succession)
    return None


def read_succession(text: str) -> tuple[str | None, str, date] | None:
    """«С 5 июня 2024 года реализация мероприятий осуществляется Министерством спорта …» →
    (the body named in the sentence or None, the successor, the date)."""
    match = SUCCESSION.search(" ".join(text.split()))
    if match is None:
        return None
    since = date_of(match, "s")
    if since is None:
        return None
    successor = match.group("successor").strip(' ,.;"»“”')
    middle = match.group("middle").strip(" ,")
    body = middle if BODY_START.match(middle) else None
    return (body, successor, since) if successor else None


def body_of_title(title: str | None) -> str | None:
    """The body a plan's title names: «План мероприятий ("Дорожная карта") Министерства спорта
    Омской области по внедрению …» → «Министерства спорта Омской области»."""
    if not title:
        return None
    rest = TITLE_LEAD.sub("", title, count=1)
    if rest == title:
        return None
    purpose = TITLE_PURPOSE.search(rest)
    body = (rest[: purpose.start()] if purpose else rest).strip(" ,.*")
    return body or None


def _operations(shape: Skeleton, rest: str) -> list[tuple[Action, str, str | None]] | None:
    """`слова "X" заменить словами "Y", слова "Z" исключить` → (action, before, after)…; None
    unless the whole text is such operations."""
    found = []
    position = 0
    rest = re.sub(r"\s*[;.]\s*$", "", rest)
    while True:
        found_at = _operation_at(rest, position)
        if found_at is None:
            return None
        action, match = found_at
        before = shape.quote(match.group(1)) or ""
        if action is Action.ADD:
            after = shape.quote(match.group(2)) or ""
            joined = after if after[:1] in ",.;:)" else f" {after}"
            found.append((Action.REPLACE, before, before + joined))
        elif action is Action.REPLACE:
            found.append((Action.REPLACE, before, shape.quote(match.group(2))))
        else:
            found.append((Action.DELETE, before, None))
        position = match.end()
        if position >= len(rest):
            return found
        separator = SEPARATOR.match(rest, position)
        if separator is None:
            return None
        position = separator.end()


def _operation_at(rest: str, position: int) -> tuple[Action, re.Match[str]] | None:
    for action, pattern in OPERATIONS:
        match = pattern.match(rest, position)
        if match:
            return action, match
    return None


def _column(shape: Skeleton, match: re.Match[str], place: Place) -> tuple[Field | None, int | None]:
    for prefix in ("lead", "tail"):
        groups = match.groupdict()
        if groups.get(f"{prefix}_number"):
            return None, int(groups[f"{prefix}_number"])
        if groups.get(f"{prefix}_quote"):
            name = shape.quote(groups[f"{prefix}_quote"]) or ""
            named = column_field(name)
            if named is None:
                raise _NotUnderstood
            return named, None
    return place.field, place.column


class _NotUnderstood(Exception):
    pass


def _words_in_rows(shape: Skeleton, body: str, place: Place, text: str) -> Reading | None:
    match = LOCATION.match(body)
    if match is not None:
        rows = row_numbers(match.group("rows"))
        try:
            column_field_, column = _column(shape, match, place)
        except _NotUnderstood:
            return None
        rest = body[match.end() :]
    elif place.rows:
        rows, column_field_, column, rest = list(place.rows), place.field, place.column, body
    else:
        return None
    operations = _operations(shape, rest)
    if not rows or operations is None:
        return None
    return Reading(
        changes=[
            place.change(
                text,
                row=row,
                field=column_field_,
                action=action,
                before=before,
                after=after,
                column=column,
            )
            for row in rows
            for action, before, after in operations
        ]
    )


def _title_words(shape: Skeleton, body: str, place: Place, text: str) -> Reading | None:
    match = TITLE_LOCATION.match(body)
    if match is None:
        return None
    operations = _operations(shape, body[match.end() :])
    if operations is None:
        return None
    appendix, title = _appendix_named(shape, match, place)
    return Reading(
        changes=[
            Change(
                row=None,
                field=Field.TITLE,
                action=action,
                before=before,
                after=after,
                appendix=appendix,
                appendix_title=title,
                text=text,
            )
            for action, before, after in operations
        ]
    )


def _appendix_named(
    shape: Skeleton, match: re.Match[str], place: Place
) -> tuple[str | None, str | None]:
    number = match.groupdict().get("appendix")
    if not number:
        return place.appendix, place.appendix_title
    quoted = match.group(2) if match.re.groups >= 2 else None
    return number, shape.quote(quoted) if quoted else None


def _new_rows(
    numbers: list[str], payload: str, rows: list[list[str]], quoted: str | None
) -> list[RowText] | None:
    given = payload_rows(rows, quoted if quoted is not None else payload)
    if len(given) != len(numbers):
        return None
    result = []
    for number, cells in zip(numbers, given, strict=True):
        new = row_text(cells, number)
        if new is None or new.number != number:
            return None
        result.append(new)
    return result


def _restate_rows(
    shape: Skeleton, body: str, place: Place, text: str, payload: str, rows: list[list[str]]
) -> Reading | None:
    return _new_row_statement(RESTATE_ROWS, Action.RESTATE, shape, body, place, text, payload, rows)


def _new_row_statement(
    pattern: re.Pattern[str],
    action: Action,
    shape: Skeleton,
    body: str,
    place: Place,
    text: str,
    payload: str,
    rows: list[list[str]],
) -> Reading | None:
    """A statement that gives rows whole (restated or added): one change per row given."""
    match = pattern.match(body)
    if match is None:
        return None
    numbers = row_numbers(match.group("rows"))
    quoted = shape.quote(match.group("new"))
    new_rows = _new_rows(numbers or [], payload, rows, quoted) if numbers else None
    if not new_rows:
        return None
    return Reading(
        changes=[
            place.change(text, row=new.number, field=Field.ROW, action=action, new_row=new)
            for new in new_rows
        ]
    )


def _restate_column(
    shape: Skeleton, body: str, place: Place, text: str, payload: str
) -> Reading | None:
    match = RESTATE_COLUMN.match(body)
    if match is None:
        return None
    numbers = row_numbers(match.group("rows"))
    try:
        column_field_, column = _column(shape, match, place)
    except _NotUnderstood:
        return None
    quoted = shape.quote(match.group("new"))
    after = quoted if quoted is not None else unquote(payload)
    if not numbers or not after:
        return None
    return Reading(
        changes=[
            place.change(
                text,
                row=row,
                field=column_field_,
                action=Action.RESTATE,
                after=after,
                column=column,
            )
            for row in numbers
        ]
    )


def _add_rows(
    shape: Skeleton, body: str, place: Place, text: str, payload: str, rows: list[list[str]]
) -> Reading | None:
    return _new_row_statement(ADD_ROWS, Action.ADD, shape, body, place, text, payload, rows)


def _remove_rows(body: str, place: Place, text: str) -> Reading | None:
    match = REMOVE_ROWS.match(body)
    if match is None:
        return None
    numbers = row_numbers(match.group("rows"))
    if not numbers:
        return None
    return Reading(
        changes=[
            place.change(text, row=row, field=Field.ROW, action=Action.REMOVE) for row in numbers
        ]
    )


def _restate_title(
    shape: Skeleton, body: str, place: Place, text: str, payload: str
) -> Reading | None:
    match = RESTATE_TITLE.match(body)
    if match is None:
        return None
    after = shape.quote(match.group(3)) if match.group(3) else unquote(payload)
    if not after:
        return None
    if match.group("appendix"):
        appendix = match.group("appendix")
        title = shape.quote(match.group(2)) if match.group(2) else None
    else:
        appendix, title = place.appendix, place.appendix_title
    return Reading(
        changes=[
            Change(
                row=None,
                field=Field.TITLE,
                action=Action.RESTATE,
                after=after,
                appendix=appendix,
                appendix_title=title,
                text=text,
            )
        ]
    )


def _footnote(shape: Skeleton, body: str, payload: str) -> Reading | None:
    match = FOOTNOTE.match(body)
    if match is None:
        return None
    note = shape.quote(match.group(1)) if match.group(1) else unquote(payload)
    succession = read_succession(note) if note else None
    if succession is None:
        return Reading(footnote_not_understood=True)
    return Reading(succession=succession)


def _add_appendix(body: str) -> Reading | None:
    match = ADD_APPENDIX.match(body)
    if match is None:
        return None
    return Reading(appendix=(match.group("number"), match.group("source")))
