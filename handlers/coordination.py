"""A coordinator's work with their plans: /find and the card's actions (assign or remove a body,
move the deadline), /orgs, /officials with Deactivate; /leave for officials; /coordinators for
administrators.

Multi-step inputs use the FSM; /cancel or any other command leaves them (see `build_router`:
this router, or at least its first handlers, must run before the routers of other commands).
Every button is re-checked in bot.coordination: who asks, and that what it points at belongs to
a plan they coordinate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import coordination, people
from bot.access import Roles, can_manage_coordinators
from bot.clock import person_today
from bot.config import Settings
from bot.coordination import (
    BodyRegistrations,
    FoundMeasure,
    PersonEntry,
    PersonStatus,
    PlanCoordinators,
    Refusal,
    Refused,
)
from bot.i18n import pick_locale
from bot.measures import MeasureCard, load_card
from bot.presentation.commands import audience_of
from bot.presentation.menus import set_personal_menu
from bot.presentation.text_limits import BUTTON_TEXT_LIMIT, page_of, shorten
from handlers.invite import BUTTON_LENGTH, InviteInput, refuse_button, refuse_command
from handlers.measure_card import CardAction, card_keyboard, format_day, render_card
from handlers.replies import (
    answer,
    confirm_keyboard,
    page_buttons,
    page_label,
    saved_not_shown,
    show,
)
from handlers.reports import ReviewInput, card_report_buttons
from handlers.timezones import body_button
from models.tables import Official, Role

SEARCH_PAGE = 10
MATCHES_SHOWN = 10
ORGS_PAGE = 15
PEOPLE_PAGE = 8
# /coordinators: 12 rows × (plan title 120 + name 120) and a note stay under 4,096.
COORDINATORS_PAGE = 12
# The share of a list's page each entry may take, so that a page fits a message.
NAME_LENGTH = 120
SHORT_NAME_LENGTH = 30
# /officials: 8 people × (name 120 + 2 bodies × 80 + labels) and a note stay under 4,096.
BODY_LINE_LENGTH = 80
BODIES_SHOWN = 2


class CoordinationInput(StatesGroup):
    find_text = State()
    body_name = State()
    deadline_date = State()
    deadline_reason = State()


class OpenFound(CallbackData, prefix="fm"):
    measure_id: int


class FindPage(CallbackData, prefix="fp"):
    """A page of the last /find's results (the words searched are kept in the FSM data)."""

    page: int


class AssignBody(CallbackData, prefix="mab"):
    measure_id: int
    organization_id: int


class RemoveBody(CallbackData, prefix="mrb"):
    measure_id: int
    organization_id: int


class OrgsPage(CallbackData, prefix="orgs"):
    page: int


class PeoplePage(CallbackData, prefix="offs"):
    page: int


class Deactivate(CallbackData, prefix="deact"):
    official_id: int
    page: int = 0
    confirm: bool = False


class LeaveBody(CallbackData, prefix="leave"):
    organization_id: int
    confirm: bool = False


class Dismiss(CallbackData, prefix="dismiss"):
    what: str = ""


class CoordinatorsPage(CallbackData, prefix="coords"):
    page: int


class RemoveCoordinator(CallbackData, prefix="rmc"):
    membership_id: int
    page: int = 0
    confirm: bool = False


def refusal_text(refusal: Refusal) -> str:
    return {
        Refusal.NOT_AVAILABLE: _("This is not available to you."),
        Refusal.MEASURE_REMOVED: _("This measure was removed from the plan; it cannot be changed."),
        Refusal.ALREADY_EXECUTOR: _("This body answers for the measure already."),
        Refusal.NOT_EXECUTOR: _("This body no longer answers for the measure."),
        Refusal.SAME_DEADLINE: _("This is the measure's deadline already."),
        Refusal.NO_REASON: _("Please write the reason in words."),
        Refusal.REASON_TOO_LONG: _(
            "The reason is too long: at most {limit} characters. Please shorten it."
        ).format(limit=coordination.REASON_LIMIT),
        Refusal.NOT_MEMBER: _("You do not answer for this body."),
        Refusal.ALREADY_REVOKED: _("This invitation is revoked already."),
    }[refusal]


def markup_of(builder: InlineKeyboardBuilder) -> InlineKeyboardMarkup | None:
    markup = builder.as_markup()
    return markup if any(markup.inline_keyboard) else None


async def refresh_menu(
    bot: Bot,
    i18n: I18n,
    session: AsyncSession,
    settings: Settings,
    official_id: int,
    locale: str | None = None,
) -> None:
    """The person's roles changed: their command menu follows (best effort). `locale` is the
    person's current language when they are the one asking; else their chosen one, or Russian."""
    person = await session.get(Official, official_id)
    if person is None:
        return
    roles = await people.roles_of(session, person, settings.admin_ids)
    await set_personal_menu(
        bot,
        i18n,
        person.telegram_id,
        audience_of(roles),
        locale or pick_locale(person.locale, None),
    )


# --- Leaving a multi-step input -----------------------------------------------------------------


async def cancel_input(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled."))


async def drop_input_on_command(message: Message, state: FSMContext) -> None:
    """Another command while we wait for an answer: forget the question, run the command."""
    await state.clear()
    raise SkipHandler


async def expect_text(message: Message) -> None:
    await message.answer(_("Please answer with text, or send /cancel."))


# --- /find --------------------------------------------------------------------------------------


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


async def answer_search(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles, text: str
) -> None:
    plan_ids = await coordination.coordinated_plan_ids(session, roles)
    found = await coordination.search_measures(session, plan_ids, text)
    if not found:
        await message.answer(
            _(
                "Nothing found for «{query}» in your plans. Try a measure number such as 1.2, "
                "or another word from the title."
            ).format(query=escape(shorten(text, 100)))
        )
        return
    await state.update_data(find_query=text)
    reply, markup = search_reply(found, text, 0)
    await message.answer(reply, reply_markup=markup)


async def search_page(
    query: CallbackQuery,
    callback_data: FindPage,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    text = (await state.get_data()).get("find_query")
    if not roles.is_coordinator or not isinstance(text, str):
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    plan_ids = await coordination.coordinated_plan_ids(session, roles)
    found = await coordination.search_measures(session, plan_ids, text)
    await query.answer()
    await show(query, *search_reply(found, text, callback_data.page))


async def find_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    if not roles.is_coordinator:
        await refuse_command(message, roles)
        return
    text = (command.args or "").strip()
    if not text:
        await state.set_state(CoordinationInput.find_text)
        await message.answer(
            _("What should I look for? Send a measure number (e.g. 1.2) or words from its title.")
        )
        return
    await answer_search(message, state, session, roles, text)


async def find_text_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    await state.clear()
    if not roles.is_coordinator:
        await refuse_command(message, roles)
        return
    await answer_search(message, state, session, roles, message.text or "")


# --- The card and its actions -------------------------------------------------------------------


async def coordinator_card(
    session: AsyncSession,
    roles: Roles,
    measure_id: int,
    official: Official,
    settings: Settings,
    now: datetime,
    note: str = "",
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """The card with the coordinator's actions; None when the measure is not theirs."""
    card = await load_card(session, measure_id)
    if card is None or not roles.coordinates_plan(card.plan_id):
        return None
    today = await person_today(session, official, now, settings.default_timezone)
    text = render_card(card, today, None)
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
    if not await show(query, *shown):
        await query.bot.send_message(query.from_user.id, saved_not_shown())


async def open_found(
    query: CallbackQuery,
    callback_data: OpenFound,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    shown = await coordinator_card(
        session, roles, callback_data.measure_id, official, settings, now
    )
    if shown is None:
        await query.answer(_("This measure is not available to you."), show_alert=True)
        return
    await query.answer()
    # A new message: the list of results stays, to open the next one.
    await query.bot.send_message(query.from_user.id, shown[0], reply_markup=shown[1])


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
        text=_("« Back"), callback_data=CardAction(action="show", measure_id=card.measure_id)
    )
    builder.adjust(1)
    text = _("Which body no longer answers for measure {number}?").format(
        number=escape(card.number)
    )
    return text, builder.as_markup()


def input_prompt(card: MeasureCard, action: str) -> str:
    number = escape(card.number)
    if action == "assign":
        return _(
            "Type part of the name of the body to assign to measure {number}, or send /cancel."
        ).format(number=number)
    current = format_day(card.deadline) if card.deadline else _("not set")
    return _(
        "Send the new deadline of measure {number} as dd.mm.yyyy (now: {deadline}), "
        "or send /cancel."
    ).format(number=number, deadline=current)


async def card_action(
    query: CallbackQuery,
    callback_data: CardAction,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    card = await load_card(session, callback_data.measure_id)
    if card is None or not roles.coordinates_plan(card.plan_id):
        await query.answer(_("This measure is not available to you."), show_alert=True)
        return
    action = callback_data.action
    if action == "show":
        shown = await coordinator_card(session, roles, card.measure_id, official, settings, now)
        assert shown is not None
        await query.answer()
        await show(query, *shown)
    elif action not in ("assign", "remove", "deadline"):
        await query.answer(_("This button is out of date."), show_alert=True)
    elif card.removed:
        await query.answer(refusal_text(Refusal.MEASURE_REMOVED), show_alert=True)
    elif action == "remove" and not card.executors:
        await query.answer(_("No body answers for this measure."), show_alert=True)
    elif action == "remove":
        await query.answer()
        await show(query, *remove_picker(card))
    else:
        await query.answer()
        waiting_for = CoordinationInput.body_name if action == "assign" else None
        await state.set_state(waiting_for or CoordinationInput.deadline_date)
        await state.set_data({"measure_id": card.measure_id})
        await query.bot.send_message(query.from_user.id, input_prompt(card, action))


async def _measure_in_state(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> int | None:
    """The measure the input is about, if the person may still act on it."""
    measure_id = (await state.get_data()).get("measure_id")
    try:
        if not isinstance(measure_id, int):
            raise Refused(Refusal.NOT_AVAILABLE)
        await coordination.coordinated_measure(session, roles, measure_id)
    except Refused:
        await state.clear()
        await message.answer(_("This measure is not available to you."))
        return None
    return measure_id


async def body_name_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    measure_id = await _measure_in_state(message, state, session, roles)
    if measure_id is None:
        return
    card = await load_card(session, measure_id)
    assert card is not None
    text = message.text or ""
    found = [
        organization
        for organization in await coordination.find_any_body(session, text)
        if organization.id not in card.organization_ids
    ]
    if not found:
        await message.answer(
            _(
                "No other body matches «{text}». Type another part of the name, or send /cancel."
            ).format(text=escape(shorten(text, 100)))
        )
        return
    builder = InlineKeyboardBuilder()
    for organization in found[:MATCHES_SHOWN]:
        name = organization.full_name
        if organization.short_name and organization.short_name != name:
            name = f"{organization.short_name} — {name}"
        builder.button(
            text=shorten(name, BUTTON_LENGTH),
            callback_data=AssignBody(measure_id=measure_id, organization_id=organization.id),
        )
    builder.adjust(1)
    reply = _("Which body answers for measure {number}?").format(number=escape(card.number))
    if len(found) > MATCHES_SHOWN:
        reply += " " + _(
            "the first {shown} of {count} are shown; type more of the name to narrow the list."
        ).format(shown=MATCHES_SHOWN, count=len(found))
    await message.answer(reply, reply_markup=builder.as_markup())


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
    try:
        made = await coordination.assign_body(
            session,
            roles,
            actor_id=official.id,
            measure_id=callback_data.measure_id,
            organization_id=callback_data.organization_id,
        )
    except Refused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    if await state.get_state() == CoordinationInput.body_name.state:
        await state.clear()
    body = escape(shorten(made.organization_name, NAME_LENGTH))
    if made.is_lead:
        note = _("✓ «{body}» is assigned as the lead executor.").format(body=body)
    else:
        note = _("✓ «{body}» is assigned as a co-executor.").format(body=body)
    shown = await coordinator_card(
        session, roles, callback_data.measure_id, official, settings, now, note
    )
    assert shown is not None
    await query.answer()
    await show_changed_card(query, shown)


async def remove_picked(
    query: CallbackQuery,
    callback_data: RemoveBody,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    try:
        name = await coordination.remove_body(
            session,
            roles,
            actor_id=official.id,
            measure_id=callback_data.measure_id,
            organization_id=callback_data.organization_id,
            today=await person_today(session, official, now, settings.default_timezone),
        )
    except Refused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    note = _("✓ «{body}» no longer answers for this measure.").format(
        body=escape(shorten(name, NAME_LENGTH))
    )
    shown = await coordinator_card(
        session, roles, callback_data.measure_id, official, settings, now, note
    )
    assert shown is not None
    await query.answer()
    await show_changed_card(query, shown)


async def deadline_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    measure_id = await _measure_in_state(message, state, session, roles)
    if measure_id is None:
        return
    day = coordination.parse_day(message.text or "")
    if day is None:
        await message.answer(
            _(
                "I could not read a date in «{text}». Send it as dd.mm.yyyy, e.g. 31.12.2025, "
                "or send /cancel."
            ).format(text=escape(shorten(message.text or "", 50)))
        )
        return
    try:
        measure = await coordination.check_new_deadline(session, roles, measure_id, day)
    except Refused as refused:
        await message.answer(refusal_text(refused.refusal) + " " + _("Send another date."))
        return
    await state.update_data(new_deadline=day.isoformat())
    await state.set_state(CoordinationInput.deadline_reason)
    await message.answer(
        _("Why is the deadline of measure {number} moved to {deadline}? Send the reason.").format(
            number=escape(measure.number), deadline=format_day(day)
        )
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
    measure_id = await _measure_in_state(message, state, session, roles)
    if measure_id is None:
        return
    new_deadline = date.fromisoformat((await state.get_data())["new_deadline"])
    try:
        moved = await coordination.change_deadline(
            session,
            roles,
            actor_id=official.id,
            measure_id=measure_id,
            new_deadline=new_deadline,
            reason=message.text or "",
            now=now,
        )
    except Refused as refused:
        if refused.refusal in (Refusal.NO_REASON, Refusal.REASON_TOO_LONG):
            await message.answer(refusal_text(refused.refusal))
            return
        await state.clear()
        await message.answer(refusal_text(refused.refusal))
        return
    await state.clear()
    note = _("✓ The deadline is moved: {old} → {new}.").format(
        old=format_day(moved.old) if moved.old else "—", new=format_day(moved.new)
    )
    shown = await coordinator_card(session, roles, measure_id, official, settings, now, note)
    assert shown is not None
    if not await answer(message, *shown):
        await message.answer(saved_not_shown())


# --- /orgs --------------------------------------------------------------------------------------


def orgs_reply(
    entries: Sequence[BodyRegistrations], page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    shown = page_of(entries, page, ORGS_PAGE)
    nobody = sum(1 for entry in entries if not entry.registered)
    lines = [
        _("<b>Bodies of your plans</b>: {count}, nobody registered yet: {nobody}.").format(
            count=len(entries), nobody=nobody
        )
        + page_label(shown)
    ]
    heading: bool | None = None
    for entry in shown.items:
        if entry.registered is not heading:
            heading = entry.registered
            lines.append("")
            lines.append(
                _("<b>With registered people</b>")
                if entry.registered
                else _("<b>Nobody registered yet</b>")
            )
        name = escape(shorten(entry.name, NAME_LENGTH))
        if entry.short_name and entry.short_name != entry.name:
            name += f" ({escape(shorten(entry.short_name, SHORT_NAME_LENGTH))})"
        if entry.registered:
            name += " — " + _("officials: {officials}, heads: {heads}").format(
                officials=entry.officials, heads=entry.heads
            )
        lines.append(f"• {name}")
    builder = InlineKeyboardBuilder()
    for entry in shown.items:  # each body's card, with its time zone
        text, data = body_button(entry.short_name or entry.name, entry.organization_id)
        builder.button(text=text, callback_data=data)
    navigation = page_buttons(builder, shown, lambda number: OrgsPage(page=number))
    builder.adjust(*([1] * len(shown.items)), navigation or 1)
    return "\n".join(lines), markup_of(builder)


async def orgs_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    if not roles.is_coordinator:
        await refuse_command(message, roles)
        return
    entries = await coordination.body_registrations(
        session, await coordination.coordinated_plan_ids(session, roles)
    )
    if not entries:
        await message.answer(_("Your plans have no bodies yet."))
        return
    text, markup = orgs_reply(entries, 0)
    await message.answer(text, reply_markup=markup)


async def orgs_page(
    query: CallbackQuery, callback_data: OrgsPage, session: AsyncSession, roles: Roles
) -> None:
    if not roles.is_coordinator:
        await refuse_button(query)
        return
    entries = await coordination.body_registrations(
        session, await coordination.coordinated_plan_ids(session, roles)
    )
    await query.answer()
    await show(query, *orgs_reply(entries, callback_data.page))


# --- /officials and Deactivate ------------------------------------------------------------------


def role_label(role: Role) -> str:
    return _("head") if role is Role.HEAD else _("official")


def status_label(status: PersonStatus) -> str:
    return {
        PersonStatus.ACTIVE: _("active"),
        PersonStatus.BLOCKED_BOT: _("blocked the bot"),
        PersonStatus.DEACTIVATED: _("deactivated"),
    }[status]


def bodies_of(person: PersonEntry) -> str:
    names = dict.fromkeys(m.organization_name for m in person.memberships)
    return escape(shorten("; ".join(names), 3 * NAME_LENGTH))


def people_reply(
    entries: Sequence[PersonEntry], page: int, note: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    shown = page_of(entries, page, PEOPLE_PAGE)
    lines = [note, ""] if note else []
    if not entries:
        lines.append(_("Nobody is registered with the bodies of your plans yet."))
    else:
        lines.append(
            _("<b>People registered with the bodies of your plans</b>: {count}").format(
                count=len(entries)
            )
            + page_label(shown)
        )
    builder = InlineKeyboardBuilder()
    for number, person in enumerate(shown.items, shown.first_number):
        name = f"<b>{escape(shorten(person.name, NAME_LENGTH))}</b>"
        if person.username:
            name += f" @{escape(shorten(person.username, SHORT_NAME_LENGTH))}"
        lines.append("")
        lines.append(f"{number}. {name} — {status_label(person.status)}")
        lines.extend(
            f"    {escape(shorten(m.organization_name, BODY_LINE_LENGTH))} — {role_label(m.role)}"
            for m in person.memberships[:BODIES_SHOWN]
        )
        more = len(person.memberships) - BODIES_SHOWN
        if more > 0:
            lines.append(
                "    "
                + _("and {count} more body", "and {count} more bodies", more).format(count=more)
            )
        builder.button(
            text=_("Deactivate: {name}").format(name=shorten(person.name, 40)),
            callback_data=Deactivate(official_id=person.official_id, page=shown.page),
        )
    navigation = page_buttons(builder, shown, lambda number: PeoplePage(page=number))
    builder.adjust(*([1] * len(shown.items)), *([navigation] if navigation else []))
    return "\n".join(lines), markup_of(builder)


async def _people(session: AsyncSession, roles: Roles) -> list[PersonEntry]:
    return await coordination.people_of_plans(
        session, await coordination.coordinated_plan_ids(session, roles)
    )


async def officials_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    if not roles.is_coordinator:
        await refuse_command(message, roles)
        return
    text, markup = people_reply(await _people(session, roles), 0)
    await message.answer(text, reply_markup=markup)


async def people_page(
    query: CallbackQuery, callback_data: PeoplePage, session: AsyncSession, roles: Roles
) -> None:
    if not roles.is_coordinator:
        await refuse_button(query)
        return
    await query.answer()
    await show(query, *people_reply(await _people(session, roles), callback_data.page))


async def deactivate_pressed(
    query: CallbackQuery,
    callback_data: Deactivate,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    try:
        if not callback_data.confirm:
            person = await coordination.coordinated_person(
                session, roles, callback_data.official_id
            )
        else:
            person = await coordination.deactivate_person(
                session,
                roles,
                actor_id=official.id,
                official_id=callback_data.official_id,
                now=now,
            )
    except Refused:
        await refuse_button(query)
        return
    await query.answer()
    name, bodies = escape(shorten(person.name, NAME_LENGTH)), bodies_of(person)
    if not callback_data.confirm:
        await show(
            query,
            _("Deactivate {name}? They will no longer answer for: {bodies}.").format(
                name=name, bodies=bodies
            ),
            confirm_keyboard(
                _("Yes, deactivate"),
                Deactivate(official_id=person.official_id, page=callback_data.page, confirm=True),
                PeoplePage(page=callback_data.page),
            ),
        )
        return
    note = _("✓ {name} no longer answers for: {bodies}.").format(name=name, bodies=bodies)
    await show(query, *people_reply(await _people(session, roles), callback_data.page, note))
    await refresh_menu(bot, i18n, session, settings, person.official_id)


# --- /leave -------------------------------------------------------------------------------------


def leave_confirmation(organization_id: int, name: str) -> tuple[str, InlineKeyboardMarkup]:
    markup = confirm_keyboard(
        _("Yes, leave"),
        LeaveBody(organization_id=organization_id, confirm=True),
        Dismiss(what="leave"),
    )
    text = _(
        "Stop answering for «{body}»? You will no longer see its measures or get its reminders."
    ).format(body=escape(name))
    return text, markup


async def leave_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    bodies = await coordination.executor_bodies(session, roles)
    if not bodies:
        await message.answer(_("You are not registered with any body."))
        return
    if len(bodies) == 1:
        text, markup = leave_confirmation(bodies[0].id, bodies[0].full_name)
        await message.answer(text, reply_markup=markup)
        return
    builder = InlineKeyboardBuilder()
    for organization in bodies:
        builder.button(
            text=shorten(organization.full_name, BUTTON_LENGTH),
            callback_data=LeaveBody(organization_id=organization.id),
        )
    builder.button(text=_("Cancel"), callback_data=Dismiss(what="leave"))
    builder.adjust(1)
    await message.answer(_("Which body do you leave?"), reply_markup=builder.as_markup())


async def leave_pressed(
    query: CallbackQuery,
    callback_data: LeaveBody,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    try:
        if not callback_data.confirm:
            organization = await coordination.body_to_leave(
                session, roles, callback_data.organization_id
            )
        else:
            organization = await coordination.leave_body(
                session,
                roles,
                official_id=official.id,
                organization_id=callback_data.organization_id,
                now=now,
            )
    except Refused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    await query.answer()
    if not callback_data.confirm:
        await show(query, *leave_confirmation(organization.id, organization.full_name))
        return
    await show(
        query,
        _(
            "You no longer answer for «{body}». Its measures and reminders are not yours now."
        ).format(body=escape(organization.full_name)),
        None,
    )
    await refresh_menu(bot, i18n, session, settings, official.id, i18n.current_locale)


async def dismissed(query: CallbackQuery) -> None:
    await query.answer()
    await show(query, _("Cancelled."), None)


# --- /coordinators (administrators) -------------------------------------------------------------


def coordinators_reply(
    plans: Sequence[PlanCoordinators], page: int, note: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Pages of (plan, coordinator) rows, so that a plan with many coordinators pages too."""
    rows = [(plan, entry) for plan in plans for entry in (plan.coordinators or [None])]
    shown = page_of(rows, page, COORDINATORS_PAGE)
    lines = [note, ""] if note else []
    lines.append(_("<b>Coordinators of the plans</b>") + page_label(shown))
    builder = InlineKeyboardBuilder()
    buttons = 0
    heading: PlanCoordinators | None = None
    for plan, entry in shown.items:
        if plan is not heading:
            heading = plan
            lines.append("")
            lines.append(f"<b>{escape(shorten(plan.plan_title, NAME_LENGTH))}</b>")
        if entry is None:
            lines.append("• " + _("nobody"))
            continue
        lines.append(f"• {escape(shorten(entry.name, NAME_LENGTH))}")
        builder.button(
            text=_("Remove {name} — {plan}").format(
                name=shorten(entry.name, 30), plan=shorten(plan.plan_title, 25)
            ),
            callback_data=RemoveCoordinator(membership_id=entry.membership_id, page=shown.page),
        )
        buttons += 1
    if not plans:
        lines.append(_("There are no plans yet."))
    navigation = page_buttons(builder, shown, lambda number: CoordinatorsPage(page=number))
    builder.adjust(*([1] * buttons), *([navigation] if navigation else []))
    return "\n".join(lines), markup_of(builder)


async def coordinators_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    if not can_manage_coordinators(roles):
        await message.answer(_("This command is for administrators."))
        return
    text, markup = coordinators_reply(await coordination.plan_coordinators(session, roles), 0)
    await message.answer(text, reply_markup=markup)


async def coordinators_page(
    query: CallbackQuery, callback_data: CoordinatorsPage, session: AsyncSession, roles: Roles
) -> None:
    try:
        plans = await coordination.plan_coordinators(session, roles)
    except Refused:
        await refuse_button(query)
        return
    await query.answer()
    await show(query, *coordinators_reply(plans, callback_data.page))


async def remove_coordinator_pressed(
    query: CallbackQuery,
    callback_data: RemoveCoordinator,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    try:
        if not callback_data.confirm:
            entry = await coordination.coordinator_membership(
                session, roles, callback_data.membership_id
            )
        else:
            entry = await coordination.remove_coordinator(
                session,
                roles,
                actor_id=official.id,
                membership_id=callback_data.membership_id,
                now=now,
            )
    except Refused:
        await refuse_button(query)
        return
    await query.answer()
    name, plan = (
        escape(shorten(entry.name, NAME_LENGTH)),
        escape(shorten(entry.plan_title, NAME_LENGTH)),
    )
    if not callback_data.confirm:
        await show(
            query,
            _("Remove {name} as a coordinator of «{plan}»?").format(name=name, plan=plan),
            confirm_keyboard(
                _("Yes, remove"),
                RemoveCoordinator(
                    membership_id=entry.membership_id, page=callback_data.page, confirm=True
                ),
                CoordinatorsPage(page=callback_data.page),
            ),
        )
        return
    note = _("✓ {name} is no longer a coordinator of «{plan}».").format(name=name, plan=plan)
    plans = await coordination.plan_coordinators(session, roles)
    await show(query, *coordinators_reply(plans, callback_data.page, note))
    await refresh_menu(bot, i18n, session, settings, entry.official_id)


def build_router() -> Router:
    router = Router(name=__name__)
    # First: a command while we wait for an answer ends the wait (and /cancel says so).
    waiting = StateFilter(CoordinationInput, InviteInput, ReviewInput)
    router.message.register(cancel_input, waiting, Command("cancel"))
    router.message.register(drop_input_on_command, waiting, F.text.startswith("/"))

    router.message.register(find_command, Command("find"))
    router.message.register(orgs_command, Command("orgs"))
    router.message.register(officials_command, Command("officials"))
    router.message.register(leave_command, Command("leave"))
    router.message.register(coordinators_command, Command("coordinators"))

    router.message.register(find_text_typed, CoordinationInput.find_text, F.text)
    router.message.register(body_name_typed, CoordinationInput.body_name, F.text)
    router.message.register(deadline_typed, CoordinationInput.deadline_date, F.text)
    router.message.register(reason_typed, CoordinationInput.deadline_reason, F.text)
    router.message.register(expect_text, waiting, ~F.text)

    router.callback_query.register(open_found, OpenFound.filter())
    router.callback_query.register(search_page, FindPage.filter())
    router.callback_query.register(card_action, CardAction.filter())
    router.callback_query.register(assign_picked, AssignBody.filter())
    router.callback_query.register(remove_picked, RemoveBody.filter())
    router.callback_query.register(orgs_page, OrgsPage.filter())
    router.callback_query.register(people_page, PeoplePage.filter())
    router.callback_query.register(deactivate_pressed, Deactivate.filter())
    router.callback_query.register(leave_pressed, LeaveBody.filter())
    router.callback_query.register(dismissed, Dismiss.filter())
    router.callback_query.register(coordinators_page, CoordinatorsPage.filter())
    router.callback_query.register(remove_coordinator_pressed, RemoveCoordinator.filter())
    return router
