"""The report's buttons, shared by chat replies (handlers/) and notifications (scheduler/).

Presentation, not domain: it builds aiogram keyboards.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder


class ReportStart(CallbackData, prefix="rs"):
    """ "Report" on a measure: opens a draft for the person's body that executes it."""

    measure_id: int


class OpenReport(CallbackData, prefix="ro"):
    report_id: int


class ReportFiles(CallbackData, prefix="rfl"):
    """Send the report's documents to the person's chat."""

    report_id: int


class ReviewAction(enum.StrEnum):
    ACCEPT = "accept"  # asks to confirm
    ACCEPT_CONFIRMED = "accept_yes"
    RETURN = "return"  # asks for the reason


class ReviewReport(CallbackData, prefix="rv"):
    """A coordinator's decision on a report."""

    action: ReviewAction
    report_id: int


def report_keyboard(
    gettext: Callable[[str], str],
    report_id: int,
    *,
    documents: int,
    reviewable: bool,
    last: tuple[str, CallbackData],
) -> InlineKeyboardMarkup:
    """A report's buttons: its documents (when it has any), Accept and Return (when the person
    may review it), then `last` (the measure card, or the report itself)."""
    builder = InlineKeyboardBuilder()
    rows = []
    if documents:
        builder.button(
            text=gettext("Documents ({count})").format(count=documents),
            callback_data=ReportFiles(report_id=report_id),
        )
        rows.append(1)
    if reviewable:
        builder.button(
            text=gettext("Accept"),
            callback_data=ReviewReport(action=ReviewAction.ACCEPT, report_id=report_id),
        )
        builder.button(
            text=gettext("Return"),
            callback_data=ReviewReport(action=ReviewAction.RETURN, report_id=report_id),
        )
        rows.append(2)
    text, callback_data = last
    builder.button(text=text, callback_data=callback_data)
    rows.append(1)
    builder.adjust(*rows)
    return builder.as_markup()
