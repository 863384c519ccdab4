"""/start and /help: who the person is to the bot and what they can do."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.config import Settings
from bot.measure_status import StatusDates
from bot.overview import PersonalOverview, personal_overview
from bot.presentation.commands import MENUS, audience_of
from bot.presentation.menus import set_personal_menu
from models.tables import Official


def render_greeting(name: str, roles: Roles, overview: PersonalOverview) -> str:
    """Who the person is to the bot: their roles and what their bodies answer for."""
    lines = [_("Hello, {name}!").format(name=escape(name))]
    if not roles.is_registered:
        lines.append(
            _(
                "This bot reminds officials of the deadlines of their roadmap measures and "
                "collects their reports for the coordinator."
            )
        )
        lines.append(_("To start, open the invitation link your coordinator sends you."))
    if roles.is_admin:
        lines.append(_("You are an administrator: you hold every coordinator right."))
    elif roles.coordinator_plan_ids:
        lines.append(
            _(
                "You coordinate {count} plan.",
                "You coordinate {count} plans.",
                len(roles.coordinator_plan_ids),
            ).format(count=len(roles.coordinator_plan_ids))
        )
    if roles.is_executor:
        lines.append(
            _(
                "Your bodies answer for {count} open measure.",
                "Your bodies answer for {count} open measures.",
                overview.open_measures,
            ).format(count=overview.open_measures)
        )
        if overview.overdue_measures:
            lines.append(
                _(
                    "{count} of them is overdue.",
                    "{count} of them are overdue.",
                    overview.overdue_measures,
                ).format(count=overview.overdue_measures)
            )
        if overview.under_review:
            lines.append(
                _(
                    "{count} report waits for review.",
                    "{count} reports wait for review.",
                    overview.under_review,
                ).format(count=overview.under_review)
            )
    lines.append(_("Send /help to see what you can do."))
    return "\n\n".join(lines)


async def start(
    message: Message,
    session: AsyncSession,
    official: Official,
    roles: Roles,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    dates = StatusDates.at(now, settings.default_timezone)
    overview = await personal_overview(session, roles, dates)
    await message.answer(render_greeting(official.display_name, roles, overview))
    if roles.is_registered:
        await set_personal_menu(bot, i18n, message.chat.id, audience_of(roles), i18n.current_locale)


async def help_command(message: Message, roles: Roles) -> None:
    audience = audience_of(roles)
    lines = [_("<b>What you can do</b>")]
    lines.extend(f"/{item.command} — {escape(_(item.description))}" for item in MENUS[audience])
    if not roles.is_registered:
        lines.append("")
        lines.append(
            _(
                "The bot works for people invited by a coordinator of a regional roadmap. "
                "Ask your coordinator for an invitation link."
            )
        )
    await message.answer("\n".join(lines))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    return router
