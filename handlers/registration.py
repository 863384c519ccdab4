"""Opening an invitation link (`/start <token>`): the person joins their body, or a plan (or
becomes an administrator); a person registered already confirms first (Confirm / Cancel)."""

from __future__ import annotations

import enum
import logging
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import invitation_use, people
from bot.access import Roles
from bot.config import Settings
from bot.invitation_use import LinkProblem
from bot.presentation.commands import audience_of
from bot.presentation.menus import set_personal_menu
from handlers.replies import confirm_keyboard, show
from models.tables import Invitation, Membership, Official, Organization, Plan, Role

logger = logging.getLogger(__name__)


class Registration(StatesGroup):
    name = State()
    confirm = State()


class JoinAction(enum.StrEnum):
    CONFIRM = "y"
    CANCEL = "n"


class JoinInvitation(CallbackData, prefix="jn"):
    """Confirm or Cancel an invitation opened by a registered person; the token stays in the
    conversation's state, never in the button."""

    action: JoinAction
    invitation_id: int


def problem_text(problem: LinkProblem) -> str:
    return (
        {
            LinkProblem.UNKNOWN: _("This invitation link is not valid."),
            LinkProblem.EXPIRED: _("This invitation has expired."),
            LinkProblem.USED_UP: _("This invitation has already been used."),
            LinkProblem.REVOKED: _("This invitation was withdrawn."),
            LinkProblem.MAKER_LEFT: _(
                "This invitation no longer works: the person who made it no longer holds "
                "the role that allowed it."
            ),
            LinkProblem.ENDED: _(
                "Your registration there was ended after this link was made, so the link "
                "cannot restore it."
            ),
            LinkProblem.DEACTIVATED: _("Your access to the bot was switched off."),
        }[problem]
        + " "
        + _("Ask your coordinator for a new one.")
    )


def _token(command: CommandObject) -> str:
    return (command.args or "").strip()


async def open_invitation(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    official: Official,
    roles: Roles,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    token = _token(command)
    check = await invitation_use.examine_link(
        session, token, official, roles, now, settings.admin_ids
    )
    if check.problem is not None:
        logger.info("Invitation refused for person %s: %s", official.id, check.problem.value)
        await message.answer(problem_text(check.problem))
        return
    if check.needs_confirmation and check.invitation is not None:
        await ask_to_join(message, session, state, token, check.invitation)
        return
    await ask_name_or_complete(message, session, official, state, token, bot, i18n, settings, now)


async def ask_to_join(
    message: Message, session: AsyncSession, state: FSMContext, token: str, invitation: Invitation
) -> None:
    """A registered person confirms first; the token waits in the conversation's state."""
    await state.set_state(Registration.confirm)
    await state.update_data(token=token)
    await message.answer(
        await confirm_question(session, invitation),
        reply_markup=confirm_keyboard(
            _("Confirm"),
            JoinInvitation(action=JoinAction.CONFIRM, invitation_id=invitation.id),
            JoinInvitation(action=JoinAction.CANCEL, invitation_id=invitation.id),
        ),
    )


async def ask_name_or_complete(
    message: Message,
    session: AsyncSession,
    official: Official,
    state: FSMContext,
    token: str,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
    *,
    invitation_id: int | None = None,
) -> None:
    if people.take_full_name_from_profile(official):
        await complete(
            message, session, official, token, bot, i18n, settings, now, invitation_id=invitation_id
        )
        return
    await state.set_state(Registration.name)
    await state.update_data(token=token, invitation_id=invitation_id)
    await message.answer(
        _(
            "Welcome! Your Telegram profile has no full name. Please send your surname, name "
            "and patronymic as the coordinator should see them, e.g. «Ivanova Anna Petrovna»."
        )
    )


async def confirm_pressed(
    query: CallbackQuery,
    callback_data: JoinInvitation,
    session: AsyncSession,
    official: Official,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    token = (await state.get_data()).get("token", "")
    if not token:  # not opened in this conversation (or the bot restarted since)
        await query.answer(_("Please open the invitation link again."), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await show(query, _("Confirmed."), None)
    if not isinstance(query.message, Message):
        return
    await ask_name_or_complete(
        query.message,
        session,
        official,
        state,
        token,
        bot,
        i18n,
        settings,
        now,
        invitation_id=callback_data.invitation_id,
    )


async def cancel_pressed(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await show(query, _("Cancelled: nothing changed."), None)


async def receive_name(
    message: Message,
    session: AsyncSession,
    official: Official,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    name = people.clean_person_name(message.text or "")
    if name is None:
        await message.answer(
            _("Please send your full name in words, e.g. «Ivanova Anna Petrovna».")
        )
        return
    data = await state.get_data()
    await state.clear()
    official.full_name = name
    await complete(
        message,
        session,
        official,
        data.get("token", ""),
        bot,
        i18n,
        settings,
        now,
        invitation_id=data.get("invitation_id"),
    )


async def role_text(
    session: AsyncSession, role: Role, plan_id: int | None, body_id: int | None
) -> str:
    """ "a coordinator of «…»", "the head of «…»", "an official of «…»", "an administrator"."""
    if role is Role.ADMINISTRATOR:
        return _("an administrator")
    if role is Role.COORDINATOR:
        plan = await session.get(Plan, plan_id)
        return _("a coordinator of «{plan}»").format(plan=escape(plan.title if plan else "—"))
    organization = await session.get(Organization, body_id)
    name = escape(organization.full_name if organization else "—")
    if role is Role.HEAD:
        return _("the head of «{body}»").format(body=name)
    return _("an official of «{body}»").format(body=name)


async def confirm_question(session: AsyncSession, invitation: Invitation) -> str:
    role = await role_text(session, invitation.role, invitation.plan_id, invitation.organization_id)
    return _(
        "You are registered with the bot already. This link makes you also {role}; your "
        "other roles stay. Confirm?"
    ).format(role=role)


async def joined_text(session: AsyncSession, membership: Membership) -> str:
    """What the person now is: a plan's coordinator, an official or head of a body, or an
    administrator."""
    if membership.role is Role.ADMINISTRATOR:
        return _("You are an administrator now. Send /help to see what you can do.")
    if membership.role is Role.COORDINATOR:
        plan = await session.get(Plan, membership.plan_id)
        assert plan is not None
        return _("You are a coordinator of «{plan}» now. Send /plans to see it.").format(
            plan=escape(plan.title)
        )
    organization = await session.get(Organization, membership.organization_id)
    assert organization is not None
    role = _("the head") if membership.role is Role.HEAD else _("an official")
    return _("You are registered as {role} of «{body}». Send /my to see your measures.").format(
        role=role, body=escape(organization.full_name)
    )


async def complete(
    message: Message,
    session: AsyncSession,
    official: Official,
    token: str,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
    *,
    invitation_id: int | None = None,
) -> None:
    """Use the link; `invitation_id` (from a Confirm button) is the confirmed invitation."""
    roles = await people.roles_of(session, official, settings.admin_ids)
    redemption = await invitation_use.redeem(
        session,
        token,
        official,
        roles,
        now,
        settings.admin_ids,
        confirmed=invitation_id is not None,
        invitation_id=invitation_id,
    )
    if redemption.problem is not None:
        await message.answer(problem_text(redemption.problem))
        return
    if redemption.needs_confirmation:  # registered meanwhile: open the link again to confirm
        await message.answer(_("Please open the invitation link again."))
        return
    membership = redemption.membership
    assert membership is not None
    text = await joined_text(session, membership)
    if redemption.already_member:
        text = _("You are registered already.") + " " + text
    await message.answer(
        _("Thank you, {name}!").format(name=escape(official.display_name)) + "\n\n" + text
    )
    roles = await people.roles_of(session, official, settings.admin_ids)
    await set_personal_menu(bot, i18n, message.chat.id, audience_of(roles), i18n.current_locale)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(open_invitation, CommandStart(deep_link=True))
    router.message.register(receive_name, Registration.name, F.text, ~F.text.startswith("/"))
    router.callback_query.register(
        confirm_pressed, JoinInvitation.filter(F.action == JoinAction.CONFIRM)
    )
    router.callback_query.register(
        cancel_pressed, JoinInvitation.filter(F.action == JoinAction.CANCEL)
    )
    return router
