"""/reminders: a coordinator sets how often the officials of a plan are reminded."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import reminder_settings
from bot.access import Roles, require_coordinator
from bot.reminder_policy import ReminderPolicy
from bot.reminder_settings import PlanReminders
from handlers.replies import show
from models.tables import Official


class ReminderChoice(CallbackData, prefix="rem"):
    plan_id: int
    choice: str


def describe(policy: ReminderPolicy) -> str:
    if not policy.enabled:
        return _("reminders are off")
    before = ", ".join(str(days) for days in policy.before_days) or "—"
    return _(
        "days before the deadline: {before}; after it, every {overdue} working days; "
        "escalation every {escalation} working days"
    ).format(
        before=before,
        overdue=policy.overdue_every_working_days,
        escalation=policy.escalation_every_working_days,
    )


def render(plans: list[PlanReminders]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("<b>Reminders</b>")]
    builder = InlineKeyboardBuilder()
    labels = {
        "standard": _("Standard"),
        "rare": _("Rarer"),
        "frequent": _("More often"),
        "off": _("Turn off"),
        "on": _("Turn on"),
    }
    widths = []
    for index, plan in enumerate(plans, 1):
        lines.append("")
        lines.append(f"{index}. <b>{escape(plan.title)}</b>")
        lines.append(describe(plan.policy))
        choices = ["standard", "rare", "frequent", "off" if plan.policy.enabled else "on"]
        for choice in choices:
            builder.button(
                text=f"{index}. {labels[choice]}",
                callback_data=ReminderChoice(plan_id=plan.plan_id, choice=choice),
            )
        widths.append(len(choices))
    builder.adjust(*widths)
    return "\n".join(lines), builder.as_markup()


async def show_reminders(message: Message, session: AsyncSession, roles: Roles) -> None:
    require_coordinator(roles)
    plans = await reminder_settings.plans_reminders(session, roles)
    if not plans:
        await message.answer(_("There are no plans yet."))
        return
    text, markup = render(plans)
    await message.answer(text, reply_markup=markup)


async def choose(
    query: CallbackQuery,
    callback_data: ReminderChoice,
    session: AsyncSession,
    roles: Roles,
    official: Official,
) -> None:
    if callback_data.choice not in reminder_settings.CHOICES:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    try:
        await reminder_settings.choose(
            session, roles, callback_data.plan_id, callback_data.choice, official.id
        )
    except reminder_settings.NotYourPlan:
        await query.answer(_("This is not available to you."), show_alert=True)
        return
    await query.answer(_("Saved."))
    text, markup = render(await reminder_settings.plans_reminders(session, roles))
    await show(query, text, markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_reminders, Command("reminders"))
    router.callback_query.register(choose, ReminderChoice.filter())
    return router
