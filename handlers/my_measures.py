"""/my: an official's measures — counts by group first, then a paginated list, then the card."""

from __future__ import annotations

import functools
from datetime import date, datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.clock import timezone_of, today_in
from bot.config import Settings
from bot.measure_status import OPEN_STATUSES, Status, StatusDates
from bot.measures import (
    MY_ORDER,
    MeasureLine,
    count_by_status,
    executor_measures,
    executor_measures_in,
    review_past_deadline,
    takes_requests,
    viewable_card,
)
from bot.presentation.buttons import data_button
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.deadline_wording import deadline_phrase
from bot.presentation.text_limits import BUTTON_TEXT_LIMIT, PageOf, page_of, shorten
from handlers.measure_card import (
    FULL_TEXT_MESSAGES,
    CardFullText,
    CardHistory,
    MyList,
    card_keyboard,
    full_text_file,
    full_text_messages,
    group_label,
    render_card,
)
from handlers.replies import page_label, page_row, show
from handlers.reports import card_report_buttons
from models.tables import Official

PAGE_SIZE = 8
LINE_TITLE_LENGTH = 150


def list_line(line: MeasureLine) -> str:
    """A measure in a /my list: number, title and, while it is open or under review, its
    deadline phrase (in its body's today)."""
    text = f"<b>{escape(line.number)}</b> {escape(shorten(line.title, LINE_TITLE_LENGTH))}"
    if line.deadline is not None and (
        line.status in OPEN_STATUSES or line.status is Status.UNDER_REVIEW
    ):
        text += " — " + _line_deadline(line.deadline, line.today, get_i18n().current_locale)
    return text


@functools.lru_cache(maxsize=4096)
def _line_deadline(deadline: date, today: date, locale: str) -> str:
    """`deadline_phrase` in the reader's language (`locale`, the update's: `_` translates into
    it), worked out once per deadline, day and language: the officials of a body see the same
    measures, page after page."""
    return deadline_phrase(deadline, today, _, _)


def overview_keyboard(counts: dict[Status, int]) -> InlineKeyboardMarkup:
    # Built from rows directly: InlineKeyboardBuilder copies its rows on every button.
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [list_button(f"{group_label(group)}: {counts[group]}", group.value, 0)]
            for group in MY_ORDER
            if counts[group]
        ]
    )


def overview_text(counts: dict[Status, int], late_reviews: int = 0) -> str:
    total = sum(counts.values())
    lines = [_("<b>Your measures</b>: {count}").format(count=total)]
    for group in MY_ORDER:
        line = f"{group_label(group)}: {counts[group]}"
        if group is Status.UNDER_REVIEW and late_reviews:
            line += " " + _("(past the deadline: {count})").format(count=late_reviews)
        lines.append(line)
    return "\n".join(lines)


def group_page_text(group: Status, lines: list[MeasureLine], page: PageOf[MeasureLine]) -> str:
    text = _("{group}: {count}").format(group=group_label(group), count=len(lines))
    text += page_label(page)
    if not lines:
        text += "\n" + _("Nothing here now.")
    else:
        text += "\n\n" + "\n".join(list_line(line) for line in page.items)
    return text


@functools.lru_cache(maxsize=4096)
def measure_button(
    measure_id: int, number: str, title: str, back: str, page: int
) -> InlineKeyboardButton:
    """A measure's button on a /my page: the same for everyone who sees it (no words in the
    reader's language), so built once (a button and its data cost more to build than the rest
    of a page's line). Buttons are never changed once built, so one object can be shared."""
    return data_button(
        shorten(f"{number} {title}", BUTTON_TEXT_LIMIT),
        OpenMeasure(measure_id=measure_id, back=back, page=page).pack(),
    )


@functools.lru_cache(maxsize=1024)
def list_button(text: str, group: str, page: int) -> InlineKeyboardButton:
    """A button opening a page of a /my group (or the overview), built once per text."""
    return data_button(text, MyList(group=group, page=page).pack())


def group_page_keyboard(group: Status, page: PageOf[MeasureLine]) -> InlineKeyboardMarkup:
    """A button per measure of the page, then the page buttons and back to the overview."""
    rows = [
        [measure_button(line.measure_id, line.number, line.title, group.value, page.page)]
        for line in page.items
    ]
    navigation = page_row(page, lambda number: MyList(group=group.value, page=number))
    navigation.append(list_button(_("Overview"), "overview", 0))
    rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def show_overview(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    if not roles.is_executor:
        if roles.is_coordinator:
            await message.answer(_("You have no bodies of your own. Use /find to open a measure."))
        else:
            await message.answer(_("This is available after registration by invitation."))
        return
    dates = StatusDates.at(now, settings.default_timezone)
    lines = await executor_measures(session, roles.organization_ids, dates)
    if not lines:
        await message.answer(_("Your bodies have no measures yet."))
        return
    counts = count_by_status(lines)
    await message.answer(
        overview_text(counts, review_past_deadline(lines)), reply_markup=overview_keyboard(counts)
    )


async def show_group(
    query: CallbackQuery,
    callback_data: MyList,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    try:
        group = Status(callback_data.group)
    except ValueError:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    dates = StatusDates.at(now, settings.default_timezone)
    lines = await executor_measures_in(session, roles.organization_ids, dates, group)
    page = page_of(lines, callback_data.page, PAGE_SIZE)
    await query.answer()
    await show(query, group_page_text(group, lines, page), group_page_keyboard(group, page))


async def back_to_overview(
    query: CallbackQuery,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    lines = await executor_measures(
        session, roles.organization_ids, StatusDates.at(now, settings.default_timezone)
    )
    counts = count_by_status(lines)
    await query.answer()
    await show(query, overview_text(counts, review_past_deadline(lines)), overview_keyboard(counts))


async def open_measure(
    query: CallbackQuery,
    callback_data: OpenMeasure,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    await show_card(
        query,
        callback_data.measure_id,
        callback_data.back,
        callback_data.page,
        0,
        session,
        roles,
        official,
        settings,
        now,
    )


async def open_history(
    query: CallbackQuery,
    callback_data: CardHistory,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    await show_card(
        query,
        callback_data.measure_id,
        callback_data.back,
        callback_data.page,
        callback_data.history,
        session,
        roles,
        official,
        settings,
        now,
    )


async def show_card(
    query: CallbackQuery,
    measure_id: int,
    back: str,
    page: int,
    history: int,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    """The card at this page of its history; `back` and `page` lead back to the /my list."""
    card = await viewable_card(session, roles, measure_id, history=history)
    organization_ids = None if roles.coordinates_plan(card.plan_id) else roles.organization_ids
    zone = await timezone_of(session, official, settings.default_timezone)
    text = render_card(card, today_in(zone, now), organization_ids, zone=zone)
    # Read everything before the first Telegram call: a transaction after one takes the
    # write lock (see bot/entry/middlewares.py), which a read does not need.
    report_buttons = await card_report_buttons(session, roles, card.measure_id, card.plan_id)
    await query.answer()
    keyboard = card_keyboard(
        back,
        page,
        measure_id=card.measure_id,
        can_coordinate=roles.coordinates_plan(card.plan_id),
        report_buttons=report_buttons,
        card=card,
        official_requests=takes_requests(card, roles),
    )
    await show(query, text, keyboard)


async def send_full_text(
    query: CallbackQuery, callback_data: CardFullText, session: AsyncSession, roles: Roles
) -> None:
    """The whole title and expected result: in messages that fit, or a file when that would
    take more than a few messages."""
    card = await viewable_card(session, roles, callback_data.measure_id)
    await query.answer()
    texts = full_text_messages(card)
    if len(texts) <= FULL_TEXT_MESSAGES:
        for text in texts:
            await query.bot.send_message(query.from_user.id, text)
        return
    await query.bot.send_document(
        query.from_user.id,
        BufferedInputFile(
            full_text_file(card).encode("utf-8"), filename=f"measure-{card.measure_id}.txt"
        ),
        caption=_("Measure {number}: the full text").format(
            number=escape(shorten(card.number, 30))
        ),
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_overview, Command("my"))
    router.callback_query.register(back_to_overview, MyList.filter(F.group == "overview"))
    router.callback_query.register(show_group, MyList.filter())
    router.callback_query.register(open_measure, OpenMeasure.filter())
    router.callback_query.register(open_history, CardHistory.filter())
    router.callback_query.register(send_full_text, CardFullText.filter())
    return router
