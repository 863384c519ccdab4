"""/review: the reports waiting for the coordinator, oldest first, a page at a time."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.clock import timezone_of
from bot.config import Settings
from bot.presentation.report_keyboards import OpenReport
from bot.presentation.text_limits import page_of, shorten
from bot.review_list import WaitingReport, reports_waiting
from handlers.replies import page_buttons, page_label, show
from handlers.report_view import local_day
from handlers.reports import BUTTON_LENGTH
from models.tables import Official

REVIEW_PAGE = 8


class ReviewPage(CallbackData, prefix="rvp"):
    page: int


def review_list(
    waiting: list[WaitingReport], timezone: str, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not waiting:
        return _("No reports are waiting for review."), None
    shown = page_of(waiting, page, REVIEW_PAGE)
    text = _(
        "{count} report is waiting for review:",
        "{count} reports are waiting for review:",
        len(waiting),
    ).format(count=len(waiting)) + page_label(shown)
    builder = InlineKeyboardBuilder()
    for item in shown.items:
        builder.button(
            text=shorten(
                f"{local_day(item.submitted_at, timezone):%d.%m} · {item.number} · "
                f"{item.organization_name}",
                BUTTON_LENGTH + 20,
            ),
            callback_data=OpenReport(report_id=item.report_id),
        )
    navigation = page_buttons(builder, shown, lambda number: ReviewPage(page=number))
    builder.adjust(*([1] * len(shown.items)), *([navigation] if navigation else []))
    return text, builder.as_markup()


async def review_command(
    message: Message, session: AsyncSession, roles: Roles, official: Official, settings: Settings
) -> None:
    require_coordinator(roles)
    waiting = await reports_waiting(session, roles, official.id)
    timezone = await timezone_of(session, official, settings.default_timezone)
    text, keyboard = review_list(waiting, timezone, 0)
    await message.answer(text, reply_markup=keyboard)


async def review_page(
    query: CallbackQuery,
    callback_data: ReviewPage,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
) -> None:
    waiting = await reports_waiting(session, roles, official.id)
    timezone = await timezone_of(session, official, settings.default_timezone)
    text, keyboard = review_list(waiting, timezone, callback_data.page)
    await query.answer()
    await show(query, text, keyboard)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(review_command, Command("review"))
    router.callback_query.register(review_page, ReviewPage.filter())
    return router
