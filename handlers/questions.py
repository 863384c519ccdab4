"""An official's question to the coordinators and "not our measure" claim, from the card or a
reminder, and the coordinator's answers: "Answer"; for a claim "Pass to another body" (the body
is found by name, as with the card's "Assign a body") or "Keep it and answer". The rules are in
bot/measure_questions.py.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import executors
from bot.access import Roles
from bot.clock import person_today
from bot.config import Settings
from bot.measure_questions import (
    ANSWER_LIMIT,
    QUESTION_LIMIT,
    answer_question,
    ask,
    asking_part,
    grant_claim,
    part_to_claim,
    question_to_answer,
)
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.official_requests import OfficialRequest, RequestKind
from bot.presentation.question_keyboards import ClaimBody, QuestionReply, ReplyVerb
from bot.presentation.text_limits import shorten
from bot.refusals import Refusal
from handlers.answers import ANSWER
from handlers.card_actions import assign_picker, no_body_matches
from handlers.replies import saved_not_shown, show
from handlers.reports import ask_in_chat, dialog_ends_on_refusal, reply_in_chat
from models.tables import Official, QuestionKind

NAME_LENGTH = 120
# A refusal of what was typed asks again; any other ends the dialog.
ASK_AGAIN = (
    Refusal.NO_QUESTION,
    Refusal.QUESTION_TOO_LONG,
    Refusal.NO_ANSWER,
    Refusal.ANSWER_TOO_LONG,
)


class QuestionInput(StatesGroup):
    """What is typed: the official's question or reason, the coordinator's answer, a body's
    name to pass the measure to."""

    question = State()
    answer = State()
    body_name = State()


def card_button(measure_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Measure card"), callback_data=OpenMeasure(measure_id=measure_id))
    return builder.as_markup()


def _data_int(data: dict, key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) else 0


# --- The official -------------------------------------------------------------------------------


async def question_pressed(
    query: CallbackQuery,
    callback_data: OfficialRequest,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    claim = callback_data.kind is RequestKind.NOT_OURS
    if claim:
        part = await part_to_claim(session, roles, callback_data.measure_id)
        prompt = _(
            "Why is measure {number} not a measure of «{body}»? Write the reason in one message"
            " (at most {limit} characters): the coordinators will pass the measure to another"
            " body or answer why it stays. Or send /cancel."
        )
    else:
        part = await asking_part(session, roles, callback_data.measure_id)
        prompt = _(
            "Write your question on measure {number} in one message (at most {limit}"
            " characters): the coordinators of the plan will get it with the measure. Or send"
            " /cancel."
        )
    kind = QuestionKind.NOT_OURS if claim else QuestionKind.QUESTION
    await ask_in_chat(
        query,
        state,
        QuestionInput.question,
        {"measure_id": part.measure_id, "kind": kind.value},
        prompt.format(
            number=escape(part.number),
            body=escape(shorten(part.organization_name, NAME_LENGTH)),
            limit=QUESTION_LIMIT,
        ),
    )


async def question_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    data = await state.get_data()
    kind = QuestionKind.NOT_OURS if data.get("kind") == "not_ours" else QuestionKind.QUESTION
    async with dialog_ends_on_refusal(state, ask_again=ASK_AGAIN):
        part = await ask(
            session,
            roles,
            author=official,
            measure_id=_data_int(data, "measure_id"),
            kind=kind,
            text=message.text,
            now=now,
            admin_telegram_ids=settings.admin_ids,
        )
    await state.clear()
    if kind is QuestionKind.NOT_OURS:
        text = _(
            "✓ The coordinators are told that measure {number} is not a measure of «{body}»."
            " Their decision will come here."
        )
    else:
        text = _("✓ Your question on measure {number} is sent to the coordinators of the plan.")
        text += " " + _("The answer will come here.")
    await message.answer(
        text.format(
            number=escape(part.number), body=escape(shorten(part.organization_name, NAME_LENGTH))
        ),
        reply_markup=card_button(part.measure_id),
    )


# --- The coordinator ----------------------------------------------------------------------------


async def answer_pressed(
    query: CallbackQuery,
    callback_data: QuestionReply,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    keep = callback_data.action is ReplyVerb.KEEP
    view = await question_to_answer(session, roles, callback_data.question_id, claim=keep)
    if keep:
        prompt = _(
            "Why does measure {number} stay with «{body}»? Write the answer (at most {limit}"
            " characters); the official will see it. Or send /cancel."
        )
    else:
        prompt = _(
            "Write the answer to the question on measure {number} from «{body}» (at most"
            " {limit} characters); the official will get it with the question. Or send /cancel."
        )
    await ask_in_chat(
        query,
        state,
        QuestionInput.answer,
        {"question_id": view.question_id, "keep": keep},
        prompt.format(
            number=escape(view.number),
            body=escape(shorten(view.organization_name, NAME_LENGTH)),
            limit=ANSWER_LIMIT,
        ),
    )


async def answer_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    now: datetime,
) -> None:
    data = await state.get_data()
    keep = data.get("keep") is True
    async with dialog_ends_on_refusal(state, ask_again=ASK_AGAIN):
        view = await answer_question(
            session,
            roles,
            coordinator=official,
            question_id=_data_int(data, "question_id"),
            text=message.text,
            keep=keep,
            now=now,
        )
    await state.clear()
    if keep:
        text = _("✓ Measure {number} stays with «{body}»; the official is told why.")
    else:
        text = _("✓ The answer is sent to the official of «{body}».")
    await message.answer(
        text.format(
            number=escape(view.number), body=escape(shorten(view.organization_name, NAME_LENGTH))
        ),
        reply_markup=card_button(view.measure_id),
    )


async def reassign_pressed(
    query: CallbackQuery,
    callback_data: QuestionReply,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    view = await question_to_answer(session, roles, callback_data.question_id, claim=True)
    card = await executors.card_to_assign(session, roles, view.measure_id)
    await ask_in_chat(
        query,
        state,
        QuestionInput.body_name,
        {"question_id": view.question_id, "measure_id": card.measure_id},
        _(
            "Type part of the name of the body to take measure {number} over from «{body}»,"
            " or send /cancel."
        ).format(
            number=escape(card.number), body=escape(shorten(view.organization_name, NAME_LENGTH))
        ),
    )


async def body_name_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    data = await state.get_data()
    question_id = _data_int(data, "question_id")
    text = message.text or ""
    async with dialog_ends_on_refusal(state):
        card, found = await executors.bodies_to_assign(
            session, roles, _data_int(data, "measure_id"), text
        )
    if not found:
        await message.answer(no_body_matches(text))
        return
    reply, markup = assign_picker(
        card,
        found,
        lambda organization_id: ClaimBody(question_id=question_id, organization_id=organization_id),
    )
    await message.answer(reply, reply_markup=markup)


async def body_picked(
    query: CallbackQuery,
    callback_data: ClaimBody,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    view, made = await grant_claim(
        session,
        roles,
        coordinator=official,
        question_id=callback_data.question_id,
        organization_id=callback_data.organization_id,
        today=await person_today(session, official, now, settings.default_timezone),
        now=now,
    )
    if await state.get_state() == QuestionInput.body_name.state:
        await state.clear()
    values = {
        "number": escape(view.number),
        "old": escape(shorten(view.organization_name, NAME_LENGTH)),
        "new": escape(shorten(made.organization_name, NAME_LENGTH)),
    }
    if made.is_lead:
        text = _("✓ Measure {number} passed from «{old}» to «{new}» as the lead executor.")
    else:
        text = _("✓ Measure {number} passed from «{old}» to «{new}» as a co-executor.")
    text += " " + _("The official is told.")
    await query.answer()
    if not await show(query, text.format(**values), card_button(view.measure_id)):
        await reply_in_chat(query, saved_not_shown())


def build_router() -> Router:
    router = Router(name=__name__)
    # /cancel, another command or a non-text message while an answer is awaited: see
    # handlers/pending_input.py.
    router.message.register(question_typed, StateFilter(QuestionInput.question), ANSWER)
    router.message.register(answer_typed, StateFilter(QuestionInput.answer), ANSWER)
    router.message.register(body_name_typed, StateFilter(QuestionInput.body_name), ANSWER)
    router.callback_query.register(
        question_pressed,
        OfficialRequest.filter(F.kind.in_({RequestKind.QUESTION, RequestKind.NOT_OURS})),
    )
    router.callback_query.register(
        answer_pressed,
        QuestionReply.filter(F.action.in_({ReplyVerb.ANSWER, ReplyVerb.KEEP})),
    )
    router.callback_query.register(
        reassign_pressed, QuestionReply.filter(F.action == ReplyVerb.REASSIGN)
    )
    router.callback_query.register(body_picked, ClaimBody.filter())
    return router
