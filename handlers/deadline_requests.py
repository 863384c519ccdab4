"""Move the deadline: an official asks for a new deadline (a quick date or a typed one, then the
reason); a coordinator approves it, or declines it with a reason typed next.

A date or reason typed wrong is answered inside the dialog (the question stands); a measure
that is no longer the person's to ask about ends it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import deadline_requests
from bot.access import Roles
from bot.asking_parts import AskingPart
from bot.clock import person_today
from bot.config import Settings
from bot.deadline_changes import parse_day
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.deadline_requests import (
    DeadlineChoice,
    DeadlineDecision,
    Decision,
    QuickDate,
)
from bot.presentation.deadline_wording import format_day
from bot.presentation.official_requests import OfficialRequest, RequestKind
from bot.refusals import Refusal, Refused
from handlers.answers import ANSWER
from handlers.deadlines import unreadable_date
from handlers.refusals import refusal_text
from handlers.reports import ask_in_chat, dialog_ends_on_refusal, end_dialog, reply_in_chat
from models.tables import Official

# Refusals of a typed date or reason after which the same question is asked again.
DATE_AGAIN = (Refusal.DEADLINE_NOT_AFTER_TODAY, Refusal.DEADLINE_NOT_LATER)
REASON_AGAIN = (Refusal.NO_REASON, Refusal.REASON_TOO_LONG)


class RequestInput(StatesGroup):
    """The official's new date and reason; the coordinator's reason to decline."""

    day = State()
    reason = State()
    decline_reason = State()


def card_markup(measure_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("Measure card"),
                    callback_data=OpenMeasure(measure_id=measure_id).pack(),
                )
            ]
        ]
    )


def quick_keyboard(measure_id: int, choices: dict[QuickDate, date]) -> InlineKeyboardMarkup:
    labels = {
        QuickDate.WEEK: _("A week later: {day}"),
        QuickDate.MONTH: _("A month later: {day}"),
        QuickDate.QUARTER: _("End of the quarter: {day}"),
    }
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=labels[choice].format(day=format_day(day)),
                    callback_data=DeadlineChoice(measure_id=measure_id, choice=choice).pack(),
                )
            ]
            for choice, day in choices.items()
        ]
    )


async def request_pressed(
    query: CallbackQuery,
    callback_data: OfficialRequest,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    target = await deadline_requests.request_target(session, roles, callback_data.measure_id)
    today = await person_today(session, official, now, settings.default_timezone)
    current = format_day(target.deadline) if target.deadline else _("not set")
    await ask_in_chat(
        query,
        state,
        RequestInput.day,
        {"measure_id": target.measure_id},
        _(
            "To which date should the deadline of measure {number} be moved (now: {deadline})? "
            "Pick a date below or send one as dd.mm.yyyy, e.g. 31.12.2025; or send /cancel."
        ).format(number=escape(target.number), deadline=current),
        quick_keyboard(target.measure_id, deadline_requests.quick_dates(target.deadline, today)),
    )


async def choice_pressed(
    query: CallbackQuery,
    callback_data: DeadlineChoice,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    today = await person_today(session, official, now, settings.default_timezone)
    target = await deadline_requests.request_target(session, roles, callback_data.measure_id)
    day = deadline_requests.quick_dates(target.deadline, today)[callback_data.choice]
    deadline_requests.check_requested_day(target.deadline, day, today)
    await query.answer()
    await _ask_reason(state, target, day, lambda text: reply_in_chat(query, text))


async def day_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    day = parse_day(message.text or "")
    if day is None:
        await message.answer(unreadable_date(message.text or ""))
        return
    today = await person_today(session, official, now, settings.default_timezone)
    try:
        target = await deadline_requests.check_request(
            session, roles, await _measure_in_dialog(state), day, today
        )
    except Refused as refused:
        if refused.refusal not in DATE_AGAIN:
            await end_dialog(state, refused)
            raise
        await message.answer(refusal_text(refused) + " " + _("Send another date."))
        return
    await _ask_reason(state, target, day, message.answer)


async def _ask_reason(
    state: FSMContext,
    target: AskingPart,
    day: date,
    send: Callable[[str], Awaitable[Any]],
) -> None:
    await state.set_state(RequestInput.reason)
    await state.set_data({"measure_id": target.measure_id, "day": day.isoformat()})
    await send(
        _(
            "Why does measure {number} need the deadline {day}? Write the reason: the "
            "coordinator will see it. Or send /cancel."
        ).format(number=escape(target.number), day=format_day(day))
    )


async def reason_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    day = (await state.get_data()).get("day")
    if not isinstance(day, str):  # the dialog's date is lost: it starts again from the card
        await state.clear()
        return
    async with dialog_ends_on_refusal(state, ask_again=REASON_AGAIN):
        requested = await deadline_requests.request_deadline(
            session,
            roles,
            official=official,
            measure_id=await _measure_in_dialog(state),
            day=date.fromisoformat(day),
            reason=message.text,
            today=await person_today(session, official, now, settings.default_timezone),
            now=now,
            admin_telegram_ids=settings.admin_ids,
        )
    await state.clear()
    await message.answer(
        _(
            "✓ The request is sent to the coordinators: move the deadline of measure {number} "
            "to {day}. You will be told of their decision."
        ).format(number=escape(requested.target.number), day=format_day(requested.day)),
        reply_markup=card_markup(requested.target.measure_id),
    )


async def _measure_in_dialog(state: FSMContext) -> int:
    measure_id = (await state.get_data()).get("measure_id")
    return measure_id if isinstance(measure_id, int) else 0


async def approve_pressed(
    query: CallbackQuery,
    callback_data: DeadlineDecision,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    now: datetime,
) -> None:
    decided = await deadline_requests.decide_request(
        session,
        roles,
        coordinator=official,
        change_id=callback_data.change_id,
        approve=True,
        now=now,
    )
    await query.answer()
    await _decision_shown(
        query,
        decided.request.measure_id,
        _("✓ Approved: the deadline of measure {number} is moved to {day}.").format(
            number=escape(decided.request.number), day=format_day(decided.request.requested)
        ),
    )


async def decline_pressed(
    query: CallbackQuery,
    callback_data: DeadlineDecision,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    request = await deadline_requests.decidable_request(session, roles, callback_data.change_id)
    await ask_in_chat(
        query,
        state,
        RequestInput.decline_reason,
        {"change_id": request.change_id},
        _(
            "Why is the new deadline of measure {number} declined? Write the reason: the "
            "official will see it. Or send /cancel."
        ).format(number=escape(request.number)),
    )


async def decline_reason_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    now: datetime,
) -> None:
    change_id = (await state.get_data()).get("change_id")
    async with dialog_ends_on_refusal(state, ask_again=REASON_AGAIN):
        decided = await deadline_requests.decide_request(
            session,
            roles,
            coordinator=official,
            change_id=change_id if isinstance(change_id, int) else 0,
            approve=False,
            reason=message.text,
            now=now,
        )
    await state.clear()
    await message.answer(
        _("↩️ The new deadline of measure {number} is declined; the official is told.").format(
            number=escape(decided.request.number)
        ),
        reply_markup=card_markup(decided.request.measure_id),
    )


async def _decision_shown(query: CallbackQuery, measure_id: int, note: str) -> None:
    """The request's message keeps only its card button; the decision is said below it."""
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=card_markup(measure_id))
    await reply_in_chat(query, note, card_markup(measure_id))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(day_typed, RequestInput.day, ANSWER)
    router.message.register(reason_typed, RequestInput.reason, ANSWER)
    router.message.register(decline_reason_typed, RequestInput.decline_reason, ANSWER)
    router.callback_query.register(
        request_pressed, OfficialRequest.filter(F.kind == RequestKind.DEADLINE)
    )
    router.callback_query.register(choice_pressed, DeadlineChoice.filter())
    router.callback_query.register(
        approve_pressed, DeadlineDecision.filter(F.action == Decision.APPROVE)
    )
    router.callback_query.register(
        decline_pressed, DeadlineDecision.filter(F.action == Decision.DECLINE)
    )
    return router
