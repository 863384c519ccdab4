"""Callback data of the buttons that scheduled notifications carry as well as chat replies.

A reminder has a measure's card button (`OpenMeasure`) and the complete list behind it
(`DueListPage`); the report's buttons (Report, Documents, Accept / Return) and their one keyboard
builder are in bot/presentation/report_keyboards.py. The routers in
handlers/ filter on these classes; the renderers in scheduler/ build buttons with them. Buttons
only chat replies use keep their callback data beside their router.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.due_lists import DueList

__all__ = ["DueListPage", "OpenMeasure"]


class OpenMeasure(CallbackData, prefix="m"):
    measure_id: int
    back: str = ""  # the /my group to go back to, if opened from there
    page: int = 0


class DueListPage(CallbackData, prefix="dl"):
    which: DueList
    page: int = 0
    # Pressed on a reminder: the list comes as a new message and the reminder stays.
    fresh: bool = False
