"""/invite in the chat: a coordinator picks a body of their plans and a role, and gets a link.

An administrator may also invite a coordinator of a plan. The link is shown once, with its
expiry date and a Revoke button (only its maker or an administrator may revoke).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import invitations
from bot.access import Roles, can_manage_coordinators, require_coordinator
from bot.body_names import match_bodies
from bot.calendar import time_zone
from bot.clock import timezone_of
from bot.config import Settings
from bot.invitations import MadeInvitation, deep_link
from bot.presentation.text_limits import PageOf, page_of, shorten
from bot.scope import governed_body
from handlers.invite_all import InviteAllPlans
from handlers.replies import page_buttons, page_label, show
from models.tables import Official, Organization, Role

PAGE_SIZE = 8
MATCHES_SHOWN = 10
BUTTON_LENGTH = 60


class InviteInput(StatesGroup):
    body_name = State()


class InviteBodies(CallbackData, prefix="ivp"):
    page: int


class InviteBody(CallbackData, prefix="ivb"):
    organization_id: int


class InviteRole(CallbackData, prefix="ivr"):
    organization_id: int
    role: str


class InvitePlans(CallbackData, prefix="ivpl"):
    page: int


class InvitePlan(CallbackData, prefix="ivc"):
    plan_id: int


class InviteRevoke(CallbackData, prefix="ivx"):
    invitation_id: int


def body_label(organization: Organization) -> str:
    if organization.short_name and organization.short_name != organization.full_name:
        return shorten(f"{organization.short_name} — {organization.full_name}", BUTTON_LENGTH)
    return shorten(organization.full_name, BUTTON_LENGTH)


def bodies_keyboard(
    bodies: list[Organization], page: int, roles: Roles
) -> tuple[InlineKeyboardMarkup, PageOf[Organization]]:
    shown = page_of(bodies, page, PAGE_SIZE)
    builder = InlineKeyboardBuilder()
    for organization in shown.items:
        builder.button(
            text=body_label(organization),
            callback_data=InviteBody(organization_id=organization.id),
        )
    navigation = page_buttons(builder, shown, lambda number: InviteBodies(page=number))
    extra = 1
    builder.button(
        text=_("Every body at once (a file of links)"), callback_data=InviteAllPlans(page=0)
    )
    if can_manage_coordinators(roles):
        builder.button(text=_("Coordinator of a plan"), callback_data=InvitePlans(page=0))
        extra = 2
    builder.adjust(*([1] * len(shown.items)), *([navigation] if navigation else []), *([1] * extra))
    return builder.as_markup(), shown


def start_text(count: int, page: PageOf[Organization]) -> str:
    if not count:
        return _("Your plans have no bodies yet.")
    text = _(
        "Whom do you invite? Type part of the body's name, or pick it below "
        "({count} body in your plans).",
        "Whom do you invite? Type part of the body's name, or pick it below "
        "({count} bodies in your plans).",
        count,
    ).format(count=count)
    return text + page_label(page)


async def invite_command(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    require_coordinator(roles)
    bodies = await invitations.invitable_bodies(session, roles)
    if bodies:
        await state.set_state(InviteInput.body_name)
    elif not can_manage_coordinators(roles):
        await message.answer(_("Your plans have no bodies yet."))
        return
    markup, page = bodies_keyboard(bodies, 0, roles)
    await message.answer(start_text(len(bodies), page), reply_markup=markup)


async def bodies_page(
    query: CallbackQuery, callback_data: InviteBodies, session: AsyncSession, roles: Roles
) -> None:
    bodies = await invitations.invitable_bodies(session, roles)
    markup, page = bodies_keyboard(bodies, callback_data.page, roles)
    await query.answer()
    await show(query, start_text(len(bodies), page), markup)


def body_picker(found: list[Organization]) -> tuple[str, InlineKeyboardMarkup]:
    """The bodies matching a typed name, the first few as buttons."""
    builder = InlineKeyboardBuilder()
    for organization in found[:MATCHES_SHOWN]:
        builder.button(
            text=body_label(organization),
            callback_data=InviteBody(organization_id=organization.id),
        )
    builder.adjust(1)
    reply = _("Pick the body:")
    if len(found) > MATCHES_SHOWN:
        reply += " " + _(
            "the first {shown} of {count} are shown; type more of the name to narrow the list."
        ).format(shown=MATCHES_SHOWN, count=len(found))
    return reply, builder.as_markup()


async def body_name_typed(
    message: Message, state: FSMContext, session: AsyncSession, roles: Roles
) -> None:
    if not roles.is_coordinator:
        await state.clear()  # the question ends with the refusal
    require_coordinator(roles)
    text = message.text or ""
    found = match_bodies(await invitations.invitable_bodies(session, roles), text)
    if not found:
        await message.answer(
            _(
                "None of the bodies of your plans matches «{text}». Type another part of the "
                "name, or send /cancel."
            ).format(text=escape(shorten(text, 100)))
        )
        return
    reply, markup = body_picker(found)
    await message.answer(reply, reply_markup=markup)


async def body_picked(
    query: CallbackQuery,
    callback_data: InviteBody,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    organization = await governed_body(session, roles, callback_data.organization_id)
    if await state.get_state() == InviteInput.body_name.state:
        await state.clear()
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("An official"),
        callback_data=InviteRole(organization_id=organization.id, role=Role.OFFICIAL.value),
    )
    builder.button(
        text=_("The head"),
        callback_data=InviteRole(organization_id=organization.id, role=Role.HEAD.value),
    )
    builder.adjust(2)
    await query.answer()
    await show(
        query,
        _("Invite to «{body}» as:").format(body=escape(organization.full_name)),
        builder.as_markup(),
    )


def invitation_text(made: MadeInvitation, link: str, timezone: str) -> str:
    target = escape(made.target)
    if made.role is Role.COORDINATOR:
        title = _("Invitation for a coordinator of «{plan}»:").format(plan=target)
    elif made.role is Role.HEAD:
        title = _("Invitation for the head of «{body}»:").format(body=target)
    else:
        title = _("Invitation for an official of «{body}»:").format(body=target)
    until = made.expires_at.astimezone(time_zone(timezone)).strftime("%d.%m.%Y")
    terms = _(
        "It works {count} time, until {date}.",
        "It works {count} times, until {date}.",
        made.max_uses,
    ).format(count=made.max_uses, date=until)
    return "\n\n".join(
        [
            title + "\n" + escape(link),
            terms,
            _("Send the link to the person: opening it registers them with the bot."),
        ]
    )


def revoke_keyboard(invitation_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Revoke"), callback_data=InviteRevoke(invitation_id=invitation_id))
    return builder.as_markup()


async def show_invitation(
    query: CallbackQuery,
    made: MadeInvitation,
    bot: Bot,
    session: AsyncSession,
    official: Official,
    settings: Settings,
) -> None:
    me = await bot.me()
    link = deep_link(me.username or "", made.token)
    timezone = await timezone_of(session, official, settings.default_timezone)
    await query.answer()
    await show(query, invitation_text(made, link, timezone), revoke_keyboard(made.invitation_id))


async def role_picked(
    query: CallbackQuery,
    callback_data: InviteRole,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    bot: Bot,
    settings: Settings,
    now: datetime,
) -> None:
    made = await invitations.invite_to_body(
        session,
        roles,
        actor_id=official.id,
        organization_id=callback_data.organization_id,
        role=callback_data.role,
        now=now,
    )
    await show_invitation(query, made, bot, session, official, settings)


async def plans_page(
    query: CallbackQuery,
    callback_data: InvitePlans,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    plans = await invitations.invitable_plans(session, roles)
    if await state.get_state() == InviteInput.body_name.state:
        await state.clear()
    shown = page_of(plans, callback_data.page, PAGE_SIZE)
    builder = InlineKeyboardBuilder()
    for plan in shown.items:
        builder.button(
            text=shorten(plan.title, BUTTON_LENGTH), callback_data=InvitePlan(plan_id=plan.id)
        )
    navigation = page_buttons(builder, shown, lambda number: InvitePlans(page=number))
    builder.adjust(*([1] * len(shown.items)), *([navigation] if navigation else []))
    text = (
        _("Coordinator of which plan?") + page_label(shown)
        if plans
        else _("There are no plans yet.")
    )
    await query.answer()
    await show(query, text, builder.as_markup())


async def plan_picked(
    query: CallbackQuery,
    callback_data: InvitePlan,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    bot: Bot,
    settings: Settings,
    now: datetime,
) -> None:
    made = await invitations.invite_coordinator(
        session, roles, actor_id=official.id, plan_id=callback_data.plan_id, now=now
    )
    await show_invitation(query, made, bot, session, official, settings)


async def revoke_pressed(
    query: CallbackQuery,
    callback_data: InviteRevoke,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    now: datetime,
) -> None:
    revoked = await invitations.revoke_invitation(
        session, roles, actor_id=official.id, invitation_id=callback_data.invitation_id, now=now
    )
    if not revoked:
        await query.answer(_("This invitation is revoked already."), show_alert=True)
        with contextlib.suppress(TelegramBadRequest):
            if isinstance(query.message, Message):
                await query.message.edit_reply_markup(reply_markup=None)
        return
    await query.answer(_("Revoked."))
    await show(query, _("The invitation is revoked: the link no longer works."), None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(invite_command, Command("invite"))
    router.message.register(body_name_typed, InviteInput.body_name, F.text, ~F.text.startswith("/"))
    router.callback_query.register(bodies_page, InviteBodies.filter())
    router.callback_query.register(body_picked, InviteBody.filter())
    router.callback_query.register(role_picked, InviteRole.filter())
    router.callback_query.register(plans_page, InvitePlans.filter())
    router.callback_query.register(plan_picked, InvitePlan.filter())
    router.callback_query.register(revoke_pressed, InviteRevoke.filter())
    return router
