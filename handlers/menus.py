"""A person's command menu follows their roles when someone else changes them."""

from __future__ import annotations

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot import people
from bot.config import Settings
from bot.i18n import pick_locale
from bot.presentation.commands import audience_of
from bot.presentation.menus import set_personal_menu
from models.tables import Official


async def refresh_menu(
    bot: Bot,
    i18n: I18n,
    session: AsyncSession,
    settings: Settings,
    official_id: int,
    locale: str | None = None,
) -> None:
    """The person's roles changed: their command menu follows (best effort). `locale` is the
    person's current language when they are the one asking; else their chosen one, or Russian."""
    person = await session.get(Official, official_id)
    if person is None:
        return
    roles = await people.roles_of(session, person, settings.admin_ids)
    await set_personal_menu(
        bot,
        i18n,
        person.telegram_id,
        audience_of(roles),
        locale or pick_locale(person.locale, None),
    )
