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
from bot.config import Settings
from bot.measure_status import StatusDates
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
    if progress.under_review:
        review = _("under review: {count}").format(count=progress.under_review)
        if progress.counts.review_past_deadline:
            review += " " + _("(past the deadline: {count})").format(
                count=progress.counts.review_past_deadline
            )
        parts.append(review)
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
    progress = await plans_progress_for(
        session, roles, StatusDates.at(now, settings.default_timezone)
    )
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
