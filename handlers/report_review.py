"""A coordinator reviews a report: Accept (then confirm), or Return with a reason typed next."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.clock import person_today, timezone_of
from bot.config import Settings
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.report_keyboards import OpenReport, ReviewAction, ReviewReport
from bot.report_review import (
    ReportView,
    accept_report,
    return_reason,
    return_report,
    reviewable_report,
)
from handlers.replies import confirm_keyboard, saved_not_shown, show
from handlers.report_view import report_text
from handlers.reports import ReviewInput, ask_in_chat, dialog_ends_on_refusal, reply_in_chat
from models.tables import Official


def card_keyboard(view: ReportView) -> InlineKeyboardMarkup:
    """After a decision, only the way on: the measure card."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Measure card"), callback_data=OpenMeasure(measure_id=view.measure_id))
    return builder.as_markup()


async def ask_to_accept(
    query: CallbackQuery,
    callback_data: ReviewReport,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    view = await reviewable_report(session, roles, callback_data.report_id, official.id)
    await query.answer()
    timezone = await timezone_of(session, official, settings.default_timezone)
    await show(
        query,
        report_text(view, timezone, now)
        + "\n\n"
        + _("Accept the report? The body's part of the measure will count as done."),
        confirm_keyboard(
            _("Accept"),
            ReviewReport(action=ReviewAction.ACCEPT_CONFIRMED, report_id=view.report_id),
            OpenReport(report_id=view.report_id),
        ),
    )


async def accept(
    query: CallbackQuery,
    callback_data: ReviewReport,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    outcome = await accept_report(
        session,
        roles,
        reviewer_id=official.id,
        report_id=callback_data.report_id,
        now=now,
        today=await person_today(session, official, now, settings.default_timezone),
    )
    await query.answer()
    timezone = await timezone_of(session, official, settings.default_timezone)
    text = report_text(outcome.report, timezone, now) + "\n\n" + _("✓ Accepted.")
    if outcome.measure_done:
        text += " " + _("The measure is done.")
    if not await show(query, text, card_keyboard(outcome.report)):
        await reply_in_chat(query, saved_not_shown())


async def ask_return_reason(
    query: CallbackQuery,
    callback_data: ReviewReport,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
) -> None:
    view = await reviewable_report(session, roles, callback_data.report_id, official.id)
    await ask_in_chat(
        query,
        state,
        ReviewInput.return_reason,
        {"report_id": view.report_id},
        _(
            "Why is the report on measure {number} returned? Write what to correct; "
            "the official will see it. Or send /cancel."
        ).format(number=escape(view.number)),
    )


def returned_text(report: ReportView) -> str:
    return _("↩️ The report on measure {number} is returned to {body}.").format(
        number=escape(report.number), body=escape(report.organization_name)
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
    report_id = (await state.get_data()).get("report_id")
    if not isinstance(report_id, int):
        await state.clear()
        return
    reason = return_reason(message.text)  # empty or too long: refused, asked again
    async with dialog_ends_on_refusal(state):
        outcome = await return_report(
            session,
            roles,
            reviewer_id=official.id,
            report_id=report_id,
            reason=reason,
            now=now,
            today=await person_today(session, official, now, settings.default_timezone),
        )
    await state.clear()
    await message.answer(returned_text(outcome.report), reply_markup=card_keyboard(outcome.report))


def build_router() -> Router:
    router = Router(name=__name__)
    # /cancel, another command or a non-text answer while a return reason is awaited are
    # handled with the other pending inputs in handlers.coordination.
    router.message.register(reason_typed, StateFilter(ReviewInput.return_reason), F.text)
    router.callback_query.register(
        ask_to_accept, ReviewReport.filter(F.action == ReviewAction.ACCEPT)
    )
    router.callback_query.register(
        accept, ReviewReport.filter(F.action == ReviewAction.ACCEPT_CONFIRMED)
    )
    router.callback_query.register(
        ask_return_reason, ReviewReport.filter(F.action == ReviewAction.RETURN)
    )
    return router
