"""Text around and inside plan tables that gives the document its structure.

Rules:
- a plan title starts with `План` / `Типовой план` / `Комплексный план` / `План-график` or
  `«Дорожная карта»` (quotes and brackets before it allowed) and is at most `MAX_TITLE` long;
  the lines right after it (up to a blank line or the table, at most `TITLE_LINES`) continue it;
  text that starts with a number (`1. Внести в приложение "План …"`) is never a title;
- an appendix marker starts with `Приложение` (`Приложение 1`, `"Приложение № 29`): a new plan
  may follow it;
- a year heading is a year alone, as in `2025 год`, `На 2026 год`, `2025 г.`.
"""

from __future__ import annotations

import re

MAX_TITLE = 600
TITLE_LINES = 5
MAX_MARKER = 300

TITLE_START = re.compile(
    r"^[\s«\"“„'(]*(?:(?:типовой|комплексный|региональный|ведомственный|сводный)\s+)?"
    r"(?:план(?:\b|-график)|дорожн(?:ая|ой)\s+карт)",
    re.IGNORECASE,
)
APPENDIX = re.compile(r"^[\s«\"“„']*приложение\b", re.IGNORECASE)
YEAR_HEADING = re.compile(r"^(?:на\s+)?(20\d\d)\s*(?:год[а-я]*|г\.?)?\s*$", re.IGNORECASE)
APPROVAL = re.compile(r"^\s*(?:утвержд|согласов)", re.IGNORECASE)


def is_title_start(text: str) -> bool:
    return len(text) <= MAX_TITLE and bool(TITLE_START.match(text))


def is_appendix_marker(text: str) -> bool:
    return len(text) <= MAX_MARKER and bool(APPENDIX.match(text))


def continues_title(text: str) -> bool:
    """Whether a line right after a title's first line is more of the title."""
    return 0 < len(text) <= MAX_TITLE and not is_appendix_marker(text) and not APPROVAL.match(text)


def year_heading(text: str) -> int | None:
    """The year of a year heading (`2025 год` → 2025), else None."""
    match = YEAR_HEADING.match(text.strip())
    return int(match.group(1)) if match else None
