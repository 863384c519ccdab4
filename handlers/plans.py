"""/plans: a coordinator's list of their plans with progress in numbers."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.clock import person_today
from bot.config import Settings
from bot.plans import PlanProgress, plans_progress_for
from bot.presentation.text_limits import pack, shorten
from models.tables import Official

TITLE_LENGTH = 300


def render_progress(progress: PlanProgress) -> str:
    parts = [
        _("{count} measure", "{count} measures", progress.measures).format(count=progress.measures),
        _("done: {count}").format(count=progress.done),
        _("overdue: {count}").format(count=progress.overdue),
    ]
    if progress.without_deadline:
        parts.append(_("without deadline: {count}").format(count=progress.without_deadline))
    return f"<b>{escape(shorten(progress.title, TITLE_LENGTH))}</b>\n" + ", ".join(parts)


async def list_plans(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    require_coordinator(roles)
    today = await person_today(session, official, now, settings.default_timezone)
    progress = await plans_progress_for(session, roles, today)
    if not progress:
        await message.answer(_("There are no plans yet."))
        return
    # An administrator sees every plan of the country's regions: as many messages as needed.
    for text in pack([render_progress(item) for item in progress]):
        await message.answer(text)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(list_plans, Command("plans"))
    return router
