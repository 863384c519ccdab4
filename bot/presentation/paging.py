"""The "‹ ›" row of a paged list, for chat replies and notifications alike."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.presentation.text_limits import PageOf


def page_row(page: PageOf[Any], make: Callable[[int], CallbackData]) -> list[InlineKeyboardButton]:
    """The "‹ ›" buttons of a paged list, as a row (empty for a single page)."""
    if page.pages <= 1:
        return []
    row = []
    if page.has_previous:
        row.append(arrow_button("‹", make(page.page - 1).pack()))
    if page.has_next:
        row.append(arrow_button("›", make(page.page + 1).pack()))
    return row


@functools.lru_cache(maxsize=4096)
def arrow_button(text: str, data: str) -> InlineKeyboardButton:
    """A page button, built once per data (every page of every list has one or two, and a
    button costs more to build than the rest of a row). Buttons are never changed once
    built, so one object can be shared."""
    return InlineKeyboardButton(text=text, callback_data=data)
