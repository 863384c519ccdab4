"""Texts of the importer's warnings and failures: gettext message ids, one per code.

Every code that `read_plan` raises (`ImportFailure.code`) or warns with (`ImportWarning.code`)
has a message here; `{placeholders}` are filled from the warning's or failure's params.
Locations ("line 42", "table 2, row 7", "sheet 'План', row 12", "paragraph 5") are written in
English by the readers and translated by `render_where`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.i18n import N_
from bot.plan_import.model import ImportFailure, ImportWarning

Gettext = Callable[[str], str]

WARNING_MESSAGES: dict[str, str] = {
    "row_not_understood": N_("This row was not understood and was left out: {text}"),
    "cell_truncated": N_("A cell of {length} characters was cut to its first {limit} characters."),
    "columns_ignored": N_("Only the first {limit} columns were read; the others were left out."),
    "duplicate_number": N_(
        "Measure number {number} occurs again (first at {first}); both measures are kept, "
        "the repeated one as {number}#2."
    ),
    "quarter_typo": N_(
        "Measure {number}: «{text}» names no real quarter; it was read as the fourth quarter, "
        "deadline {deadline}."
    ),
    "deadline_not_understood": N_(
        "Measure {number}: the deadline «{text}» was not understood; the measure has no deadline "
        "for now."
    ),
    "periodic_deadline": N_(
        "Measure {number} recurs («{text}») and has no single deadline; set one if reminders are "
        "needed."
    ),
    "periodic_deadline_many": N_("{count} measures recur and have no single deadline: {numbers}."),
    "deadline_year_only": N_(
        "Measure {number}: only a year is given («{text}»); the deadline is set to {deadline}."
    ),
    "deadline_year_only_many": N_(
        "{count} measures give only a year as their deadline; each is set to 31 December of that "
        "year: {numbers}."
    ),
    "no_deadline": N_("Measure {number} has no deadline."),
    "no_deadline_many": N_("{count} measures have no deadline: {numbers}."),
    "no_executor": N_("Measure {number} names no executor."),
    "no_executor_many": N_("{count} measures name no executor: {numbers}."),
    "measure_without_title": N_("Measure {number} has no text."),
    "unknown_abbreviation": N_(
        "The abbreviation {abbreviation} (first in measure {number}) is not defined in the "
        "document; it is kept as written."
    ),
    "abbreviation_conflict": N_(
        "The abbreviation {abbreviation} is defined twice; «{kept}» is used, «{ignored}» is not."
    ),
    "range_deadlines_mismatch": N_(
        "Row {row} stands for {numbers} measures but gives {dates} dates: the dates were given "
        "to the measures in order, and the measures past the last date got the last date. "
        "Check their deadlines."
    ),
    "range_deadlines_extra": N_(
        "Row {row} stands for {numbers} measures but gives {dates} dates: the first {numbers} "
        "dates were given to the measures in order, the others were left out. Check their "
        "deadlines."
    ),
    "plan_without_measures": N_("The plan table here has no measures; it was left out."),
    "plan_title_missing": N_("The plan's title was not found; it is called «{title}» for now."),
}

FAILURE_MESSAGES: dict[str, str] = {
    "too_large": N_("The file is {size_mb} MB; the limit is {limit_mb} MB."),
    "too_large_unpacked": N_(
        "The file unpacks to more than {limit_mb} MB, which is too much to read."
    ),
    "too_many_rows": N_(
        "The file has more than {limit} table rows, more than the bot reads. Split the plan "
        "into several files."
    ),
    "too_many_cells": N_(
        "The file has more than {limit} cells (or too many in one row), more than the bot "
        "reads. Remove the empty rows and columns or split the plan into several files."
    ),
    "too_many_lines": N_(
        "The file has more than {limit} lines, more than the bot reads. Split the plan into "
        "several files."
    ),
    "empty": N_("The file is empty."),
    "unsupported_format": N_(
        "The bot cannot read {kind} files. Send the plan as a Word (.docx) or Excel (.xlsx) "
        "file, a CSV file or plain text."
    ),
    "corrupted": N_(
        "The {kind} file is damaged and cannot be opened. Save it again and send the new copy."
    ),
    "encrypted": N_(
        "The file is protected by a password. Remove the password and send the file again."
    ),
    "no_measures": N_(
        "No table of measures was found in the file. It needs a header row with columns such as "
        "«Мероприятие», «Срок реализации» and «Ответственный исполнитель»."
    ),
    "unreadable": N_(
        "The file could not be read. Check that it opens on your computer and send it again."
    ),
}

WHERE_MESSAGES: dict[str, str] = {
    "line": N_("line {line}"),
    "table": N_("table {table}, row {row}"),
    "sheet": N_("sheet «{sheet}», row {row}"),
    "paragraph": N_("paragraph {paragraph}"),
}
WHERE_FORMS = (
    ("line", re.compile(r"^line (?P<line>\d+)$")),
    ("table", re.compile(r"^table (?P<table>\d+), row (?P<row>\d+)$")),
    ("sheet", re.compile(r"^sheet '(?P<sheet>.*)', row (?P<row>\d+)$")),
    ("paragraph", re.compile(r"^paragraph (?P<paragraph>\d+)$")),
)


class _Params(dict[str, Any]):
    """Params for `str.format_map`: a missing one shows as `?` instead of failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def _format(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template.format_map(_Params(params))
    except (ValueError, IndexError, AttributeError):
        return template


def render(
    code_or_warning: str | ImportWarning | ImportFailure,
    gettext: Gettext,
    **params: Any,
) -> str:
    """The translated text of a warning, a failure, or a code with `params`."""
    if isinstance(code_or_warning, ImportWarning):
        code, values = code_or_warning.code, {**code_or_warning.params, **params}
        if isinstance(values.get("first"), str):
            values["first"] = render_where(values["first"], gettext)
        template = WARNING_MESSAGES.get(code)
    elif isinstance(code_or_warning, ImportFailure):
        code, values = code_or_warning.code, {**code_or_warning.params, **params}
        template = FAILURE_MESSAGES.get(code)
    else:
        code, values = code_or_warning, params
        template = FAILURE_MESSAGES.get(code) or WARNING_MESSAGES.get(code)
    if template is None:
        return code
    return _format(gettext(template), values)


def render_warning(warning: ImportWarning, gettext: Gettext) -> str:
    return render(warning, gettext)


def render_failure(failure: ImportFailure, gettext: Gettext) -> str:
    return render(failure, gettext)


def render_where(where: str, gettext: Gettext) -> str:
    """A reader's location in the person's language ("line 42" → "строка 42")."""
    for form, pattern in WHERE_FORMS:
        match = pattern.match(where)
        if match:
            return _format(gettext(WHERE_MESSAGES[form]), match.groupdict())
    return where
