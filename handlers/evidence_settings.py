"""/evidence: a coordinator decides, per plan, whether a report may stand on the proving
document's requisites and its reference in the document system, without the file."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.evidence_settings import PlanEvidence, plans_evidence, set_requisites_without_file
from bot.presentation.text_limits import page_of, shorten
from handlers.replies import page_buttons, page_label, show
from models.tables import Official

PAGE_SIZE = 10
TITLE_LENGTH = 200
BUTTON_TITLE_LENGTH = 40


class EvidenceSetting(CallbackData, prefix="evs"):
    """Turn the setting on (`allowed`) or off for a plan; plan_id 0 only turns the page."""

    plan_id: int
    allowed: bool
    page: int = 0


def render(plans: list[PlanEvidence], page_number: int) -> tuple[str, InlineKeyboardMarkup]:
    page = page_of(plans, page_number, PAGE_SIZE)
    lines = [
        _("<b>Reports without a file</b>") + page_label(page),
        _(
            "Where it is on, an official may report a measure by the document's requisites "
            "(number, date, link) and its reference in the region's document system, without "
            "attaching the file."
        ),
    ]
    builder = InlineKeyboardBuilder()
    first = page.page * PAGE_SIZE
    for index, plan in enumerate(page.items, first + 1):
        state = _("on") if plan.requisites_without_file else _("off")
        lines.append("")
        lines.append(f"{index}. <b>{escape(shorten(plan.title, TITLE_LENGTH))}</b>: {state}")
        label = _("Turn off") if plan.requisites_without_file else _("Allow")
        builder.button(
            text=f"{index}. {label}",
            callback_data=EvidenceSetting(
                plan_id=plan.plan_id,
                allowed=not plan.requisites_without_file,
                page=page.page,
            ),
        )
    widths = [1] * len(page.items)
    arrows = page_buttons(
        builder, page, lambda number: EvidenceSetting(plan_id=0, allowed=False, page=number)
    )
    if arrows:
        widths.append(arrows)
    builder.adjust(*widths)
    return "\n".join(lines), builder.as_markup()


async def show_evidence(message: Message, session: AsyncSession, roles: Roles) -> None:
    plans = await plans_evidence(session, roles)
    if not plans:
        await message.answer(_("There are no plans yet."))
        return
    text, markup = render(plans, 0)
    await message.answer(text, reply_markup=markup)


async def choose(
    query: CallbackQuery,
    callback_data: EvidenceSetting,
    session: AsyncSession,
    roles: Roles,
    official: Official,
) -> None:
    if callback_data.plan_id:
        await set_requisites_without_file(
            session, roles, callback_data.plan_id, callback_data.allowed, official.id
        )
        await query.answer(_("Saved."))
    plans = await plans_evidence(session, roles)
    if not callback_data.plan_id:
        await query.answer()
    text, markup = render(plans, callback_data.page)
    await show(query, text, markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_evidence, Command("evidence"))
    router.callback_query.register(choose, EvidenceSetting.filter())
    return router
