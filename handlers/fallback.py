"""What nobody else answered: unknown commands, stray text, stale buttons."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _


async def unknown_message(message: Message) -> None:
    await message.answer(_("I did not understand that. Send /help to see what you can do."))


async def unknown_button(query: CallbackQuery) -> None:
    await query.answer(_("This button is out of date."), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_message)
    router.callback_query.register(unknown_button)
    return router
