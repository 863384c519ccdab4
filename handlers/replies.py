"""Small pieces every feature's replies share."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.presentation import text_limits
from bot.presentation.fits import button_count
from bot.presentation.paging import page_row as page_row  # the one "‹ ›" row
from bot.presentation.text_limits import PageOf

logger = logging.getLogger(__name__)


# What Telegram answers when a message cannot be edited (too old, a document or photo, gone):
# then a new message with the same (valid) text is the right answer.
CANNOT_EDIT = (
    "message can't be edited",
    "message to edit not found",
    "there is no text in the message to edit",
)


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Replace the message the button was on; send a new one if it cannot be edited.

    Returns whether the text is on the screen. Any other refusal is a bug in what we built (too
    long, bad HTML, a bad button): it is logged as an error with the sizes and nothing is sent
    again, and the update goes on, so work already done in it is still saved; the caller may
    tell the person so."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return True
            if not any(reason in error.message for reason in CANNOT_EDIT):
                _log_refusal(error, text, markup)
                return False
        else:
            return True
    try:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
    except TelegramBadRequest as error:
        _log_refusal(error, text, markup)
        return False
    return True


async def answer(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Reply with a new message; a refusal is logged as `show` does, nothing sent again."""
    try:
        await message.answer(text, reply_markup=markup)
    except TelegramBadRequest as error:
        _log_refusal(error, text, markup)
        return False
    return True


def saved_not_shown() -> str:
    """What a person reads when their change is saved but its result could not be shown."""
    return _(
        "Your change was saved, but something went wrong while showing the result. "
        "Open it again to see it; if something looks wrong, tell your coordinator."
    )


def _log_refusal(error: TelegramBadRequest, text: str, markup: InlineKeyboardMarkup | None) -> None:
    logger.error(
        "Telegram refused a reply: %s (text of %d characters, %d visible, %d buttons)",
        error.message,
        len(text),
        text_limits.visible_length(text),
        button_count(markup),
    )


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
    """The "‹ ›" buttons of a paged list added to `builder` (see `page_row`). Returns how many
    buttons were added, for `adjust`."""
    row = page_row(page, make)
    builder.add(*row)
    return len(row)


def page_label(page: PageOf[Any]) -> str:
    """ " (page 2 of 5)" after a list's heading, nothing for a single page."""
    if page.pages <= 1:
        return ""
    return " " + _("(page {page} of {pages})").format(page=page.page + 1, pages=page.pages)
