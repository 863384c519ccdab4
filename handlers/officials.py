"""/officials: a coordinator sees who answers for the bodies of their plans and deactivates a
person; /leave: an official stops answering for a body."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import memberships
from bot.access import Roles, require_coordinator
from bot.config import Settings
from bot.memberships import PersonEntry, PersonStatus
from bot.presentation.text_limits import page_of, shorten
from handlers.confirmations import ASKING, CONFIRMED, ask_to_confirm, markup_of
from handlers.menus import refresh_menu
from handlers.replies import confirm_keyboard, page_buttons, page_label, show
from models.tables import Official, Organization, Role

# /officials: 8 people × (name 120 + 2 bodies × 80 + labels) and a note stay under 4,096.
PEOPLE_PAGE = 8
NAME_LENGTH = 120
SHORT_NAME_LENGTH = 30
BODY_LINE_LENGTH = 80
BODIES_SHOWN = 2
BUTTON_LENGTH = 60


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


def person_lines(number: int, person: PersonEntry) -> list[str]:
    name = f"<b>{escape(shorten(person.name, NAME_LENGTH))}</b>"
    if person.username:
        name += f" @{escape(shorten(person.username, SHORT_NAME_LENGTH))}"
    lines = ["", f"{number}. {name} — {status_label(person.status)}"]
    lines.extend(
        f"    {escape(shorten(m.organization_name, BODY_LINE_LENGTH))} — {role_label(m.role)}"
        for m in person.memberships[:BODIES_SHOWN]
    )
    more = len(person.memberships) - BODIES_SHOWN
    if more > 0:
        lines.append(
            "    " + _("and {count} more body", "and {count} more bodies", more).format(count=more)
        )
    return lines


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
    buttons = 0
    for number, person in enumerate(shown.items, shown.first_number):
        lines.extend(person_lines(number, person))
        if not person.manageable:
            lines.append(
                "    " + _("(their bodies serve other plans too: an administrator decides)")
            )
            continue
        buttons += 1
        builder.button(
            text=_("Deactivate: {name}").format(name=shorten(person.name, 40)),
            callback_data=Deactivate(official_id=person.official_id, page=shown.page),
        )
    navigation = page_buttons(builder, shown, lambda number: PeoplePage(page=number))
    builder.adjust(*([1] * buttons), *([navigation] if navigation else []))
    return "\n".join(lines), markup_of(builder)


async def officials_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    require_coordinator(roles)
    text, markup = people_reply(await memberships.people_of_plans(session, roles), 0)
    await message.answer(text, reply_markup=markup)


async def people_page(
    query: CallbackQuery, callback_data: PeoplePage, session: AsyncSession, roles: Roles
) -> None:
    entries = await memberships.people_of_plans(session, roles)
    await query.answer()
    await show(query, *people_reply(entries, callback_data.page))


async def deactivate_asked(
    query: CallbackQuery, callback_data: Deactivate, session: AsyncSession, roles: Roles
) -> None:
    person = await memberships.coordinated_person(session, roles, callback_data.official_id)
    await ask_to_confirm(
        query,
        _("Deactivate {name}? They will no longer answer for: {bodies}.").format(
            name=escape(shorten(person.name, NAME_LENGTH)), bodies=bodies_of(person)
        ),
        _("Yes, deactivate"),
        Deactivate(official_id=person.official_id, page=callback_data.page, confirm=True),
        PeoplePage(page=callback_data.page),
    )


async def deactivate_confirmed(
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
    person = await memberships.deactivate_person(
        session, roles, actor_id=official.id, official_id=callback_data.official_id, now=now
    )
    await query.answer()
    note = _("✓ {name} no longer answers for: {bodies}.").format(
        name=escape(shorten(person.name, NAME_LENGTH)), bodies=bodies_of(person)
    )
    entries = await memberships.people_of_plans(session, roles)
    await show(query, *people_reply(entries, callback_data.page, note))
    await refresh_menu(bot, i18n, session, settings, person.official_id)


# --- /leave -------------------------------------------------------------------------------------


def leave_question(organization_id: int, name: str) -> tuple[str, str, LeaveBody, Dismiss]:
    """The question, the Yes button's text and the two buttons' data of leaving a body."""
    text = _(
        "Stop answering for «{body}»? You will no longer see its measures or get its reminders."
    ).format(body=escape(name))
    yes = LeaveBody(organization_id=organization_id, confirm=True)
    return text, _("Yes, leave"), yes, Dismiss(what="leave")


def leave_picker(bodies: Sequence[Organization]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for organization in bodies:
        builder.button(
            text=shorten(organization.full_name, BUTTON_LENGTH),
            callback_data=LeaveBody(organization_id=organization.id),
        )
    builder.button(text=_("Cancel"), callback_data=Dismiss(what="leave"))
    builder.adjust(1)
    return builder.as_markup()


async def leave_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    bodies = await memberships.executor_bodies(session, roles)
    if not bodies:
        await message.answer(_("You are not registered with any body."))
    elif len(bodies) == 1:
        text, yes_text, yes, cancel = leave_question(bodies[0].id, bodies[0].full_name)
        await message.answer(text, reply_markup=confirm_keyboard(yes_text, yes, cancel))
    else:
        await message.answer(_("Which body do you leave?"), reply_markup=leave_picker(bodies))


async def leave_asked(
    query: CallbackQuery, callback_data: LeaveBody, session: AsyncSession, roles: Roles
) -> None:
    organization = await memberships.body_to_leave(session, roles, callback_data.organization_id)
    await ask_to_confirm(query, *leave_question(organization.id, organization.full_name))


async def leave_confirmed(
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
    organization = await memberships.leave_body(
        session,
        roles,
        official_id=official.id,
        organization_id=callback_data.organization_id,
        now=now,
    )
    await query.answer()
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


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(officials_command, Command("officials"))
    router.message.register(leave_command, Command("leave"))
    router.callback_query.register(people_page, PeoplePage.filter())
    router.callback_query.register(deactivate_asked, Deactivate.filter(ASKING))
    router.callback_query.register(deactivate_confirmed, Deactivate.filter(CONFIRMED))
    router.callback_query.register(leave_asked, LeaveBody.filter(ASKING))
    router.callback_query.register(leave_confirmed, LeaveBody.filter(CONFIRMED))
    router.callback_query.register(dismissed, Dismiss.filter())
    return router
