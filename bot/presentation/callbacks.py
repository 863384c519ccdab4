"""Callback data of the buttons that scheduled notifications carry as well as chat replies.

A reminder has a measure's card button (`OpenMeasure`), its Report button (`ReportStart`) and
the complete list behind it (`DueListPage`); a submitted report reaches the coordinators with
Documents and Accept / Return (`OpenReport`, `ReportFiles`, `ReviewReport`). The routers in
handlers/ filter on these classes; the renderers in scheduler/ build buttons with them. Buttons
only chat replies use keep their callback data beside their router.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.due_lists import DueList

__all__ = [
    "DueListPage",
    "OpenMeasure",
    "OpenReport",
    "ReportFiles",
    "ReportStart",
    "ReviewReport",
]


class OpenMeasure(CallbackData, prefix="m"):
    measure_id: int
    back: str = ""  # the /my group to go back to, if opened from there
    page: int = 0


class DueListPage(CallbackData, prefix="dl"):
    which: DueList
    page: int = 0
    # Pressed on a reminder: the list comes as a new message and the reminder stays.
    fresh: bool = False


class ReportStart(CallbackData, prefix="rs"):
    measure_id: int


class OpenReport(CallbackData, prefix="ro"):
    report_id: int


class ReportFiles(CallbackData, prefix="rfl"):
    report_id: int


class ReviewReport(CallbackData, prefix="rv"):
    """A coordinator's decision: "accept" (asks to confirm), "accept_yes", "return"."""

    action: str
    report_id: int
