"""What every reader turns a file into: a stream of blocks, whatever the format.

A reader knows its format (lines of text, Word XML, spreadsheet cells) and nothing about plans;
the understanding layer (`bot.plan_import.understanding`) knows plans and nothing about formats.
Between them there are only these blocks, each with a location a person can find in the file:
"line 42", "table 2, row 7", "sheet 'План', row 12", "paragraph 5".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A piece of text outside any table (a blank one separates groups of text)."""

    text: str
    where: str


@dataclass(frozen=True, slots=True)
class Row:
    """One table row as cell texts, merged cells already spread over the grid.

    `table` numbers the tables of the file (a sheet counts as a table); rows of one table share
    it. `spans` maps the index of a horizontally merged cell to the number of grid columns it
    covers (its text sits at that index, the covered cells are empty). `from_above` holds the
    indices whose text was copied from a vertically merged cell above. `loose` is set where
    row boundaries are a guess (text extracts), so that a short row may be completed by the
    next one. `exact_width` is set where every row has all the columns of its table (Word);
    elsewhere trailing empty cells may be missing.
    """

    cells: tuple[str, ...]
    where: str
    table: int = 0
    spans: dict[int, int] = field(default_factory=dict)
    from_above: frozenset[int] = frozenset()
    loose: bool = False
    exact_width: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a reader had to do to the file that the person should know about."""

    where: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


Block = Paragraph | Row | Notice
