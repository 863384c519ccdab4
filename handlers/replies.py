"""Small pieces every feature's replies share."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the message the button was on; send a new one if it cannot be edited."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" in str(error):
                return
        else:
            return
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


def confirm_keyboard(
    yes_text: str, yes: CallbackData, cancel: CallbackData
) -> InlineKeyboardMarkup:
    """The two buttons of a confirmation: the action, and Cancel."""
    builder = InlineKeyboardBuilder()
    builder.button(text=yes_text, callback_data=yes)
    builder.button(text=_("Cancel"), callback_data=cancel)
    builder.adjust(2)
    return builder.as_markup()
