"""Whether Telegram would take a message as built, and the cut-down form when it would not.

One rule for chat replies and scheduled notifications alike: the text within a message's
limit, at most KEYBOARD_BUTTON_LIMIT buttons, each button's callback data within
CALLBACK_DATA_LIMIT bytes (see text_limits for the numbers).
"""

from __future__ import annotations

import html

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.presentation.text_limits import (
    CALLBACK_DATA_LIMIT,
    KEYBOARD_BUTTON_LIMIT,
    MESSAGE_LIMIT,
    fits_message,
    plain_text,
    shorten,
    utf16_length,
)

__all__ = [
    "ReplyMarkup",
    "button_count",
    "cut_to_fit",
    "keyboard_fits",
    "keyboard_that_fits",
    "message_fits",
]

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def button_count(markup: ReplyMarkup | None) -> int:
    if isinstance(markup, InlineKeyboardMarkup):
        return sum(len(row) for row in markup.inline_keyboard)
    if isinstance(markup, ReplyKeyboardMarkup):
        return sum(len(row) for row in markup.keyboard)
    return 0


def _callback_fits(button: InlineKeyboardButton) -> bool:
    data = button.callback_data
    return data is None or 0 < len(data.encode()) <= CALLBACK_DATA_LIMIT


def keyboard_fits(markup: ReplyMarkup | None) -> bool:
    """Whether Telegram would take these buttons: how many, and each one's callback data."""
    if button_count(markup) > KEYBOARD_BUTTON_LIMIT:
        return False
    if isinstance(markup, InlineKeyboardMarkup):
        return all(_callback_fits(button) for row in markup.inline_keyboard for button in row)
    return True


def message_fits(text: str, markup: ReplyMarkup | None) -> bool:
    """Whether Telegram would take this message: its text and its buttons."""
    return fits_message(text) and keyboard_fits(markup)


def cut_to_fit(text: str) -> str:
    """The text as plain text (tags dropped), cut with "…" to fit a message, escaped."""
    plain = plain_text(text).strip() or "—"
    limit = MESSAGE_LIMIT
    cut = shorten(plain, limit)
    while utf16_length(cut) > MESSAGE_LIMIT:
        limit -= utf16_length(cut) - MESSAGE_LIMIT
        cut = shorten(plain, limit)
    return html.escape(cut, quote=False)


def keyboard_that_fits(markup: ReplyMarkup | None) -> ReplyMarkup | None:
    """The inline buttons Telegram would accept, at most KEYBOARD_BUTTON_LIMIT of them."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return markup if button_count(markup) <= KEYBOARD_BUTTON_LIMIT else None
    rows: list[list[InlineKeyboardButton]] = []
    left = KEYBOARD_BUTTON_LIMIT
    for row in markup.inline_keyboard:
        kept = [button for button in row if _callback_fits(button)][:left]
        if kept:
            rows.append(kept)
            left -= len(kept)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
