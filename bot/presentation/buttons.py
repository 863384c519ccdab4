"""Buttons with callback data, built once per text and data and shared.

Building an `InlineKeyboardButton` (a pydantic model) costs more than the rest of a list's line;
the same buttons recur on every page, card and list a person opens. Buttons are never changed
once built, so one object serves every keyboard that shows it."""

from __future__ import annotations

import functools

from aiogram.types import InlineKeyboardButton


@functools.lru_cache(maxsize=4096)
def data_button(text: str, data: str) -> InlineKeyboardButton:
    """The button with this text and callback data (`CallbackData.pack()`)."""
    return InlineKeyboardButton(text=text, callback_data=data)
