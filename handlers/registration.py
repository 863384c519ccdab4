"""Opening an invitation link (`/start <token>`): the person joins their body, or a plan."""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import invitations, people
from bot.config import Settings
from bot.invitations import LinkProblem
from bot.presentation.commands import audience_of
from bot.presentation.menus import set_personal_menu
from models.tables import Membership, Official, Organization, Plan, Role

logger = logging.getLogger(__name__)


class Registration(StatesGroup):
    name = State()


def problem_text(problem: LinkProblem) -> str:
    return (
        {
            LinkProblem.UNKNOWN: _("This invitation link is not valid."),
            LinkProblem.EXPIRED: _("This invitation has expired."),
            LinkProblem.USED_UP: _("This invitation has already been used."),
            LinkProblem.REVOKED: _("This invitation was withdrawn."),
        }[problem]
        + " "
        + _("Ask your coordinator for a new one.")
    )


async def open_invitation(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    official: Official,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    token = (command.args or "").strip()
    invitation = await invitations.find_invitation(session, token)
    problem = invitations.check_usable(invitation, now)
    if problem is not None:
        logger.info("Invitation refused for user %s: %s", official.telegram_id, problem.value)
        await message.answer(problem_text(problem))
        return
    if people.take_full_name_from_profile(official):
        await complete(message, session, official, token, bot, i18n, settings, now)
        return
    await state.set_state(Registration.name)
    await state.update_data(token=token)
    await message.answer(
        _(
            "Welcome! Your Telegram profile has no full name. Please send your surname, name "
            "and patronymic as the coordinator should see them, e.g. «Ivanova Anna Petrovna»."
        )
    )


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
    token = (await state.get_data()).get("token", "")
    await state.clear()
    official.full_name = name
    await complete(message, session, official, token, bot, i18n, settings, now)


async def joined_text(session: AsyncSession, membership: Membership) -> str:
    """What the person now is: a plan's coordinator, or an official or head of a body."""
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
) -> None:
    redemption = await invitations.redeem(session, token, official, now)
    if redemption.problem is not None:
        await message.answer(problem_text(redemption.problem))
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
    return router
