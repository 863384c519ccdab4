"""What nobody else answered: unknown commands, stray text, stale buttons."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

router = Router(name=__name__)


@router.message()
async def unknown_message(message: Message) -> None:
    await message.answer(_("I did not understand that. Send /help to see what you can do."))


@router.callback_query()
async def unknown_button(query: CallbackQuery) -> None:
    await query.answer(_("This button is out of date."), show_alert=True)
