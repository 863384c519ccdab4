"""The complete due lists behind a reminder's "show all" button, page by page.

Every press re-reads the list (bot.due_lists) for the person pressing, so a forwarded or
forged button shows nobody else's measures. Each measure opens its card.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.config import Settings
from bot.due_lists import DueList, DueMeasure, due_measures
from bot.measure_status import StatusDates
from bot.presentation.callbacks import DueListPage, OpenMeasure
from bot.presentation.deadline_wording import deadline_phrase
from bot.presentation.text_limits import PageOf, page_of, shorten
from handlers.replies import page_buttons, page_label, show
from models.tables import Official

# A page of 8 items of at most ~250 characters each stays far below 4,096 even when every
# character is one that Telegram counts twice (UTF-16).
PAGE_SIZE = 8
NUMBER_LENGTH = 20
TITLE_LENGTH = 120
BODIES_LENGTH = 60
BUTTON_TITLE_LENGTH = 40


def heading(which: DueList, count: int) -> str:
    if which is DueList.OWN:
        return _("<b>Your measures due</b>: {count}").format(count=count)
    return _("<b>Overdue measures of the bodies you oversee</b>: {count}").format(count=count)


def item_block(position: int, measure: DueMeasure) -> str:
    phrase = deadline_phrase(measure.deadline, measure.today, _, ngettext)
    bodies = escape(shorten(", ".join(measure.bodies), BODIES_LENGTH))
    return (
        f"{position}. <b>{escape(shorten(measure.number, NUMBER_LENGTH))}</b> "
        f"{escape(shorten(measure.title, TITLE_LENGTH))}\n{phrase} · {bodies}"
    )


def render_page(which: DueList, page: PageOf[DueMeasure]) -> str:
    blocks = [heading(which, page.total) + page_label(page)]
    if not page.items:
        blocks.append(_("Nothing is due now."))
    blocks += [
        item_block(page.first_number + index, measure) for index, measure in enumerate(page.items)
    ]
    return "\n\n".join(blocks)


def page_keyboard(which: DueList, page: PageOf[DueMeasure]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for measure in page.items:
        builder.button(
            text=f"{shorten(measure.number, NUMBER_LENGTH)} "
            f"{shorten(measure.title, BUTTON_TITLE_LENGTH)}",
            callback_data=OpenMeasure(measure_id=measure.measure_id),
        )
    paging = page_buttons(builder, page, lambda number: DueListPage(which=which, page=number))
    builder.adjust(*([1] * len(page.items)), *([paging] if paging else []))
    return builder.as_markup()


async def show_due_list(
    query: CallbackQuery,
    callback_data: DueListPage,
    session: AsyncSession,
    roles: Roles,
    official: Official | None,
    settings: Settings,
    now: datetime,
) -> None:
    measures: Sequence[DueMeasure] | None = await due_measures(
        session, roles, callback_data.which, StatusDates.at(now, settings.default_timezone)
    )
    if measures is None:
        await query.answer(_("This list is not available to you."), show_alert=True)
        return
    page = page_of(measures, callback_data.page, PAGE_SIZE)
    text = render_page(callback_data.which, page)
    keyboard = page_keyboard(callback_data.which, page)
    await query.answer()
    if callback_data.fresh and isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=keyboard)
    else:
        await show(query, text, keyboard)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(show_due_list, DueListPage.filter())
    return router
