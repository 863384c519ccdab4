"""/find: a coordinator finds a measure of their plans by number or words, and opens its card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.config import Settings
from bot.measure_search import FoundMeasure, find_measures
from bot.presentation.text_limits import BUTTON_TEXT_LIMIT, page_of, shorten
from handlers.answers import ANSWER
from handlers.card_actions import coordinator_card
from handlers.replies import page_buttons, page_label, show
from models.tables import Official

SEARCH_PAGE = 10


class FindInput(StatesGroup):
    find_text = State()


class OpenFound(CallbackData, prefix="fm"):
    measure_id: int


class FindPage(CallbackData, prefix="fp"):
    """A page of the last /find's results (the words searched are kept in the FSM data)."""

    page: int


def search_reply(
    found: Sequence[FoundMeasure], query: str, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    shown = page_of(found, page, SEARCH_PAGE)
    several_plans = len({item.plan_id for item in found}) > 1
    lines = [
        _(
            "Found {count} measure for «{query}»:",
            "Found {count} measures for «{query}»:",
            len(found),
        ).format(count=len(found), query=escape(shorten(query, 100)))
        + page_label(shown)
    ]
    builder = InlineKeyboardBuilder()
    for item in shown.items:
        line = f"• <b>{escape(shorten(item.number, 30))}</b> {escape(shorten(item.title, 150))}"
        if several_plans:
            line += f" — «{escape(shorten(item.plan_title, 60))}»"
        lines.append(line)
        builder.button(
            text=shorten(f"{item.number} {shorten(item.title, 40)}", BUTTON_TEXT_LIMIT),
            callback_data=OpenFound(measure_id=item.measure_id),
        )
    navigation = page_buttons(builder, shown, lambda number: FindPage(page=number))
    builder.adjust(*([1] * len(shown.items)), *([navigation] if navigation else []))
    return "\n".join(lines), builder.as_markup()


def nothing_found(query: str) -> str:
    return _(
        "Nothing found for «{query}» in your plans. Try a measure number such as 1.2, "
        "or another word from the title."
    ).format(query=escape(shorten(query, 100)))


async def answer_search(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles, text: str
) -> None:
    found = await find_measures(session, roles, text)
    if not found:
        await message.answer(nothing_found(text))
        return
    await state.update_data(find_query=text)
    reply, markup = search_reply(found, text, 0)
    await message.answer(reply, reply_markup=markup)


async def find_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    require_coordinator(roles)
    text = (command.args or "").strip()
    if not text:
        await state.set_state(FindInput.find_text)
        await message.answer(
            _("What should I look for? Send a measure number (e.g. 1.2) or words from its title.")
        )
        return
    await answer_search(message, state, session, roles, text)


async def find_text_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    await state.clear()
    require_coordinator(roles)
    await answer_search(message, state, session, roles, message.text or "")


async def search_page(
    query: CallbackQuery,
    callback_data: FindPage,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    text = (await state.get_data()).get("find_query")
    if not isinstance(text, str):
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    found = await find_measures(session, roles, text)
    await query.answer()
    await show(query, *search_reply(found, text, callback_data.page))


async def open_found(
    query: CallbackQuery,
    callback_data: OpenFound,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    text, markup = await coordinator_card(
        session, roles, callback_data.measure_id, official, settings, now
    )
    await query.answer()
    # A new message: the list of results stays, to open the next one.
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(find_command, Command("find"))
    router.message.register(find_text_typed, FindInput.find_text, ANSWER)
    router.callback_query.register(open_found, OpenFound.filter())
    router.callback_query.register(search_page, FindPage.filter())
    return router
