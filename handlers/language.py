"""/lang: the person picks the interface language."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import people
from bot.access import Roles
from bot.i18n import SUPPORTED_LOCALES
from bot.presentation.commands import audience_of
from bot.presentation.menus import set_personal_menu
from models.tables import Official

# Language names are shown in their own language, whatever the current one is.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:
        mark = "✓ " if code == current else ""
        builder.button(
            text=f"{mark}{LANGUAGE_NAMES[code]}", callback_data=LanguageChoice(code=code)
        )
    builder.adjust(len(SUPPORTED_LOCALES))
    return builder.as_markup()


async def ask_language(message: Message, i18n: I18n) -> None:
    await message.answer(
        _("Choose the language of the bot:"), reply_markup=language_keyboard(i18n.current_locale)
    )


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    official: Official,
    roles: Roles,
    i18n: I18n,
    bot: Bot,
) -> None:
    try:
        await people.choose_locale(session, official, callback_data.code)
    except people.UnsupportedLocale:
        await query.answer(_("This language is not available."), show_alert=True)
        return
    locale = callback_data.code
    with i18n.use_locale(locale):
        text = _("The bot will speak {language} with you.").format(language=LANGUAGE_NAMES[locale])
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(text, reply_markup=None)
        else:
            await bot.send_message(query.from_user.id, text)
    await set_personal_menu(bot, i18n, query.from_user.id, audience_of(roles), locale)


async def malformed_language_choice(query: CallbackQuery) -> None:
    """Callback data that looks like ours but does not parse: never trusted, never a crash."""
    await query.answer(_("This button is out of date. Send /lang again."), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_language, Command("lang"))
    router.callback_query.register(choose_language, LanguageChoice.filter())
    router.callback_query.register(
        malformed_language_choice, F.data.startswith(LanguageChoice.__prefix__ + ":")
    )
    return router
