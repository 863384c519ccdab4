"""A coordinator moves a measure's deadline from its card: the new date, then the reason.

A date or reason typed wrong is answered inside the dialog (the question is asked again), so
those refusals are caught here; a measure that is no longer the person's ends the dialog.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import deadline_changes
from bot.access import Roles
from bot.config import Settings
from bot.presentation.text_limits import shorten
from bot.refusals import Refusal, Refused
from bot.scope import changeable_card
from handlers.answers import ANSWER
from handlers.card_actions import CardInput, coordinator_card, measure_in_dialog, refuse_in_dialog
from handlers.measure_card import CardAction, CardVerb, format_day
from handlers.refusals import refusal_text
from handlers.replies import answer, saved_not_shown
from handlers.reports import ask_in_chat, dialog_ends_on_refusal
from models.tables import Official

# Refusals after which the same question is asked again; any other one ends the dialog.
ASK_AGAIN = (Refusal.NO_REASON, Refusal.REASON_TOO_LONG)


async def deadline_pressed(
    query: CallbackQuery,
    callback_data: CardAction,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    card = await changeable_card(session, roles, callback_data.measure_id)
    current = format_day(card.deadline) if card.deadline else _("not set")
    await ask_in_chat(
        query,
        state,
        CardInput.deadline_date,
        {"measure_id": card.measure_id},
        _(
            "Send the new deadline of measure {number} as dd.mm.yyyy (now: {deadline}), "
            "or send /cancel."
        ).format(number=escape(card.number), deadline=current),
    )


def unreadable_date(text: str) -> str:
    return _(
        "I could not read a date in «{text}». Send it as dd.mm.yyyy, e.g. 31.12.2025, "
        "or send /cancel."
    ).format(text=escape(shorten(text, 50)))


async def deadline_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    try:
        measure_id = await _measure_to_move(session, roles, state)
    except Refused as refused:
        await refuse_in_dialog(message, state, refused)
        return
    day = deadline_changes.parse_day(message.text or "")
    if day is None:
        await message.answer(unreadable_date(message.text or ""))
        return
    try:
        measure = await deadline_changes.check_new_deadline(session, roles, measure_id, day)
    except Refused as refused:  # the same question again
        await message.answer(refusal_text(refused) + " " + _("Send another date."))
        return
    await state.update_data(new_deadline=day.isoformat())
    await state.set_state(CardInput.deadline_reason)
    await message.answer(
        _("Why is the deadline of measure {number} moved to {deadline}? Send the reason.").format(
            number=escape(measure.number), deadline=format_day(day)
        )
    )


def moved_note(moved: deadline_changes.DeadlineMoved) -> str:
    return _("✓ The deadline is moved: {old} → {new}.").format(
        old=format_day(moved.old) if moved.old else "—", new=format_day(moved.new)
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
    async with dialog_ends_on_refusal(state, ask_again=ASK_AGAIN):
        measure_id = await _measure_to_move(session, roles, state)
        moved = await deadline_changes.change_deadline(
            session,
            roles,
            actor_id=official.id,
            measure_id=measure_id,
            new_deadline=date.fromisoformat((await state.get_data())["new_deadline"]),
            reason=message.text or "",
            now=now,
        )
    await state.clear()
    note = moved_note(moved)
    shown = await coordinator_card(session, roles, measure_id, official, settings, now, note)
    if not await answer(message, *shown):
        await message.answer(saved_not_shown())


async def _measure_to_move(session: AsyncSession, roles: Roles, state: FSMContext) -> int:
    measure_id = await measure_in_dialog(state)
    return (await deadline_changes.measure_to_move(session, roles, measure_id)).id


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(deadline_typed, CardInput.deadline_date, ANSWER)
    router.message.register(reason_typed, CardInput.deadline_reason, ANSWER)
    router.callback_query.register(
        deadline_pressed, CardAction.filter(F.action == CardVerb.DEADLINE)
    )
    return router
