"""/my: an official's measures — counts by group first, then a paginated list, then the card."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.clock import person_today
from bot.config import Settings
from bot.deadline_wording import deadline_phrase
from bot.measures import (
    GROUP_ORDER,
    Group,
    MeasureLine,
    can_view,
    count_by_group,
    executor_measures,
    load_card,
)
from bot.text_limits import shorten
from handlers.measure_card import MyList, OpenMeasure, card_keyboard, group_label, render_card
from handlers.replies import show
from handlers.reports import card_report_buttons
from models.tables import Official

PAGE_SIZE = 8
BUTTON_TITLE_LENGTH = 48
LINE_TITLE_LENGTH = 150
OPEN_GROUPS = (Group.OVERDUE, Group.DUE_SOON, Group.LATER)


def list_line(line: MeasureLine, today: date) -> str:
    """A measure in a /my list: number, title and, while it is open, its deadline phrase."""
    text = f"<b>{escape(line.number)}</b> {escape(shorten(line.title, LINE_TITLE_LENGTH))}"
    if line.deadline is not None and line.group in OPEN_GROUPS:
        text += " — " + deadline_phrase(line.deadline, today, _, _)
    return text


def overview_keyboard(counts: dict[Group, int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for group in GROUP_ORDER:
        if counts[group]:
            builder.button(
                text=f"{group_label(group)}: {counts[group]}",
                callback_data=MyList(group=group.value, page=0),
            )
    builder.adjust(1)
    return builder.as_markup()


def overview_text(counts: dict[Group, int]) -> str:
    total = sum(counts.values())
    lines = [_("<b>Your measures</b>: {count}").format(count=total)]
    lines.extend(f"{group_label(group)}: {counts[group]}" for group in GROUP_ORDER)
    return "\n".join(lines)


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
    today = await person_today(session, official, now, settings.default_timezone)
    lines = await executor_measures(session, roles.organization_ids, today)
    if not lines:
        await message.answer(_("Your bodies have no measures yet."))
        return
    counts = count_by_group(lines)
    await message.answer(overview_text(counts), reply_markup=overview_keyboard(counts))


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
        group = Group(callback_data.group)
    except ValueError:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    today = await person_today(session, official, now, settings.default_timezone)
    lines = [
        line
        for line in await executor_measures(session, roles.organization_ids, today)
        if line.group is group
    ]
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(callback_data.page, 0), pages - 1)
    shown = lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    builder = InlineKeyboardBuilder()
    for line in shown:
        title = (
            line.title
            if len(line.title) <= BUTTON_TITLE_LENGTH
            else line.title[: BUTTON_TITLE_LENGTH - 1] + "…"
        )
        builder.button(
            text=f"{line.number} {title}",
            callback_data=OpenMeasure(measure_id=line.measure_id, back=group.value, page=page),
        )
    navigation = []
    if page > 0:
        navigation.append(("‹", MyList(group=group.value, page=page - 1)))
    navigation.append((_("Overview"), MyList(group="overview", page=0)))
    if page < pages - 1:
        navigation.append(("›", MyList(group=group.value, page=page + 1)))
    for text, data in navigation:
        builder.button(text=text, callback_data=data)
    builder.adjust(*([1] * len(shown)), len(navigation))
    text = _("{group}: {count}").format(group=group_label(group), count=len(lines))
    if pages > 1:
        text += " " + _("(page {page} of {pages})").format(page=page + 1, pages=pages)
    if not lines:
        text += "\n" + _("Nothing here now.")
    else:
        text += "\n\n" + "\n".join(list_line(line, today) for line in shown)
    await query.answer()
    await show(query, text, builder.as_markup())


async def back_to_overview(
    query: CallbackQuery,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    today = await person_today(session, official, now, settings.default_timezone)
    lines = await executor_measures(session, roles.organization_ids, today)
    counts = count_by_group(lines)
    await query.answer()
    await show(query, overview_text(counts), overview_keyboard(counts))


async def open_measure(
    query: CallbackQuery,
    callback_data: OpenMeasure,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    card = await load_card(session, callback_data.measure_id)
    # The same answer for a measure that does not exist and one that is not theirs.
    if card is None or not can_view(roles, card.plan_id, card.organization_ids):
        await query.answer(_("This measure is not available to you."), show_alert=True)
        return
    organization_ids = None if roles.coordinates_plan(card.plan_id) else roles.organization_ids
    today = await person_today(session, official, now, settings.default_timezone)
    text = render_card(card, today, organization_ids)
    await query.answer()
    keyboard = card_keyboard(
        callback_data.back,
        callback_data.page,
        measure_id=card.measure_id,
        can_coordinate=roles.coordinates_plan(card.plan_id),
        report_buttons=await card_report_buttons(session, roles, card.measure_id, card.plan_id),
    )
    await show(query, text, keyboard)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_overview, Command("my"))
    router.callback_query.register(back_to_overview, MyList.filter(F.group == "overview"))
    router.callback_query.register(show_group, MyList.filter())
    router.callback_query.register(open_measure, OpenMeasure.filter())
    return router
