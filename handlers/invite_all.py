"""/invite all (or "Everyone at once" under /invite): a coordinator picks a plan (an
administrator also the whole directory), whom to invite and whether QR codes are wanted, and
gets the .xlsx of links, one per body and role (and a .zip of PNG QR codes)."""

from __future__ import annotations

import asyncio
import enum
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.clock import timezone_of
from bot.config import Settings
from bot.invitation_batch import (
    DEFAULT_DAYS,
    DEFAULT_USES,
    InvitedBodies,
    batch_plans,
    batch_target,
    invite_all,
)
from bot.invitation_links import links_workbook, qr_zip
from bot.presentation.text_limits import page_of, shorten
from handlers.replies import page_buttons, page_label, show
from models.tables import Official, Plan, Role

PAGE_SIZE = 8
BUTTON_LENGTH = 60
TITLE_LENGTH = 200
WHOLE_DIRECTORY = 0  # the plan id of "every body of the directory" (administrators)


class Whom(enum.StrEnum):
    OFFICIALS = "o"
    HEADS = "h"
    BOTH = "oh"

    @property
    def roles(self) -> tuple[Role, ...]:
        return {
            Whom.OFFICIALS: (Role.OFFICIAL,),
            Whom.HEADS: (Role.HEAD,),
            Whom.BOTH: (Role.OFFICIAL, Role.HEAD),
        }[self]


class InviteAllPlans(CallbackData, prefix="iap"):
    page: int


class InviteAllPlan(CallbackData, prefix="iaw"):
    plan_id: int


class InviteAllMake(CallbackData, prefix="iam"):
    plan_id: int
    whom: Whom
    qr: bool


def plans_reply(plans: list[Plan], page: int, roles: Roles) -> tuple[str, InlineKeyboardMarkup]:
    shown = page_of(plans, page, PAGE_SIZE)
    builder = InlineKeyboardBuilder()
    for plan in shown.items:
        builder.button(
            text=shorten(plan.title, BUTTON_LENGTH), callback_data=InviteAllPlan(plan_id=plan.id)
        )
    navigation = page_buttons(builder, shown, lambda number: InviteAllPlans(page=number))
    extra = 0
    if roles.is_admin:
        builder.button(
            text=_("Every body of the directory"),
            callback_data=InviteAllPlan(plan_id=WHOLE_DIRECTORY),
        )
        extra = 1
    builder.adjust(*([1] * len(shown.items)), *([navigation] if navigation else []), *([1] * extra))
    text = _("A file of links, one per body: the bodies of which plan do you invite?") + page_label(
        shown
    )
    return text, builder.as_markup()


async def invite_all_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    require_coordinator(roles)
    plans = await batch_plans(session, roles)
    if not plans and not roles.is_admin:
        await message.answer(_("Your plans have no bodies yet."))
        return
    text, markup = plans_reply(plans, 0, roles)
    await message.answer(text, reply_markup=markup)


async def plans_page(
    query: CallbackQuery, callback_data: InviteAllPlans, session: AsyncSession, roles: Roles
) -> None:
    plans = await batch_plans(session, roles)
    await query.answer()
    await show(query, *plans_reply(plans, callback_data.page, roles))


async def plan_picked(
    query: CallbackQuery, callback_data: InviteAllPlan, session: AsyncSession, roles: Roles
) -> None:
    plan_id = callback_data.plan_id
    await batch_target(session, roles, None if plan_id == WHOLE_DIRECTORY else plan_id)
    builder = InlineKeyboardBuilder()
    for whom, label in (
        (Whom.OFFICIALS, _("Officials")),
        (Whom.HEADS, _("Heads")),
        (Whom.BOTH, _("Officials and heads")),
    ):
        builder.button(
            text=label, callback_data=InviteAllMake(plan_id=plan_id, whom=whom, qr=False)
        )
        builder.button(
            text=label + " + " + _("QR codes"),
            callback_data=InviteAllMake(plan_id=plan_id, whom=whom, qr=True),
        )
    builder.adjust(2)
    await query.answer()
    await show(
        query,
        _(
            "Whom do you invite? Each body gets its own link for several people ({officials} "
            "officials, {heads} heads), valid for {days} days. QR codes come as PNG pictures "
            "in a .zip archive."
        ).format(
            officials=DEFAULT_USES[Role.OFFICIAL], heads=DEFAULT_USES[Role.HEAD], days=DEFAULT_DAYS
        ),
        builder.as_markup(),
    )


def made_caption(made: InvitedBodies) -> str:
    if made.plan_title:
        text = _("Links for the bodies of «{plan}»: bodies {bodies}, links {links}.").format(
            plan=escape(shorten(made.plan_title, TITLE_LENGTH)),
            bodies=made.bodies,
            links=len(made.links),
        )
    else:
        text = _("Links for every body of the directory: bodies {bodies}, links {links}.").format(
            bodies=made.bodies, links=len(made.links)
        )
    text += " " + _(
        "Send each body the link of its row; opening it registers the person with that body."
    )
    if made.shared_left_out:
        text += "\n" + _(
            "Bodies left out because they also serve other plans (an administrator invites "
            "their people): {count}."
        ).format(count=made.shared_left_out)
    return text


async def make_pressed(
    query: CallbackQuery,
    callback_data: InviteAllMake,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    bot: Bot,
    settings: Settings,
    now: datetime,
) -> None:
    plan_id = callback_data.plan_id
    made = await invite_all(
        session,
        roles,
        actor_id=official.id,
        plan_id=None if plan_id == WHOLE_DIRECTORY else plan_id,
        invite_roles=Whom(callback_data.whom).roles,
        now=now,
    )
    await query.answer()
    if not made.links:
        await show(query, _("There are no bodies to invite there."), None)
        return
    username = (await bot.me()).username or ""
    timezone = await timezone_of(session, official, settings.default_timezone)
    title = made.plan_title or _("Every body of the directory")
    workbook = await asyncio.to_thread(
        links_workbook,
        made.links,
        username,
        title=title,
        timezone=timezone,
        gettext=_,
        with_qr=callback_data.qr,
    )
    await show(query, made_caption(made), None)
    chat_id = official.telegram_id
    await bot.send_document(
        chat_id, BufferedInputFile(workbook, "invitations.xlsx"), caption=_("Invitation links")
    )
    if callback_data.qr:
        archive = await asyncio.to_thread(qr_zip, made.links, username)  # ~7 ms a code
        await bot.send_document(
            chat_id, BufferedInputFile(archive, "invitations-qr.zip"), caption=_("QR codes")
        )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(invite_all_command, Command("invite", magic=F.args.lower() == "all"))
    router.callback_query.register(plans_page, InviteAllPlans.filter())
    router.callback_query.register(plan_picked, InviteAllPlan.filter())
    router.callback_query.register(make_pressed, InviteAllMake.filter())
    return router
