"""/coordinators: an administrator sees the coordinators of every plan and removes one."""

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

from bot import coordinators
from bot.access import Roles, require_administrator
from bot.config import Settings
from bot.coordinators import CoordinatorEntry, PlanCoordinators
from bot.presentation.text_limits import page_of, shorten
from handlers.confirmations import ASKING, CONFIRMED, ask_to_confirm, markup_of
from handlers.menus import refresh_menu
from handlers.replies import page_buttons, page_label, show
from models.tables import Official

# 12 rows × (plan title 120 + name 120) and a note stay under 4,096.
COORDINATORS_PAGE = 12
NAME_LENGTH = 120


class CoordinatorsPage(CallbackData, prefix="coords"):
    page: int


class RemoveCoordinator(CallbackData, prefix="rmc"):
    membership_id: int
    page: int = 0
    confirm: bool = False


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


def names_of(entry: CoordinatorEntry) -> dict[str, str]:
    return {
        "name": escape(shorten(entry.name, NAME_LENGTH)),
        "plan": escape(shorten(entry.plan_title, NAME_LENGTH)),
    }


async def coordinators_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    require_administrator(roles)
    text, markup = coordinators_reply(await coordinators.plan_coordinators(session, roles), 0)
    await message.answer(text, reply_markup=markup)


async def coordinators_page(
    query: CallbackQuery, callback_data: CoordinatorsPage, session: AsyncSession, roles: Roles
) -> None:
    plans = await coordinators.plan_coordinators(session, roles)
    await query.answer()
    await show(query, *coordinators_reply(plans, callback_data.page))


async def removal_asked(
    query: CallbackQuery, callback_data: RemoveCoordinator, session: AsyncSession, roles: Roles
) -> None:
    entry = await coordinators.coordinator_membership(session, roles, callback_data.membership_id)
    await ask_to_confirm(
        query,
        _("Remove {name} as a coordinator of «{plan}»?").format(**names_of(entry)),
        _("Yes, remove"),
        RemoveCoordinator(membership_id=entry.membership_id, page=callback_data.page, confirm=True),
        CoordinatorsPage(page=callback_data.page),
    )


async def removal_confirmed(
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
    entry = await coordinators.remove_coordinator(
        session, roles, actor_id=official.id, membership_id=callback_data.membership_id, now=now
    )
    await query.answer()
    note = _("✓ {name} is no longer a coordinator of «{plan}».").format(**names_of(entry))
    plans = await coordinators.plan_coordinators(session, roles)
    await show(query, *coordinators_reply(plans, callback_data.page, note))
    await refresh_menu(bot, i18n, session, settings, entry.official_id)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(coordinators_command, Command("coordinators"))
    router.callback_query.register(coordinators_page, CoordinatorsPage.filter())
    router.callback_query.register(removal_asked, RemoveCoordinator.filter(ASKING))
    router.callback_query.register(removal_confirmed, RemoveCoordinator.filter(CONFIRMED))
    return router
