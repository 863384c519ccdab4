"""The confirm-then-act pattern of the lists' buttons (Deactivate, Leave, Remove coordinator).

A button's callback data carries `confirm`: the handler of `confirm=False` asks (`ask_to_confirm`)
and the handler of `confirm=True` acts; each is registered with a magic filter on `confirm`.
"""

from __future__ import annotations

from aiogram import F
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.replies import confirm_keyboard, show

ASKING = F.confirm.is_(False)
CONFIRMED = F.confirm.is_(True)


async def ask_to_confirm(
    query: CallbackQuery, question: str, yes_text: str, yes: CallbackData, cancel: CallbackData
) -> None:
    """Replace the message with the question and its two buttons: the action, and Cancel."""
    await query.answer()
    await show(query, question, confirm_keyboard(yes_text, yes, cancel))


def markup_of(builder: InlineKeyboardBuilder) -> InlineKeyboardMarkup | None:
    """The builder's keyboard; None when it has no button."""
    markup = builder.as_markup()
    return markup if any(markup.inline_keyboard) else None
