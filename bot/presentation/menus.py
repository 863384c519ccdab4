"""Sending the command menus to Telegram, per scope and language."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES
from bot.presentation.commands import MENUS, Audience

logger = logging.getLogger(__name__)


def menu_commands(i18n: I18n, audience: Audience, locale: str) -> list[BotCommand]:
    return [
        BotCommand(command=item.command, description=i18n.gettext(item.description, locale=locale))
        for item in MENUS[audience]
    ]


async def set_default_menus(bot: Bot, i18n: I18n) -> None:
    """The menu of anyone without a personal one, in Russian and for English clients."""
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(
            menu_commands(i18n, Audience.GUEST, locale),
            scope=BotCommandScopeDefault(),
            language_code=None if locale == DEFAULT_LOCALE else locale,
        )


async def set_personal_menu(
    bot: Bot, i18n: I18n, chat_id: int, audience: Audience, locale: str
) -> bool:
    """The menu of one person's private chat; False when Telegram refused (never started)."""
    try:
        await bot.set_my_commands(
            menu_commands(i18n, audience, locale), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as error:
        logger.info("Command menu for chat %s not set: %s", chat_id, error)
        return False
    return True
