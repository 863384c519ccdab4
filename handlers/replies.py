"""Small pieces every feature's replies share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.text_limits import PageOf


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


def page_buttons(
    builder: InlineKeyboardBuilder, page: PageOf[Any], make: Callable[[int], CallbackData]
) -> int:
    """The "‹ 2/5 ›" row of a paged list: buttons to the previous and next page (only those
    that exist) around a label. Returns how many buttons were added, for `adjust`."""
    if page.pages <= 1:
        return 0
    count = 0
    if page.has_previous:
        builder.button(text="‹", callback_data=make(page.page - 1))
        count += 1
    if page.has_next:
        builder.button(text="›", callback_data=make(page.page + 1))
        count += 1
    return count


def page_label(page: PageOf[Any]) -> str:
    """" (page 2 of 5)" after a list's heading, nothing for a single page."""
    if page.pages <= 1:
        return ""
    return " " + _("(page {page} of {pages})").format(page=page.page + 1, pages=page.pages)
