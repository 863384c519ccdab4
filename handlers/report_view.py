"""Reading a report: what was sent, by whom, where it stands, and its buttons."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.calendar import time_zone
from bot.clock import timezone_of, today_in
from bot.config import Settings
from bot.evidence_wording import requisites_text
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.deadline_wording import deadline_phrase
from bot.presentation.report_keyboards import OpenReport, report_keyboard
from bot.presentation.text_limits import shorten
from bot.report_review import ReportView, load_report
from handlers.measure_card import format_day
from handlers.replies import show
from handlers.reports import TITLE_LENGTH
from models.tables import Official, ReportStatus


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(time_zone(timezone)).date()


def status_line(view: ReportView, timezone: str) -> str:
    if view.status is ReportStatus.SUBMITTED:
        return _("Status: waiting for review")
    who = escape(view.reviewer_name or "—")
    day = format_day(local_day(view.reviewed_at, timezone)) if view.reviewed_at else ""
    if view.status is ReportStatus.ACCEPTED:
        return _("Status: accepted by {who}, {day}").format(who=who, day=day)
    return _("Status: returned by {who}, {day}. Reason: {reason}").format(
        who=who, day=day, reason=escape(view.review_reason or "—")
    )


def _deadline_line(view: ReportView, timezone: str, now: datetime) -> str | None:
    if view.deadline and view.status is ReportStatus.ACCEPTED:
        return _("Deadline: {deadline}").format(deadline=format_day(view.deadline))
    if view.deadline:
        phrase = deadline_phrase(view.deadline, today_in(timezone, now), _, _)
        return phrase[:1].upper() + phrase[1:]
    return None


def report_text(view: ReportView, timezone: str, now: datetime) -> str:
    lines = [
        _("<b>Report on measure {number}</b>").format(number=escape(view.number)),
        escape(shorten(view.title, TITLE_LENGTH)),
        _("Body: {body}").format(body=escape(view.organization_name)),
        _("Sent by {person}, {day}").format(
            person=escape(view.author_name),
            day=format_day(local_day(view.submitted_at, timezone)),
        ),
    ]
    deadline = _deadline_line(view, timezone, now)
    if deadline:
        lines.append(deadline)
    if view.result:
        lines.append(
            _("Expected document: {result}").format(
                result=escape(shorten(view.result, TITLE_LENGTH))
            )
        )
    if view.requisites is not None:
        lines.append(
            _("Requisites: {requisites}").format(requisites=requisites_text(view.requisites, _))
        )
    if view.comment:
        lines.append(_("Comment: {comment}").format(comment=escape(view.comment)))
    lines.append(_("Documents: {count}").format(count=len(view.documents)))
    lines.append(status_line(view, timezone))
    return "\n".join(lines)


def view_keyboard(view: ReportView, roles: Roles, person_id: int) -> InlineKeyboardMarkup:
    """Documents, Accept and Return when the person may review it, and the measure card."""
    return report_keyboard(
        _,
        view.report_id,
        documents=len(view.documents),
        reviewable=view.reviewable_by(roles, person_id),
        last=(_("Measure card"), OpenMeasure(measure_id=view.measure_id)),
    )


async def open_report(
    query: CallbackQuery,
    callback_data: OpenReport,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    view = await load_report(session, roles, callback_data.report_id)
    await query.answer()
    text = report_text(view, await timezone_of(session, official, settings.default_timezone), now)
    await show(query, text, view_keyboard(view, roles, official.id))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(open_report, OpenReport.filter())
    return router
