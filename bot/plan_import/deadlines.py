"""Deadlines as plans write them.

Every date mentioned in a deadline cell is found, in order:
- `31.05.2025`, `1.6.25`, `31/05/2025`, `2025-05-31`; `10 июня 2025 г.`, `«10» июня 2025`;
- a quarter → its last day: `I квартал 2024 года` → 31.03.2024, `IV квартала 2023 г.`,
  `4 кв. 2024`; the typo `VI квартал` is read as `IV` (issue `quarter_typo`);
- a half-year → its last day: `I полугодие 2025` → 30.06.2025;
- a month and year → the month's last day: `декабрь 2025 года`, `в декабре 2025`; `до декабря
  2025` → the last day before December (30.11.2025);
- prefixes such as `Не позднее`, `до`, `в срок до` change nothing: the date is the deadline
  (`до 01.06.2025` → 01.06.2025);
- a year alone (`2025 год`, `в течение 2025 года`) only when nothing more precise is there:
  31 December of it, with the issue `deadline_year_only` so that the coordinator can check.

Then:
- the deadline is the LATEST date before a done mark: a cell with two dates (`01 октября 2025 г.
  01 декабря 2026 г.`) describes stages, and a measure is due when its last stage is; the cell
  text is kept in `deadline_text`, so nothing is lost and no warning is raised;
- `Выполнено` / `Исполнено` (not after `не`) marks the measure done; its date is the first date
  after the mark, else the last date before it;
- no date but a periodic word (`ежеквартально`, `постоянно`, `ежегодно`, `по мере …`) → no
  deadline, issue `periodic_deadline`; other text with no date → issue `deadline_not_understood`;
  an empty cell → no deadline and no issue (the plan summarises missing deadlines once).

For a row standing for several measures (a range `3.1.- 3.7.`), the cell is cut into its dates
one by one (`deadline_parts`): line by line, and a line with several precise dates (`01.03.2025
01.06.2025`) at the start of each of them, a prefix such as `до` going with the date it precedes.
A line is a date line (`date_line_dates`) when it holds precise dates and nothing but prefixes,
`г.`/`года`, a done mark and punctuation: a text copy of a table puts such lines after the row
they belong to.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import date

from bot.plan_import.numbering import roman_value

MIN_YEAR, MAX_YEAR = 2000, 2100

MONTH_STEMS = (
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма[йяе]",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
)
MONTH = "|".join(f"(?:{stem})" for stem in MONTH_STEMS)
YEAR_WORD = r"\s*(?:г(?:од[а-я]*|\.)?)?"

DATE_FORMS = re.compile(
    "|".join(
        (
            r"(?<![\d.])(?P<n_day>\d{1,2})[./](?P<n_month>\d{1,2})[./](?P<n_year>\d{4}|\d{2})"
            r"(?!\d)",
            r"(?<!\d)(?P<i_year>\d{4})-(?P<i_month>\d{2})-(?P<i_day>\d{2})(?!\d)",
            rf"(?<!\d)«?(?P<s_day>\d{{1,2}})»?\s*(?P<s_month>{MONTH})[а-я]*\.?\s+"
            rf"(?P<s_year>\d{{4}})",
            rf"(?<!\w)(?P<q_number>[IVX]{{1,4}}|[1-4])\s*(?:-?[ыио]?й\s*)?"
            rf"кв(?:артал[а-я]*|\.)?\s*(?P<q_year>\d{{4}}){YEAR_WORD}",
            rf"(?<!\w)(?P<h_number>[IVX]{{1,3}}|[12])\s*(?:-?[ео]?е\s*)?"
            rf"полугоди[а-я]*\s*(?P<h_year>\d{{4}}){YEAR_WORD}",
            rf"(?<!\w)(?P<m_before>до\s+)?(?P<m_month>{MONTH})[а-я]*\s+(?P<m_year>\d{{4}})"
            rf"{YEAR_WORD}",
            r"(?<![\d.])(?P<y_year>\d{4})(?![\d.])",
        )
    ),
    re.IGNORECASE,
)

PERIODIC = re.compile(
    r"ежеквартальн|ежемесячн|ежегодн|еженедельн|ежедневн|постоянн|регулярн|систематическ"
    r"|по\s+мере|в\s+течение\s+(?:всего\s+)?(?:периода|срока)|весь\s+период",
    re.IGNORECASE,
)
DONE = re.compile(r"(?<![а-яё])(?:вы|ис)полнен[оаы]?(?![а-яё])", re.IGNORECASE)
NEGATION = re.compile(r"не\s*$", re.IGNORECASE)
PREFIX_BEFORE = re.compile(r"(?:не\s+позднее|в\s+срок\s+до|срок\s+до|до|срок|с)\s*$", re.IGNORECASE)
DATE_LINE_REST = re.compile(
    r"(?:[\s,.;:()«»\"'–—-]|не\s+позднее|в\s+срок|срок|до|года|году|год|г"
    r"|(?:вы|ис)полнен[оаы]?)*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DeadlineReading:
    """What one deadline text says."""

    deadline: date | None = None
    done: bool = False
    done_on: date | None = None
    issue: str | None = None  # a warning code (see the module's rules) or None

    @property
    def has_date(self) -> bool:
        return self.deadline is not None


@dataclass(frozen=True, slots=True)
class _Found:
    day: date
    start: int
    year_only: bool = False
    typo: bool = False


def read_deadline(text: str) -> DeadlineReading:
    """The deadline in `text` (see the module's rules)."""
    text = " ".join(text.split())
    if not text:
        return DeadlineReading()
    found = _find_dates(text)
    done_at = _done_position(text)
    precise = [item for item in found if not item.year_only]
    chosen = precise or found
    before = [item for item in chosen if done_at is None or item.start < done_at]
    after = [item for item in chosen if done_at is not None and item.start > done_at]
    done_on = None
    if done_at is not None:
        done_on = after[0].day if after else (before[-1].day if before else None)
    deadline = max((item.day for item in before), default=done_on)
    typo = any(item.typo for item in chosen)
    return DeadlineReading(
        deadline=deadline,
        done=done_at is not None,
        done_on=done_on,
        issue=_issue(text, chosen, precise, typo),
    )


def read_deadline_lines(text: str) -> list[tuple[str, DeadlineReading]]:
    """Each line that has a date, with its reading (for a row standing for several measures)."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    readings = ((line, read_deadline(line)) for line in lines if line)
    return [(line, reading) for line, reading in readings if reading.has_date]


def deadline_parts(text: str) -> list[str]:
    """The dates of a deadline cell one by one, in order, each with its own words (see the
    module's rules); a line with no precise date counts as one part when it has a date."""
    parts: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        starts = [start for start, _ in _precise_spans(line)]
        if not starts:
            if line and read_deadline(line).has_date:
                parts.append(line)
            continue
        cuts = [0, *(_cut_before(line, start) for start in starts[1:]), len(line)]
        parts.extend(line[a:b].strip(" ,;–—-") for a, b in itertools.pairwise(cuts))
    return parts


def date_line_dates(line: str) -> int:
    """How many precise dates a date line holds; 0 for a line that says anything more."""
    line = " ".join(line.split())
    spans = _precise_spans(line)
    if not spans:
        return 0
    rest, last = [], 0
    for start, end in spans:
        rest.append(line[last:start])
        last = end
    rest.append(line[last:])
    return len(spans) if DATE_LINE_REST.fullmatch(" ".join(rest)) else 0


def _precise_spans(line: str) -> list[tuple[int, int]]:
    """Where the dates more precise than a year stand in one line."""
    spans = []
    for match in DATE_FORMS.finditer(line):
        item = _read_match(match)
        if item is not None and not item.year_only:
            spans.append((match.start(), match.end()))
    return spans


def _cut_before(line: str, start: int) -> int:
    """Where the part of a date starting at `start` begins: before its prefix (`до`)."""
    prefix = PREFIX_BEFORE.search(line[:start])
    if prefix and (prefix.start() == 0 or not line[prefix.start() - 1].isalpha()):
        return prefix.start()
    return start


def _issue(text: str, chosen: list[_Found], precise: list[_Found], typo: bool) -> str | None:
    if typo:
        return "quarter_typo"
    if not chosen:
        return "periodic_deadline" if PERIODIC.search(text) else "deadline_not_understood"
    if not precise:
        return "deadline_year_only"
    return None


def _done_position(text: str) -> int | None:
    for match in DONE.finditer(text):
        if not NEGATION.search(text[: match.start()]):
            return match.start()
    return None


def _find_dates(text: str) -> list[_Found]:
    found = []
    for match in DATE_FORMS.finditer(text):
        item = _read_match(match)
        if item is not None:
            found.append(item)
    return found


def _read_match(match: re.Match[str]) -> _Found | None:
    found = match.groupdict()
    start = match.start()
    if found["n_day"]:
        return _found(_year(found["n_year"]), int(found["n_month"]), int(found["n_day"]), start)
    if found["i_day"]:
        return _found(int(found["i_year"]), int(found["i_month"]), int(found["i_day"]), start)
    if found["s_day"]:
        return _found(int(found["s_year"]), _month(found["s_month"]), int(found["s_day"]), start)
    if found["q_number"]:
        return _quarter(found["q_number"], int(found["q_year"]), start)
    if found["h_number"]:
        half = _ordinal(found["h_number"])
        return _found(int(found["h_year"]), 6 * half, None, start) if half in (1, 2) else None
    if found["m_month"]:
        month, year = _month(found["m_month"]), int(found["m_year"])
        if found["m_before"]:
            month, year = (month - 1, year) if month > 1 else (12, year - 1)
        return _found(year, month, None, start)
    year = int(found["y_year"])
    if MIN_YEAR <= year <= MAX_YEAR:
        return _Found(date(year, 12, 31), start, year_only=True)
    return None


def _quarter(written: str, year: int, start: int) -> _Found | None:
    """A quarter's last day; `VI` (a common typo) is read as `IV` and flagged."""
    quarter = _ordinal(written)
    typo = written.upper() == "VI"
    if typo:
        quarter = 4
    if quarter not in (1, 2, 3, 4):
        return None
    found = _found(year, 3 * quarter, None, start)
    if found is None or not typo:
        return found
    return _Found(found.day, start, typo=True)


def _ordinal(written: str) -> int | None:
    return int(written) if written.isdigit() else roman_value(written.upper())


def _found(year: int, month: int, day: int | None, start: int) -> _Found | None:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = last
    if not 1 <= day <= last:
        return None
    return _Found(date(year, month, day), start)


def _year(written: str) -> int:
    return 2000 + int(written) if len(written) == 2 else int(written)


def _month(written: str) -> int:
    lowered = written.lower()
    for index, stem in enumerate(MONTH_STEMS, 1):
        if re.match(stem, lowered):
            return index
    return 0
