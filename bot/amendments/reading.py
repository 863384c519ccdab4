"""Reading an amendment order: its file or text → `AmendmentOrder` (plain values, no database).

Rules:
- the file is told by its content as a plan's is (`bot.plan_import.sniffing`, same size caps):
  a Word document gives its paragraphs and table rows in document order (a row as its cells
  joined by tabs, as in a text copy); text is UTF-8 or Windows-1251 (a PDF's text copy); any
  other file, or text with nothing of an order, raises `OrderUnreadable(reason)`;
- the order's own appendices (`Приложение № 1` over `к распоряжению …`) are cut off first: the
  text of each runs from its heading to the next such heading or the end;
- the header (before the title «О внесении изменений …» or the first point) gives the number
  and date: «28 ноября 2024 года» and «№ 329-рп» on lines of their own, or «от 28.11.2024
  № 329-рп»;
- the body is cut into statements: a point (`1.`), a sub-point (`1)`, `а)`), a dash item, or a
  sentence; a statement runs over wrapped lines until its `;`, `.` or `:` with its quotes
  closed; one ending in «следующего содержания:» / «в следующей редакции:» takes what follows
  as its content (table rows, or a quoted text);
- «Внести в <act> следующие изменения:» opens an act (`AmendedAct`: its title, number and
  date); the statements under it belong to it (`act` is its index in `order.acts`). An act that
  is not a plan of measures (its title names no plan or roadmap) is kept in `acts`, and each of
  its statements becomes `NotUnderstood(reason=OTHER_ACT)`; so does a point that names such an
  act itself («Приложение № 2 "Рекомендации …" к распоряжению … № 230-рп дополнить …»);
- «в таблице:» and «в приложении № 5 "Title":» say where the statements under them apply; a
  heading that says neither is not understood, and neither are the statements under it;
- each statement is read by `bot.amendments.forms`; one under an act that reads in no form is
  `NotUnderstood(reason=UNKNOWN_FORM)` with its text. Text outside any act (the signature,
  «Контроль за исполнением …») is no statement, except a sentence naming a successor; a
  sentence does not run over a blank line, nor any statement past `MAX_STATEMENT` characters;
- a text where nothing was understood (no change, successor or appendix) is an order only when
  it has an order's form (`looks_like_order`) and names an act or a statement; else
  `OrderUnreadable("not_an_order")`. Nothing else is ever raised.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date

from bot.plan_import.blocks import Paragraph, Row
from bot.plan_import.bounds import check_lines
from bot.plan_import.docx_source import DocxReader
from bot.plan_import.model import ImportFailure
from bot.plan_import.numbering import read_number
from bot.plan_import.reading import read_plan
from bot.plan_import.sniffing import SourceKind, decode_text, detect
from bot.plan_import.structure import continues_title, is_title_start

from .forms import (
    ROWS,
    Place,
    Skeleton,
    balanced,
    body_of_title,
    date_of,
    date_pattern,
    first_date,
    read_statement,
    read_succession,
    row_numbers,
    skeleton,
)
from .order import (
    AmendedAct,
    AmendmentOrder,
    AppendixAddition,
    Change,
    NotUnderstood,
    Reason,
    Successor,
)

logger = logging.getLogger(__name__)

POINT = re.compile(r"^(\d{1,2})\.\s+(?=\S)")
SUB_POINT = re.compile(r"^(\d{1,2})\)\s*(?=\S)")
LETTER_POINT = re.compile(r"^([а-яё])\)\s*(?=\S)", re.IGNORECASE)
ITEM = re.compile(r"^[-–—•]\s*(?=\S)")
LEVELS = {"point": 1, "sub": 2, "letter": 3, "item": 4, "plain": 5}

ORDER_APPENDIX = re.compile(r"^приложение\s*(?:№\s*)?(\d{1,3})\b(.*)$", re.IGNORECASE)
TO_ORDER = re.compile(
    r"^к\s+(?:настоящему\s+)?(?:распоряжению|постановлению|приказу|указу|решению)\b", re.I
)
ORDER_TITLE = re.compile(r"^(?:О|Об)\s+\S", re.UNICODE)
NUMBER = r"№\s*(?P<number>(?=[\w\-/.]*\d)\w(?:[\w\-/.]*\w)?)"
NUMBER_PATTERN = re.compile(NUMBER)
DATED_NUMBER = re.compile(rf"\bот\s+{date_pattern('o')}\s*{NUMBER}", re.IGNORECASE)
ACT_HEADING = re.compile(
    r"^внести\s+(?:в\s+)?(?P<what>.+?)\s*,?\s*(?:следующ\w+\s+)?изменени[еяй]\w*\s*:?\s*$",
    re.IGNORECASE,
)
ACT_REFERENCE = re.compile(
    r"(?P<lead>к\s+|утвержденн\w+\s+|,\s*)?(?P<kind>распоряжени|постановлени|приказ|указ|решени)"
    rf"\w*\s+(?!настоящ)[^⟦]*?\bот\s+{date_pattern('a')}\s*{NUMBER}",
    re.IGNORECASE,
)
PLAN_WORDS = re.compile(r"план|дорожн\w*\s+карт", re.IGNORECASE)
TABLE_HEADING = re.compile(r"^в\s+таблице(?:\s+плана)?\s*[,:]?\s*", re.IGNORECASE)
APPENDIX_HEADING = re.compile(
    r"^в\s+приложени[ия]\s*№\s*(?P<number>\d+)\s*(?:⟦(?P<title>\d+)⟧)?\s*"
    r"(?:к\s+(?:плану|приложению)[^:,]*)?\s*[,:]?\s*",
    re.IGNORECASE,
)
ROWS_HEADING = re.compile(
    r"^(?:в\s+)?(?:граф\w*\s+(?P<column>\d{1,2})\s+)?(?:строк|пункт|позици)\w*\s+"
    rf"(?P<rows>{ROWS})\s*:$",
    re.IGNORECASE,
)
STATEMENT_WORDS = re.compile(
    r"замен|исключ|изложить|дополн|утративш|внести|читать|добав|осуществля", re.IGNORECASE
)
PAYLOAD_HEADING = re.compile(r"(?:содержания|редакции)\s*:$", re.IGNORECASE)
ABBREVIATION_END = re.compile(r"(?:^|\s)(?:г|гг|ст|п|пп|т\.\s?д|т\.\s?п|им|ул|д|обл)\.$", re.I)
ORDER_TITLE_MARK = re.compile(r"^ *(?:О\s+внесении\s+изменени|Об\s+изменени)", re.MULTILINE)
AMENDING_MARK = re.compile(
    r"^ *(?:\d{1,2}\.\s+)?Внести\s+(?:в\s+)?[^\n\t]{0,800}?"
    r"(?:следующ\w*\s+изменени|изменени\w*\s*:)",
    re.MULTILINE,
)
MAX_HEADER_LINES = 40
MAX_STATEMENT = 5000  # characters: a line past it starts a new statement
OTHER_ACT_START = re.compile(
    r"^(?:приложение|признать|внести|в\s+(?:распоряжени|постановлени|приказ|приложени))", re.I
)


class OrderUnreadable(Exception):
    """The file is no order the bot can read; `reason` is a machine value: the plan importer's
    failure codes (`empty`, `unsupported_format`, `corrupted`, `too_large`, …),
    `not_an_order` (nothing of an amendment order in it) or `unreadable` (the reader broke
    down: logged as a bug)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_order(content: bytes, file_name: str) -> AmendmentOrder:
    """The order in a file (.docx, .txt, a PDF's text copy); `OrderUnreadable` otherwise."""
    return read_order_text(order_text(content, file_name))


def order_text(content: bytes, file_name: str) -> str:
    """The text of an order's file (a Word document as paragraphs and tab-joined table rows)."""
    try:
        kind, text = detect(content, file_name)
        if kind is SourceKind.DOCX:
            text = _docx_text(content)
        elif kind is not SourceKind.TEXT:
            raise ImportFailure("unsupported_format", kind=kind.value.upper())
        text = text if text is not None else decode_text(content)
        check_lines(text)
    except ImportFailure as failure:
        raise OrderUnreadable(failure.code) from None
    except Exception:
        logger.exception("Unexpected error while reading an order")
        raise OrderUnreadable("unreadable") from None
    return text


def _docx_text(content: bytes) -> str:
    lines = []
    for block in DocxReader(content).blocks():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Row):
            lines.append("\t".join(" ".join(cell.split()) for cell in block.cells))
    return "\n".join(lines)


def looks_like_order(text: str) -> bool:
    """Whether the text is an amendment order rather than a plan: a title «О внесении
    изменений …» among its first lines, or a line «Внести в … следующие изменения:» (the plan
    importer sends such a file to /amend). Lines inside a table (tab-led) do not count."""
    head = "\n".join(line for line in text[:20_000].split("\n") if line.strip())
    head = "\n".join(head.split("\n")[:MAX_HEADER_LINES])
    return bool(ORDER_TITLE_MARK.search(head) or AMENDING_MARK.search(text[:1_000_000]))


def read_order_text(text: str) -> AmendmentOrder:
    """The order in its text; `OrderUnreadable` when it holds nothing of an order."""
    try:
        order = _Reader(text).read()
    except OrderUnreadable:
        raise
    except (MemoryError, RecursionError):
        raise OrderUnreadable("unreadable") from None
    except Exception:
        logger.exception("Unexpected error while reading an order's text")
        raise OrderUnreadable("unreadable") from None
    if not order.anything and not ((order.acts or order.not_understood) and looks_like_order(text)):
        raise OrderUnreadable("not_an_order")  # nothing of an order understood, nor its form
    return order


# The text's parts ------------------------------------------------------------------------------


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    text = re.sub(r"[\u00ad\u200b-\u200d\u2060\ufeff]", "", text)
    return [line.rstrip() for line in text.split("\n")]


def _order_appendices(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """The order's body and its own appendices' texts by number."""
    starts: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        match = ORDER_APPENDIX.match(line.strip())
        if match is None or STATEMENT_WORDS.search(line):  # «Приложение № 2 … дополнить …»
            continue
        rest = match.group(2).strip()
        following = rest or _next_text(lines, index)
        if following and TO_ORDER.match(following):
            starts.append((index, match.group(1)))
    if not starts:
        return lines, {}
    texts = {}
    for position, (start, number) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        texts.setdefault(number, "\n".join(lines[start:end]).strip("\n") + "\n")
    return lines[: starts[0][0]], texts


def _next_text(lines: list[str], index: int) -> str:
    for line in lines[index + 1 : index + 4]:
        if line.strip():
            return line.strip()
    return ""


@dataclass(slots=True)
class _Unit:
    """One statement as written: its marker's kind, text and the content that follows it."""

    kind: str
    text: str
    payload: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    wants_payload: bool = False  # it ends in «следующего содержания:» / «в следующей редакции:»
    taking: bool = False  # what follows is still its content
    ended: bool = False  # closed by a blank line

    @property
    def closed(self) -> bool:
        return _closed(self.text)

    @property
    def payload_text(self) -> str:
        return " ".join(self.payload)

    @property
    def full_text(self) -> str:
        parts = [self.text, self.payload_text, *(" | ".join(row) for row in self.rows)]
        return " ".join(part for part in parts if part)


def _closed(text: str) -> bool:
    text = text.rstrip()
    if not text.endswith((";", ".", ":")) or not balanced(text):
        return False
    return not ABBREVIATION_END.search(text)


def _units(lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    current: _Unit | None = None
    cell_row: list[str] | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            if current is not None and cell_row is None and current.rows:
                current.taking = False  # a blank line after a row ends the new rows
            if current is not None and current.kind == "plain" and not current.closed:
                current.ended = True  # a sentence does not run over a blank line
            cell_row = None
            continue
        if "\t" in raw.strip(" ") and (current is None or not current.payload):
            cells = raw.split("\t")
            taking = current is not None and current.taking
            if raw.startswith("\t") and len(cells) == 2:  # one cell a line: a row's cells
                if taking and current is not None:
                    if cell_row is None:
                        cell_row = []
                        current.rows.append(cell_row)
                    cell_row.append(cells[1].strip())
                continue
            cell_row = None
            if taking and current is not None:
                cells = [cell.strip() for cell in cells]
                if current.rows and read_number(cells[0].lstrip('"«„“')) is None:
                    current.taking = False  # not one more new row
                    continue
                current.rows.append(cells)
                if _closed(cells[-1]) and cells[-1].rstrip(";.")[-1:] in '"»“”':
                    current.taking = False  # the closing quote: the last new row
            continue
        if cell_row is not None and current is not None:
            current.taking = False
        cell_row = None
        if (
            current is not None
            and current.taking
            and not current.rows
            and (not current.payload or not _closed(current.payload_text))
        ):
            current.payload.append(line)
            continue
        if (
            current is not None
            and not current.closed
            and not current.ended
            and not current.payload
            and len(current.text) < MAX_STATEMENT
            and (not balanced(current.text) or _marker(line) is None)
        ):
            current.text = f"{current.text} {line}"
            current.wants_payload = bool(PAYLOAD_HEADING.search(current.text))
            current.taking = current.wants_payload
            continue
        kind = _marker(line) or "plain"
        current = _Unit(kind, line)
        current.wants_payload = current.taking = bool(PAYLOAD_HEADING.search(line))
        units.append(current)
    return units


def _marker(line: str) -> str | None:
    if POINT.match(line):
        return "point"
    if SUB_POINT.match(line):
        return "sub"
    if LETTER_POINT.match(line):
        return "letter"
    if ITEM.match(line):
        return "item"
    return None


def _strip_marker(text: str) -> str:
    for pattern in (POINT, SUB_POINT, LETTER_POINT, ITEM):
        match = pattern.match(text)
        if match:
            return text[match.end() :]
    return text


# The reader -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    place: Place | None  # None: outside any act
    other_act: bool = False
    unknown: bool = False  # under a heading that was not understood


class _Reader:
    def __init__(self, text: str) -> None:
        self.lines = _clean_lines(text)
        self.order = AmendmentOrder(number=None, date=None)
        self.appendix_texts: dict[str, str] = {}

    def read(self) -> AmendmentOrder:
        if not any(line.strip() for line in self.lines):
            raise OrderUnreadable("empty")
        body, self.appendix_texts = _order_appendices(self.lines)
        start = self._read_header(body)
        self._read_body(body[start:])
        return self.order

    # Header ---------------------------------------------------------------------------------

    def _read_header(self, lines: list[str]) -> int:
        """Number, date and title; the index of the first line of the body."""
        title_at = first_point = None
        for index, line in enumerate(lines[:MAX_HEADER_LINES]):
            text = line.strip()
            if not text:
                continue
            if ORDER_TITLE.match(text) and "\t" not in line:
                title_at = index
                break
            if POINT.match(text) or text.lower().startswith("внести"):
                first_point = index
                break
        end = title_at if title_at is not None else first_point
        if end is None:
            end = 0
        header = " ".join(line.strip() for line in lines[:end])
        dated = DATED_NUMBER.search(header)
        if dated is not None:
            self.order.number = dated.group("number").rstrip(".")
            self.order.date = date_of(dated, "o")
        else:
            number = NUMBER_PATTERN.search(header)
            self.order.number = number.group("number").rstrip(".") if number else None
            self.order.date = first_date(header)
        if title_at is None:
            return end
        title = [lines[title_at].strip()]
        index = title_at + 1
        while index < len(lines) and lines[index].strip():
            text = lines[index].strip()
            if POINT.match(text) or text.lower().startswith("внести"):
                break
            title.append(text)
            index += 1
        self.order.title = " ".join(title)
        return index

    # Body -------------------------------------------------------------------------------------

    def _read_body(self, lines: list[str]) -> None:
        stack: list[tuple[int, _Context]] = []
        for unit in _units(lines):
            level = LEVELS[unit.kind]
            text = " ".join(_strip_marker(unit.text).split())
            shape = skeleton(text)
            heading = _act_heading(shape)
            if heading is not None:
                level = min(level, 1) if unit.kind == "point" else 0
            while stack and stack[-1][0] >= level:
                stack.pop()
            context = stack[-1][1] if stack else _Context(None)
            if heading is not None:
                stack.append((level, self._open_act(heading, shape)))
                continue
            if unit.kind in ("point", "plain") and self._other_act_point(unit, shape, context):
                continue
            new_context = self._heading(unit, shape, context)
            if new_context is not None:
                stack.append((level, new_context))
                continue
            self._statement(unit, text, context)

    def _open_act(self, what: str, shape: Skeleton) -> _Context:
        act = _act(what, shape)
        self.order.acts.append(act)
        index = len(self.order.acts) - 1
        is_plan = bool(PLAN_WORDS.search(act.title))
        return _Context(Place(act=index), other_act=not is_plan)

    def _other_act_point(self, unit: _Unit, shape: Skeleton, context: _Context) -> bool:
        """A point naming an act that is not a plan: the act is kept, the point not applied."""
        if not STATEMENT_WORDS.search(shape.text):
            return False
        if unit.kind == "plain" and not OTHER_ACT_START.match(shape.text):
            return False
        reference = ACT_REFERENCE.search(shape.text)
        if reference is None:
            return False
        before = shape.text[: reference.start()]
        act = _act(before + " " + reference.group(0), shape)
        if PLAN_WORDS.search(act.title):
            return self._plan_point(unit, shape, act, reference.end())
        self.order.acts.append(act)
        self.order.not_understood.append(NotUnderstood(unit.full_text, Reason.OTHER_ACT))
        return True

    def _plan_point(self, unit: _Unit, shape: Skeleton, act: AmendedAct, end: int) -> bool:
        """A point naming a plan and amending it in the same sentence («Приложение № 5 к
        Плану …, утвержденному распоряжением … № 214-рп, дополнить …»): the plan is the act
        (the same as one opened before it when its number is), what follows its number is the
        statement."""
        known = [index for index, seen in enumerate(self.order.acts) if seen.number == act.number]
        if known and act.number:
            index = known[0]
        else:
            self.order.acts.append(act)
            index = len(self.order.acts) - 1
        rest = re.sub(r"^\s*(?:⟦\d+⟧)?\s*,?\s*", "", shape.text[end:])
        self._statement(unit, shape.restore(rest), _Context(Place(act=index)))
        return True

    def _heading(self, unit: _Unit, shape: Skeleton, context: _Context) -> _Context | None:
        """The context a heading («в таблице:», «в приложении № 5 "…":») opens, else None."""
        text = shape.text
        if not text.endswith(":") or unit.wants_payload or context.place is None:
            return None
        if context.other_act or context.unknown:
            return context
        place = context.place
        table = TABLE_HEADING.match(text)
        if table is not None and table.end() == len(text):
            return _Context(Place(act=place.act))
        appendix = APPENDIX_HEADING.match(text)
        if appendix is not None and appendix.end() == len(text):
            title = shape.quote(appendix.group("title"))
            return _Context(
                Place(act=place.act, appendix=appendix.group("number"), appendix_title=title)
            )
        rows = ROWS_HEADING.match(text)
        numbers = row_numbers(rows.group("rows")) if rows is not None else None
        if rows is not None and numbers:
            column = int(rows.group("column")) if rows.group("column") else None
            return _Context(
                Place(
                    act=place.act,
                    appendix=place.appendix,
                    appendix_title=place.appendix_title,
                    rows=tuple(numbers),
                    column=column,
                )
            )
        self.order.not_understood.append(NotUnderstood(unit.full_text, Reason.UNKNOWN_FORM))
        return _Context(place, unknown=True)

    def _statement(self, unit: _Unit, text: str, context: _Context) -> None:
        place = context.place
        if place is None:
            succession = read_succession(text)
            if succession is not None:
                self._succession(succession, Place(), unit.full_text)
            elif unit.kind == "point" and STATEMENT_WORDS.search(text):
                self.order.not_understood.append(NotUnderstood(unit.full_text, Reason.UNKNOWN_FORM))
            return
        if unit.kind == "plain" and not STATEMENT_WORDS.search(text):
            return
        if context.other_act:
            self.order.not_understood.append(NotUnderstood(unit.full_text, Reason.OTHER_ACT))
            return
        if context.unknown:
            self.order.not_understood.append(NotUnderstood(unit.full_text, Reason.UNKNOWN_FORM))
            return
        place = _inline_place(text, place)
        statement = _strip_inline_place(text)
        reading = read_statement(statement, place, unit.payload_text, unit.rows)
        if reading is None or reading.footnote_not_understood:
            self.order.not_understood.append(NotUnderstood(unit.full_text, Reason.UNKNOWN_FORM))
            return
        self.order.changes.extend(
            _with_act(change, place.act, unit.full_text) for change in reading.changes
        )
        if reading.succession is not None:
            self._succession(reading.succession, place, unit.full_text)
        if reading.appendix is not None:
            self._appendix(reading.appendix, place, unit.full_text)

    def _succession(
        self, succession: tuple[str | None, str, date], place: Place, text: str
    ) -> None:
        body, successor, since = succession
        body = body or body_of_title(place.appendix_title)
        if body is None:
            self.order.not_understood.append(NotUnderstood(text, Reason.BODY_NOT_FOUND))
            return
        self.order.successors.append(
            Successor(
                body=body,
                successor=successor,
                since=since,
                appendix=place.appendix,
                appendix_title=place.appendix_title,
                text=text,
                act=place.act,
            )
        )

    def _appendix(self, numbers: tuple[str, str], place: Place, text: str) -> None:
        number, source = numbers
        appendix_text = self.appendix_texts.get(source)
        if appendix_text is None:
            self.order.not_understood.append(NotUnderstood(text, Reason.APPENDIX_NOT_FOUND))
            return
        self.order.appendices.append(
            AppendixAddition(
                number=number,
                title=_plan_title(appendix_text),
                text=appendix_text,
                order_appendix=source,
                statement=text,
                act=place.act,
            )
        )


def _with_act(change: Change, act: int, text: str) -> Change:
    return replace(change, act=act, text=text)


def _act_heading(shape: Skeleton) -> str | None:
    match = ACT_HEADING.match(shape.text)
    return match.group("what") if match else None


def _act(what: str, shape: Skeleton) -> AmendedAct:
    """The act «приложение "План …" к распоряжению … от 28 сентября 2023 года № 214-рп» or
    «план …, утвержденный постановлением … от 20.12.2024 № 600-п» or «распоряжение … от …
    № 214-рп "Об утверждении плана …"»."""
    reference = ACT_REFERENCE.search(what)
    number = act_date = None
    if reference is not None:
        number = reference.group("number").rstrip(".")
        act_date = date_of(reference, "a")
    else:
        dated = DATED_NUMBER.search(what)  # «план мероприятий от 01.01.2024 № 1»
        if dated is not None:
            number, act_date = dated.group("number").rstrip("."), date_of(dated, "o")
            reference = dated
    head = what[: reference.start()] if reference is not None else what
    head = re.sub(r"^(?:в\s+)", "", head.strip(" ,"), flags=re.IGNORECASE).strip(" ,")
    bare = re.sub(r"^приложени\w*(?:\s*№\s*\d+)?\s*", "", head, flags=re.IGNORECASE)
    if re.fullmatch(r"⟦\d+⟧", bare):
        title = shape.quotes[int(bare[1:-1])]
    elif head:
        title = shape.restore(head)
    else:
        after = re.search(r"⟦(\d+)⟧", what[reference.end() :]) if reference is not None else None
        title = shape.quotes[int(after[1])] if after else shape.restore(what)
    return AmendedAct(title=title, number=number, date=act_date)


def _inline_place(text: str, place: Place) -> Place:
    shape = skeleton(text)
    appendix = APPENDIX_HEADING.match(shape.text)
    if appendix is not None and appendix.end() < len(shape.text):
        return Place(
            act=place.act,
            appendix=appendix.group("number"),
            appendix_title=shape.quote(appendix.group("title")),
        )
    table = TABLE_HEADING.match(shape.text)
    if table is not None and table.end() < len(shape.text):
        return Place(act=place.act)
    return place


def _strip_inline_place(text: str) -> str:
    """The statement without «в приложении № 5 "…"» / «в таблице» in front."""
    for pattern in (APPENDIX_HEADING, TABLE_HEADING):
        shape = skeleton(text)
        match = pattern.match(shape.text)
        if match is not None and match.end() < len(shape.text):
            return shape.restore(shape.text[match.end() :])
    return text


def _plan_title(text: str) -> str:
    """The title of the plan in an order's appendix, as the plan importer reads it."""
    try:
        plans = read_plan(text.encode("utf-8"), "appendix.txt").plans
    except ImportFailure:
        plans = []
    if plans and plans[0].title:
        return plans[0].title
    lines = [line.strip() for line in text.split("\n")]
    for index, line in enumerate(lines):
        if is_title_start(line):
            title = [line]
            for more in lines[index + 1 :]:
                if not more or "\t" in more or not continues_title(more):
                    break
                title.append(more)
            return " ".join(title)
    return ""
