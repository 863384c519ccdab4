"""What an amendment order says, as plain values: read from its text by `bot.amendments.reading`,
matched against a stored plan and applied by `bot.amendments.applying`.

Nothing here knows the database; a statement the reader could not understand is kept as
`NotUnderstood` with its text and the reason, never dropped and never guessed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date


class Field(enum.StrEnum):
    """The part of a row a change touches (the JSON's `field`)."""

    TITLE = "title"  # the measure's wording, or an appendix's title when `row` is None
    DEADLINE = "deadline"
    EXECUTORS = "executors"
    RESULT = "result"
    ROW = "row"  # the whole row: restated, added or removed


class Action(enum.StrEnum):
    REPLACE = "replace"  # words "X" replaced by words "Y"
    DELETE = "delete"  # words "X" deleted («исключить»)
    RESTATE = "restate"  # «строку 3.2 изложить в следующей редакции»
    ADD = "add"  # «дополнить строкой 3.8 следующего содержания»
    REMOVE = "remove"  # «строку 4.1 исключить» / «признать утратившей силу»


@dataclass(frozen=True, slots=True)
class RowText:
    """A row as the order writes it (restated or added): its cells, as in a plan's table."""

    number: str
    title: str
    deadline: str = ""
    executors: str = ""
    result: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one row (or to an appendix's title).

    `appendix` is None for the amended act's own table, else the appendix's number ("5") with
    its title as the order quotes it (`appendix_title`), which finds it when no number is
    stored. `field` None means "whichever cell of the row holds the words" (the order names no
    column); the stored plan decides, and a row where the words are in no cell is not applied.
    """

    row: str | None  # "1.4"; None for an appendix's title
    field: Field | None
    action: Action
    before: str | None = None  # the words replaced or deleted
    after: str | None = None  # the new words
    new_row: RowText | None = None  # restate / add
    appendix: str | None = None
    appendix_title: str | None = None
    # «в графе 3 строки 5.1»: the column by number when the order names no field; the stored
    # plan's table layout says which field it is.
    column: int | None = None
    text: str = ""  # the statement as written, for the preview and the not-applied list
    act: int = 0  # the amended act: an index into `AmendmentOrder.acts`


@dataclass(frozen=True, slots=True)
class Successor:
    """A body's measures pass to its successor from a date (a footnote or the text)."""

    body: str  # the body as the order names it (often in the genitive, from a title)
    successor: str  # as the order names it (often in the instrumental: «Министерством спорта …»)
    since: date
    appendix: str | None = None  # the appendix whose footnote says it
    appendix_title: str | None = None
    text: str = ""
    act: int = 0  # the amended act: an index into `AmendmentOrder.acts`


@dataclass(frozen=True, slots=True)
class AppendixAddition:
    """«дополнить приложением № 29 согласно приложению № 1»: a new appendix of the act, whose
    plan is the order's own appendix text (read like any plan's text)."""

    number: str  # the act's new appendix number: "29"
    title: str  # its plan's title as the order's appendix gives it
    text: str  # the order's appendix, from its heading to its end, for the plan reader
    order_appendix: str = ""  # the order's own appendix number: "1"
    statement: str = ""
    act: int = 0  # the amended act: an index into `AmendmentOrder.acts`


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    text: str
    reason: str  # a `Reason` value


class Reason(enum.StrEnum):
    """Why a statement was not applied (machine values; the preview words them)."""

    UNKNOWN_FORM = "unknown_form"  # no standard form of legal drafting recognised
    OTHER_ACT = "other_act"  # it amends another act, not this plan
    ROW_NOT_FOUND = "row_not_found"
    WORDS_NOT_FOUND = "words_not_found"
    ROW_EXISTS = "row_exists"  # «дополнить строкой 3.8» where 3.8 already is
    APPENDIX_NOT_FOUND = "appendix_not_found"
    BODY_NOT_FOUND = "body_not_found"
    ALREADY_APPLIED = "already_applied"
    SHARED_BODY = "shared_body"  # a body serving other coordinators' plans: an administrator's
    SUCCESSION_LOOP = "succession_loop"  # the successor passes (in turn) back to the body


@dataclass(frozen=True, slots=True)
class AmendedAct:
    """The act the order amends, as the order names it."""

    title: str  # «План мероприятий ("Дорожная карта") по внедрению … в Омской области»
    number: str | None = None  # «214-рп»
    date: date | None = None


@dataclass(slots=True)
class AmendmentOrder:
    number: str | None  # «329-рп»
    date: date | None
    title: str = ""  # «О внесении изменений в отдельные распоряжения …»
    acts: list[AmendedAct] = field(default_factory=list)  # in the order they are amended
    changes: list[Change] = field(default_factory=list)
    successors: list[Successor] = field(default_factory=list)
    appendices: list[AppendixAddition] = field(default_factory=list)
    not_understood: list[NotUnderstood] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.changes or self.successors or self.appendices)
