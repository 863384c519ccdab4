"""The "‹ ›" row of a paged list, for chat replies and notifications alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.presentation.buttons import data_button
from bot.presentation.text_limits import PageOf


def page_row(page: PageOf[Any], make: Callable[[int], CallbackData]) -> list[InlineKeyboardButton]:
    """The "‹ ›" buttons of a paged list, as a row (empty for a single page)."""
    if page.pages <= 1:
        return []
    row = []
    if page.has_previous:
        row.append(data_button("‹", make(page.page - 1).pack()))
    if page.has_next:
        row.append(data_button("›", make(page.page + 1).pack()))
    return row
