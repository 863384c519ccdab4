"""The columns of a plan table, recognised by their header names in any order.

Rules:
- a header cell is compared without case, `ё`, soft hyphens, hyphenation (`Ответствен-ный`) and
  extra spaces; it takes the role whose word stem appears EARLIEST in it, so that `Результат
  мероприятия` is a result and `Наименование мероприятия` a title:
  number `№`, `п/п`, `номер`; title `мероприяти`, `наименовани`, `содержани`; deadline `срок`,
  `дата`; executors `ответствен`, `исполнител`; result `результат`, `документ`, `отчет`,
  `подтвержд`; status `отметка`, `статус`, `выполнени`, `исполнени` (what was done: a
  `Выполнено` there marks the measure done);
- a row is a plan header when it names a title column and at least one more known column, at
  least two thirds of its non-empty cells are known and none is a measure number (`1`, `2.3.`);
  a header cell merged over several columns
  gives its role to all of them; several columns may share a role (`Результат` and `Вид
  документа`): their texts are joined;
- an unnamed column just before the title column holds the numbers;
- columns with other names are kept under their header text in `source_cells`;
- a column-number row (`1 2 3 4 5` under the header) is recognised to be skipped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.plan_import.numbering import read_number


class Role(StrEnum):
    NUMBER = "number"
    TITLE = "title"
    DEADLINE = "deadline"
    EXECUTORS = "executors"
    RESULT = "result"
    STATUS = "status"


ROLE_STEMS: dict[Role, tuple[str, ...]] = {
    Role.NUMBER: ("№", "п/п", "пп/п", "номер", "n п/п"),
    Role.TITLE: ("мероприяти", "наименовани", "содержани", "задача", "задачи"),
    Role.DEADLINE: ("срок", "дата"),
    Role.EXECUTORS: ("ответствен", "исполнител", "соисполнител"),
    Role.RESULT: ("результат", "документ", "отчет", "подтвержд"),
    Role.STATUS: ("отметка", "статус", "выполнени", "исполнени"),
}
MAX_HEADER_CELL = 150
LONG_CELL = 80  # a header has at most one cell this long; a row of measures has several
HYPHENATION = re.compile(r"(?<=[а-яё])-\s*(?=[а-яё])")


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which grid columns hold what; `extra` names the columns of no known role."""

    roles: dict[Role, tuple[int, ...]]
    extra: dict[int, str] = field(default_factory=dict)
    width: int = 0

    def has(self, role: Role) -> bool:
        return bool(self.roles.get(role))


def header_key(text: str) -> str:
    """A header cell compared without case, `ё`, soft hyphens, hyphenation and spacing."""
    text = text.casefold().replace("ё", "е").replace("\u00ad", "")
    text = HYPHENATION.sub("", text)
    return " ".join(text.split())


ROLE_BY_STEM = {stem: role for role, stems in ROLE_STEMS.items() for stem in stems}
ANY_STEM = re.compile("|".join(re.escape(stem) for stem in sorted(ROLE_BY_STEM, key=len)[::-1]))


def role_of(text: str) -> Role | None:
    """The role a header cell names (the earliest stem wins), or None."""
    compact = header_key(text)
    if not compact or len(compact) > MAX_HEADER_CELL:
        return None
    match = ANY_STEM.search(compact)
    return ROLE_BY_STEM[match.group()] if match else None


def map_header(cells: tuple[str, ...], spans: dict[int, int] | None = None) -> ColumnMap | None:
    """The columns a header row names, or None when the row is not a plan header."""
    lengths = [len(text) for text in cells]
    if max(lengths, default=0) > MAX_HEADER_CELL or sum(size > LONG_CELL for size in lengths) > 1:
        return None
    spans = spans or {}
    roles: dict[Role, list[int]] = {}
    extra: dict[int, str] = {}
    named = known = 0
    for index, text in enumerate(cells):
        if not text.strip():
            continue
        named += 1
        role = role_of(text)
        covered = range(index, index + max(1, spans.get(index, 1)))
        if role is None:
            extra[index] = " ".join(text.split())
            continue
        known += 1
        roles.setdefault(role, []).extend(covered)
    if Role.TITLE not in roles or len(roles) < 2 or known * 3 < named * 2:
        return None
    if any(read_number(text) for text in cells if text.strip()):
        return None  # a measure row whose texts happen to name columns
    if Role.NUMBER not in roles:
        before = min(roles[Role.TITLE]) - 1
        if before >= 0 and not cells[before].strip():
            roles[Role.NUMBER] = [before]
    return ColumnMap(
        roles={role: tuple(indices) for role, indices in roles.items()},
        extra=extra,
        width=len(cells),
    )


def is_column_numbers(cells: tuple[str, ...]) -> bool:
    """`1 2 3 4 5`: the row numbering the columns under a header."""
    values = [text.strip().rstrip(".") for text in cells if text.strip()]
    if len(values) < 3 or not all(value.isdigit() for value in values):
        return False
    numbers = [int(value) for value in values]
    return numbers[0] == 1 and all(b == a + 1 for a, b in itertools.pairwise(numbers))
