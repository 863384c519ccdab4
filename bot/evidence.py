"""Evidence by document type: which document a measure's expected result names, and the
requisites that prove it without opening the file.

Plans name the expected document in the measure's result («Приказ (распоряжение, иной
ненормативный правовой акт) о назначении …», «протокол заседания рабочей группы», «письмо в
Аналитический центр …», «отчет о …»). `expected_kinds` finds the kinds named there, the leading
one first. Each kind asks for its own requisites (`REQUISITES`): an order's number and date, a
protocol's date (its number if any), a letter's outgoing number and date, a published act's
number, date and link, a web page's link. `Requisites` is what the official gave; it is kept
in the report draft as a plain dict and stored with the report.

Pure rules: no aiogram, no database.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bot.refusals import Refusal, Refused

MAX_NUMBER_LENGTH = 40
MAX_LINK_LENGTH = 500
MAX_REFERENCE_LENGTH = 100


class EvidenceKind(enum.StrEnum):
    """A kind of document that proves a measure."""

    ORDER = "order"  # приказ, распоряжение, постановление, иной (ненормативный) акт
    LEGAL_ACT = "legal_act"  # нормативный правовой акт: published, so it has a link
    PROTOCOL = "protocol"
    LETTER = "letter"
    PUBLICATION = "publication"  # размещение на официальном сайте
    REPORT = "report"  # отчёт
    OTHER = "other"  # the official's choice when the plan names none of these


class RequisiteField(enum.StrEnum):
    NUMBER = "number"
    DATE = "date"
    LINK = "link"
    REFERENCE = "reference"  # a reference in the region's document system (СЭД)


@dataclass(frozen=True, slots=True)
class FieldRule:
    field: RequisiteField
    required: bool


N, D, L = RequisiteField.NUMBER, RequisiteField.DATE, RequisiteField.LINK

# What each kind asks for, in the order it is asked.
REQUISITES: Mapping[EvidenceKind, tuple[FieldRule, ...]] = {
    EvidenceKind.ORDER: (FieldRule(N, True), FieldRule(D, True)),
    EvidenceKind.LEGAL_ACT: (FieldRule(N, True), FieldRule(D, True), FieldRule(L, True)),
    EvidenceKind.PROTOCOL: (FieldRule(D, True), FieldRule(N, False)),
    EvidenceKind.LETTER: (FieldRule(N, True), FieldRule(D, True)),
    EvidenceKind.PUBLICATION: (FieldRule(L, True),),
    EvidenceKind.REPORT: (FieldRule(D, True), FieldRule(N, False)),
    EvidenceKind.OTHER: (FieldRule(N, False), FieldRule(D, False), FieldRule(L, False)),
}


# --- Recognising the expected document -----------------------------------------------------

_WORD = r"[а-яё]*"
# Each pattern matches the start of a word; the text is lower-cased, «ё» kept.
_PATTERNS: tuple[tuple[EvidenceKind, re.Pattern[str]], ...] = (
    # «нормативный правовой акт», «НПА» (not «ненормативный»).
    (
        EvidenceKind.LEGAL_ACT,
        re.compile(rf"(?<![а-яё])(?:нормативн{_WORD}\s+правов{_WORD}\s+акт{_WORD}|нпа)(?![а-яё])"),
    ),
    (
        EvidenceKind.ORDER,
        re.compile(
            rf"(?<![а-яё])(?:приказ{_WORD}|распоряжени{_WORD}|постановлени{_WORD}"
            rf"|ненормативн{_WORD}\s+правов{_WORD}\s+акт{_WORD}|ведомственн{_WORD}\s+акт{_WORD}"
            r"|акт(?:ом|а|е)?(?=\s+об?\s+утвержд))"
            r"(?![а-яё])"
        ),
    ),
    (EvidenceKind.PROTOCOL, re.compile(rf"(?<![а-яё])протокол{_WORD}")),
    (EvidenceKind.LETTER, re.compile(rf"(?<![а-яё])(?:письм{_WORD}|писем)(?![а-яё])")),
    (
        EvidenceKind.PUBLICATION,
        re.compile(
            rf"(?<![а-яё])(?:размещ{_WORD}|опубликова{_WORD}|публикац{_WORD})"
            rf"(?:\s+[^\s.;]+){{0,6}}?\s+на\s+(?:официальн{_WORD}\s+)?(?:интернет-)?(?:сайт|портал){_WORD}"
        ),
    ),
    (EvidenceKind.REPORT, re.compile(rf"(?<![а-яё])отч[её]т{_WORD}")),
)

# Where a new document begins inside one cell: a line break, or a capitalised kind glued to
# the previous one by text extraction («… (сервисов) Отчет о формировании …»).
_SEGMENT_BREAK = re.compile(
    r"\n|(?<=[)а-яё])\s+(?=(?:Приказ|Распоряжение|Постановление|Протокол|Письмо|Отч[её]т)\b)"
)
# «отчет о размещении баннера …», «отчет об утверждении порядков …»: what follows is the
# report's subject, not another document.
_ABOUT = re.compile(r"\s*(?:о|об|в)\s")


def _kinds_in_segment(segment: str) -> list[EvidenceKind]:
    text = segment.lower()
    found: list[tuple[int, EvidenceKind]] = []
    acts: list[tuple[int, int]] = []  # where «нормативный правовой акт» stands
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in acts):
                continue  # «… правовой акт об утверждении»: the act, not another order
            if kind is EvidenceKind.LEGAL_ACT:
                acts.append(match.span())
            found.append((match.start(), kind))
            break
    found.sort()
    if not found:
        return []
    first_at, first = found[0]
    if first is EvidenceKind.REPORT:
        # A report about something: the report is the document.
        end = first_at + len("отчет")
        if _ABOUT.match(text, end + _word_end(text, end)):
            return [EvidenceKind.REPORT]
    kinds: list[EvidenceKind] = []
    for _at, kind in found:
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def _word_end(text: str, at: int) -> int:
    match = re.match(r"[а-яё]*", text[at:])
    return match.end() if match else 0


def expected_kinds(result: str | None) -> tuple[EvidenceKind, ...]:
    """The kinds of document a measure's expected result names, the leading one first; empty
    when it names none the bot knows («Медиаплан», «перечень ответственных …»)."""
    if not result:
        return ()
    kinds: list[EvidenceKind] = []
    for segment in _SEGMENT_BREAK.split(result):
        for kind in _kinds_in_segment(segment):
            if kind not in kinds:
                kinds.append(kind)
    return tuple(kinds)


# --- The requisites an official gives ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Requisites:
    """What proves the document: its kind and the requisites given (None: not given)."""

    kind: EvidenceKind
    number: str | None = None
    issued_on: date | None = None
    link: str | None = None
    reference: str | None = None

    def value(self, field: RequisiteField) -> str | date | None:
        return {
            RequisiteField.NUMBER: self.number,
            RequisiteField.DATE: self.issued_on,
            RequisiteField.LINK: self.link,
            RequisiteField.REFERENCE: self.reference,
        }[field]

    def missing(self) -> tuple[RequisiteField, ...]:
        """The required requisites of its kind not given yet."""
        return tuple(
            rule.field
            for rule in REQUISITES[self.kind]
            if rule.required and self.value(rule.field) is None
        )

    @property
    def is_empty(self) -> bool:
        return all(self.value(field) is None for field in RequisiteField)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "number": self.number,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "link": self.link,
            "reference": self.reference,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any] | None) -> Requisites | None:
        if not stored:
            return None
        issued_on = stored.get("issued_on")
        return cls(
            kind=EvidenceKind(stored["kind"]),
            number=stored.get("number"),
            issued_on=date.fromisoformat(issued_on) if issued_on else None,
            link=stored.get("link"),
            reference=stored.get("reference"),
        )


def fields_to_ask(kind: EvidenceKind, *, reference: bool) -> tuple[FieldRule, ...]:
    """The steps for a kind; with `reference`, the document system's reference last (needed
    when the requisites stand without a file)."""
    rules = REQUISITES[kind]
    if reference:
        rules = (*rules, FieldRule(RequisiteField.REFERENCE, False))
    return rules


_DATE = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*(?:г\.?|года)?\s*$")
_NUMBER_AND_DATE = re.compile(
    r"^\s*(?:[а-яё]+\s+)?(?:№|n|no\.?)?\s*(?P<number>\S.*?)\s+(?:от|of|dated)\s+(?P<date>\d{1,2}[./]\d{1,2}[./]\d{4})"
    r"\s*(?:г\.?|года)?\s*$",
    re.IGNORECASE,
)


def parse_date(text: str) -> date:
    """«31.12.2025» (or 31/12/2025); refused politely otherwise."""
    match = _DATE.match(text or "")
    if match is None:
        raise Refused(Refusal.BAD_REQUISITE_DATE)
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise Refused(Refusal.BAD_REQUISITE_DATE) from None


def check_not_future(day: date, today: date) -> date:
    if day > today:
        raise Refused(Refusal.REQUISITE_DATE_IN_FUTURE)
    return day


def clean_number(text: str) -> str:
    """A document's number as given, without a leading «№»: short, one line."""
    number = re.sub(r"^\s*(?:№|n\s|no\.?\s*)\s*", "", (text or "").strip(), flags=re.IGNORECASE)
    number = number.strip()
    if not number or "\n" in number or len(number) > MAX_NUMBER_LENGTH:
        raise Refused(Refusal.BAD_REQUISITE_NUMBER, limit=MAX_NUMBER_LENGTH)
    return number


def clean_link(text: str) -> str:
    """An http(s) link with a host; refused otherwise."""
    link = (text or "").strip()
    parts = urlsplit(link)
    if (
        parts.scheme.lower() not in {"http", "https"}
        or not parts.netloc
        or any(ch.isspace() for ch in link)
        or len(link) > MAX_LINK_LENGTH
    ):
        raise Refused(Refusal.BAD_REQUISITE_LINK)
    return link


def clean_reference(text: str) -> str:
    reference = (text or "").strip()
    if not reference or "\n" in reference or len(reference) > MAX_REFERENCE_LENGTH:
        raise Refused(Refusal.BAD_REQUISITE_REFERENCE, limit=MAX_REFERENCE_LENGTH)
    return reference


def number_and_date(text: str, today: date) -> tuple[str, date] | None:
    """«№ 123 от 01.03.2025», «приказ 45-р от 1.3.2025»: both at once; None when the text is
    not of this form."""
    match = _NUMBER_AND_DATE.match(text or "")
    if match is None:
        return None
    return clean_number(match["number"]), check_not_future(parse_date(match["date"]), today)


def with_value(requisites: Requisites, field: RequisiteField, text: str, today: date) -> Requisites:
    """The requisites with one more value typed by the official, validated."""
    values: dict[str, Any] = {
        "kind": requisites.kind,
        "number": requisites.number,
        "issued_on": requisites.issued_on,
        "link": requisites.link,
        "reference": requisites.reference,
    }
    if field is RequisiteField.NUMBER:
        both = number_and_date(text, today)
        if both is not None:
            values["number"], values["issued_on"] = both
        else:
            values["number"] = clean_number(text)
    elif field is RequisiteField.DATE:
        values["issued_on"] = check_not_future(parse_date(text), today)
    elif field is RequisiteField.LINK:
        values["link"] = clean_link(text)
    else:
        values["reference"] = clean_reference(text)
    return Requisites(**values)


def check_evidence(
    requisites: Requisites | None, *, documents: int, without_file_allowed: bool
) -> None:
    """Refused when what the report holds does not prove the measure: a file is needed unless
    the plan accepts requisites without one, and then the requisites must be complete and
    carry the document system's reference."""
    if documents:
        return
    if requisites is None or requisites.is_empty:
        raise Refused(Refusal.NO_DOCUMENTS)
    if not without_file_allowed:
        raise Refused(Refusal.FILE_REQUIRED)
    if requisites.missing() or requisites.reference is None:
        raise Refused(Refusal.REQUISITES_INCOMPLETE)


def stored_requisites(requisites: Requisites | None) -> Requisites | None:
    """None for requisites with nothing given (a kind picked, every step skipped)."""
    if requisites is None or requisites.is_empty:
        return None
    return requisites
