"""A coordinator's actions on a measure's card: show it, assign a body, remove a body.

(Change the deadline: handlers/deadlines.py.) Every button is re-checked in the domain: the
measure must belong to a plan the person coordinates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import executors
from bot.access import Roles
from bot.clock import person_today, timezone_of, today_in
from bot.config import Settings
from bot.measures import MeasureCard
from bot.presentation.text_limits import shorten
from bot.refusals import Refused
from bot.scope import coordinated_card
from handlers.answers import ANSWER
from handlers.measure_card import CardAction, CardVerb, card_keyboard, render_card
from handlers.refusals import refusal_text
from handlers.replies import saved_not_shown, show
from handlers.reports import ask_in_chat, card_report_buttons
from models.tables import Official, Organization

MATCHES_SHOWN = 10
BUTTON_LENGTH = 60
NAME_LENGTH = 120


class CardInput(StatesGroup):
    """What the card's actions ask for: a body's name, a new deadline and its reason."""

    body_name = State()
    deadline_date = State()
    deadline_reason = State()


class AssignBody(CallbackData, prefix="mab"):
    measure_id: int
    organization_id: int


class RemoveBody(CallbackData, prefix="mrb"):
    measure_id: int
    organization_id: int


async def coordinator_card(
    session: AsyncSession,
    roles: Roles,
    measure_id: int,
    official: Official,
    settings: Settings,
    now: datetime,
    note: str = "",
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card with the coordinator's actions; refused when the measure is not theirs."""
    card = await coordinated_card(session, roles, measure_id)
    zone = await timezone_of(session, official, settings.default_timezone)
    text = render_card(card, today_in(zone, now), None, zone=zone)
    if note:
        text = f"{note}\n\n{text}"
    return text, card_keyboard(
        "",
        0,
        measure_id=card.measure_id,
        can_coordinate=True,
        report_buttons=await card_report_buttons(session, roles, card.measure_id, card.plan_id),
        card=card,
    )


async def show_changed_card(
    query: CallbackQuery, shown: tuple[str, InlineKeyboardMarkup | None]
) -> None:
    """The card after a change; if it cannot be shown, the change is saved all the same."""
    await query.answer()
    if not await show(query, *shown):
        await query.bot.send_message(query.from_user.id, saved_not_shown())


async def measure_in_dialog(state: FSMContext) -> int:
    """The measure the card's question is about (0, which is nobody's, if it is lost)."""
    measure_id = (await state.get_data()).get("measure_id")
    return measure_id if isinstance(measure_id, int) else 0


async def refuse_in_dialog(message: Message, state: FSMContext, refused: Refused) -> None:
    """The measure a question was about is no longer the person's: the question ends."""
    await state.clear()
    await message.answer(refusal_text(refused))


def remove_picker(card: MeasureCard) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for executor in card.executors:
        builder.button(
            text=shorten(executor.short_name or executor.name, BUTTON_LENGTH),
            callback_data=RemoveBody(
                measure_id=card.measure_id, organization_id=executor.organization_id
            ),
        )
    builder.button(
        text=_("« Back"),
        callback_data=CardAction(action=CardVerb.SHOW, measure_id=card.measure_id),
    )
    builder.adjust(1)
    text = _("Which body no longer answers for measure {number}?").format(
        number=escape(card.number)
    )
    return text, builder.as_markup()


def assign_picker(
    card: MeasureCard,
    found: list[Organization],
    pick: Callable[[int], CallbackData] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The bodies found by name, one button each: `pick` makes a button's data from the body's
    id (by default, assign the body to the measure)."""
    if pick is None:

        def pick(organization_id: int) -> CallbackData:
            return AssignBody(measure_id=card.measure_id, organization_id=organization_id)

    builder = InlineKeyboardBuilder()
    for organization in found[:MATCHES_SHOWN]:
        name = organization.full_name
        if organization.short_name and organization.short_name != name:
            name = f"{organization.short_name} — {name}"
        builder.button(
            text=shorten(name, BUTTON_LENGTH),
            callback_data=pick(organization.id),
        )
    builder.adjust(1)
    reply = _("Which body answers for measure {number}?").format(number=escape(card.number))
    if len(found) > MATCHES_SHOWN:
        reply += " " + _(
            "the first {shown} of {count} are shown; type more of the name to narrow the list."
        ).format(shown=MATCHES_SHOWN, count=len(found))
    return reply, builder.as_markup()


def no_body_matches(text: str) -> str:
    """The reply to a typed name no other body matches (the question stands)."""
    return _(
        "No other body matches «{text}». Type another part of the name, or send /cancel."
    ).format(text=escape(shorten(text, 100)))


async def show_pressed(
    query: CallbackQuery,
    callback_data: CardAction,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    shown = await coordinator_card(
        session, roles, callback_data.measure_id, official, settings, now
    )
    await query.answer()
    await show(query, *shown)


async def assign_pressed(
    query: CallbackQuery,
    callback_data: CardAction,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    card = await executors.card_to_assign(session, roles, callback_data.measure_id)
    await ask_in_chat(
        query,
        state,
        CardInput.body_name,
        {"measure_id": card.measure_id},
        _(
            "Type part of the name of the body to assign to measure {number}, or send /cancel."
        ).format(number=escape(card.number)),
    )


async def remove_pressed(
    query: CallbackQuery, callback_data: CardAction, session: AsyncSession, roles: Roles
) -> None:
    card = await executors.card_to_remove_from(session, roles, callback_data.measure_id)
    await query.answer()
    await show(query, *remove_picker(card))


async def body_name_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    text = message.text or ""
    try:
        card, found = await executors.bodies_to_assign(
            session, roles, await measure_in_dialog(state), text
        )
    except Refused as refused:  # dialog: the question ends, the person is told why
        await refuse_in_dialog(message, state, refused)
        return
    if not found:
        await message.answer(no_body_matches(text))
        return
    reply, markup = assign_picker(card, found)
    await message.answer(reply, reply_markup=markup)


async def assign_picked(
    query: CallbackQuery,
    callback_data: AssignBody,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    made = await executors.assign_body(
        session,
        roles,
        actor_id=official.id,
        measure_id=callback_data.measure_id,
        organization_id=callback_data.organization_id,
        now=now,
    )
    if await state.get_state() == CardInput.body_name.state:
        await state.clear()
    body = escape(shorten(made.organization_name, NAME_LENGTH))
    if made.is_lead:
        note = _("✓ «{body}» is assigned as the lead executor.").format(body=body)
    else:
        note = _("✓ «{body}» is assigned as a co-executor.").format(body=body)
    await show_changed_card(
        query,
        await coordinator_card(
            session, roles, callback_data.measure_id, official, settings, now, note
        ),
    )


async def remove_picked(
    query: CallbackQuery,
    callback_data: RemoveBody,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    name = await executors.remove_body(
        session,
        roles,
        actor_id=official.id,
        measure_id=callback_data.measure_id,
        organization_id=callback_data.organization_id,
        today=await person_today(session, official, now, settings.default_timezone),
        now=now,
    )
    note = _("✓ «{body}» no longer answers for this measure.").format(
        body=escape(shorten(name, NAME_LENGTH))
    )
    await show_changed_card(
        query,
        await coordinator_card(
            session, roles, callback_data.measure_id, official, settings, now, note
        ),
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(body_name_typed, CardInput.body_name, ANSWER)
    router.callback_query.register(show_pressed, CardAction.filter(F.action == CardVerb.SHOW))
    router.callback_query.register(assign_pressed, CardAction.filter(F.action == CardVerb.ASSIGN))
    router.callback_query.register(remove_pressed, CardAction.filter(F.action == CardVerb.REMOVE))
    router.callback_query.register(assign_picked, AssignBody.filter())
    router.callback_query.register(remove_picked, RemoveBody.filter())
    return router
