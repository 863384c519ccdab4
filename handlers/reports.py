"""Reports: an official sends the result documents of a measure; a coordinator reviews them.

The official presses "Report" (on a reminder, on the card, or on a returned report), sends
files or photos and a comment, and presses "Send the report". A draft lives in the FSM until
then; nothing is stored before the report is sent. Coordinators get each report in a message
with its documents, Accept and Return; /review lists the reports waiting for them.
Every button is re-checked in bot.reports: who asks, and that the measure or report is theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import reports
from bot.access import Roles
from bot.background import BackgroundWork
from bot.clock import person_today, timezone_of, today_in
from bot.config import Settings
from bot.presentation.callbacks import (
    OpenMeasure,
    OpenReport,
    ReportFiles,
    ReportStart,
    ReviewReport,
)
from bot.presentation.deadline_wording import deadline_phrase
from bot.presentation.text_limits import page_of, shorten
from bot.reports import (
    MAX_DOCUMENTS,
    DraftDocument,
    ReportRefusal,
    ReportRefused,
    ReportTarget,
    ReportView,
)
from handlers.invite import refuse_command
from handlers.measure_card import format_day
from handlers.replies import confirm_keyboard, page_buttons, page_label, saved_not_shown, show
from models.tables import Official, ReportStatus

logger = logging.getLogger(__name__)

TITLE_LENGTH = 200
BUTTON_LENGTH = 40
REVIEW_PAGE = 8
SEND_ATTEMPTS = 3


class ReportInput(StatesGroup):
    collecting = State()


class ReviewInput(StatesGroup):
    return_reason = State()


class ReportFor(CallbackData, prefix="rf"):
    assignment_id: int


class ReportSend(CallbackData, prefix="rsd"):
    assignment_id: int


class ReportDrop(CallbackData, prefix="rdr"):
    assignment_id: int


class ReviewPage(CallbackData, prefix="rvp"):
    page: int


def refusal_text(refusal: ReportRefusal) -> str:
    return {
        ReportRefusal.NOT_AVAILABLE: _("This is not available to you."),
        ReportRefusal.MEASURE_REMOVED: _("This measure has been removed from the plan."),
        ReportRefusal.MEASURE_DONE: _("This measure is already done."),
        ReportRefusal.UNDER_REVIEW: _(
            "Your report on this measure is waiting for review; the coordinator will answer."
        ),
        ReportRefusal.ACCEPTED: _("Your report on this measure is already accepted."),
        ReportRefusal.NO_DOCUMENTS: _(
            "Attach at least one document: send it as a file or a photo."
        ),
        ReportRefusal.TOO_MANY_DOCUMENTS: _("A report holds at most {count} documents.").format(
            count=MAX_DOCUMENTS
        ),
        ReportRefusal.COMMENT_TOO_LONG: _(
            "The comment is too long: at most {count} characters."
        ).format(count=reports.MAX_COMMENT_LENGTH),
        ReportRefusal.ALREADY_REVIEWED: _("This report has already been reviewed."),
        ReportRefusal.NO_LONGER_CURRENT: _(
            "This report can no longer be reviewed: the body no longer executes the measure, "
            "or the measure is no longer in the plan."
        ),
        ReportRefusal.OWN_REPORT: _("A report is reviewed by someone other than its author."),
        ReportRefusal.NO_REASON: _("Please write why the report is returned."),
        ReportRefusal.REASON_TOO_LONG: _(
            "The reason is too long: at most {count} characters."
        ).format(count=reports.MAX_REASON_LENGTH),
    }[refusal]


async def _reply(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """A new message in the chat of the button (whose message may be too old to reach)."""
    assert query.bot is not None
    return await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def card_report_buttons(
    session: AsyncSession, roles: Roles, measure_id: int, plan_id: int
) -> list[tuple[str, CallbackData]]:
    """The measure card's report buttons: "Report" when the person may report on it now, and
    the reports waiting for review that they may open."""
    buttons: list[tuple[str, CallbackData]] = []
    if measure_id in await reports.reportable_measure_ids(session, roles, [measure_id]):
        buttons.append((_("Report"), ReportStart(measure_id=measure_id)))
    for waiting in await reports.measure_reports_waiting(session, roles, measure_id, plan_id):
        buttons.append(
            (
                _("Report under review: {body}").format(
                    body=shorten(waiting.organization_name, BUTTON_LENGTH)
                ),
                OpenReport(report_id=waiting.report_id),
            )
        )
    return buttons


# --- The official's draft -----------------------------------------------------------------------


def draft_text(target: dict[str, Any], documents: list[DraftDocument], comment: str | None) -> str:
    lines = [
        _("<b>Report on measure {number}</b>").format(number=escape(target["number"])),
        escape(shorten(target["title"], TITLE_LENGTH)),
        _("Body: {body}").format(body=escape(target["body"])),
    ]
    if target.get("result"):
        lines.append(
            _("Expected document: {result}").format(
                result=escape(shorten(target["result"], TITLE_LENGTH))
            )
        )
    lines.append("")
    if documents:
        lines.append(
            _("Attached: {count} of at most {limit}").format(
                count=len(documents), limit=MAX_DOCUMENTS
            )
        )
        for document in documents:
            name = document.file_name or _("photo")
            lines.append(f"• {escape(shorten(name, 60))}")
    else:
        lines.append(_("Nothing attached yet."))
    if comment:
        lines.append(_("Comment: {comment}").format(comment=escape(shorten(comment, 500))))
    lines.append("")
    lines.append(
        _(
            "Send the result documents as files or photos, and a comment as text if needed. "
            "Then press «Send the report»."
        )
    )
    return "\n".join(lines)


def draft_keyboard(assignment_id: int) -> InlineKeyboardMarkup:
    return confirm_keyboard(
        _("Send the report"),
        ReportSend(assignment_id=assignment_id),
        ReportDrop(assignment_id=assignment_id),
    )


async def _show_draft(message: Message, state: FSMContext, bot: Bot) -> None:
    """Post the draft's state under the latest input, removing the previous copy."""
    stored = await state.get_data()
    documents = [DraftDocument.from_dict(item) for item in stored.get("documents", [])]
    previous = stored.get("draft_message_id")
    sent = await message.answer(
        draft_text(stored["target"], documents, stored.get("comment")),
        reply_markup=draft_keyboard(stored["assignment_id"]),
    )
    await state.update_data(draft_message_id=sent.message_id)
    if previous:
        # Already gone, or too old to delete: the newer copy is what counts.
        with contextlib.suppress(TelegramAPIError):
            await bot.delete_message(message.chat.id, previous)


async def _begin_draft(query: CallbackQuery, state: FSMContext, target: ReportTarget) -> None:
    """Open a draft for this assignment; one already open for it is shown again, not emptied."""
    stored = await state.get_data()
    if not (
        await state.get_state() == ReportInput.collecting.state
        and stored.get("assignment_id") == target.assignment_id
    ):
        await state.set_state(ReportInput.collecting)
        stored = {
            "assignment_id": target.assignment_id,
            "measure_id": target.measure_id,
            "target": {
                "number": target.number,
                "title": target.title,
                "body": target.organization_name,
                "result": target.result,
            },
            "documents": [],
            "comment": None,
        }
        await state.set_data(stored)
    await query.answer()
    documents = [DraftDocument.from_dict(item) for item in stored.get("documents", [])]
    sent = await _reply(
        query,
        draft_text(stored["target"], documents, stored.get("comment")),
        draft_keyboard(target.assignment_id),
    )
    previous = stored.get("draft_message_id")
    await state.update_data(draft_message_id=sent.message_id)
    if previous:
        with contextlib.suppress(TelegramAPIError):
            await query.bot.delete_message(sent.chat.id, previous)  # type: ignore[union-attr]


async def start_report(
    query: CallbackQuery,
    callback_data: ReportStart,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    try:
        targets = await reports.report_targets(session, roles, callback_data.measure_id)
    except ReportRefused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    if len(targets) == 1:
        await _begin_draft(query, state, targets[0])
        return
    builder = InlineKeyboardBuilder()
    for target in targets:
        builder.button(
            text=shorten(target.organization_name, BUTTON_LENGTH),
            callback_data=ReportFor(assignment_id=target.assignment_id),
        )
    builder.adjust(1)
    await query.answer()
    await _reply(
        query,
        _("Measure {number} is assigned to several of your bodies. Which one reports?").format(
            number=escape(targets[0].number)
        ),
        builder.as_markup(),
    )


async def start_report_for(
    query: CallbackQuery,
    callback_data: ReportFor,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    try:
        target = await reports.report_target(session, roles, callback_data.assignment_id)
    except ReportRefused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    await _begin_draft(query, state, target)


async def document_added(message: Message, state: FSMContext, bot: Bot) -> None:
    stored = await state.get_data()
    documents = [DraftDocument.from_dict(item) for item in stored.get("documents", [])]
    if message.document is not None:
        added = DraftDocument(
            file_id=message.document.file_id,
            file_unique_id=message.document.file_unique_id,
            kind="document",
            file_name=message.document.file_name,
            mime_type=message.document.mime_type,
            size=message.document.file_size,
        )
    else:
        assert message.photo
        largest = max(message.photo, key=lambda size: size.width * size.height)
        added = DraftDocument(
            file_id=largest.file_id,
            file_unique_id=largest.file_unique_id,
            kind="photo",
            mime_type="image/jpeg",
            size=largest.file_size,
        )
    if any(document.file_unique_id == added.file_unique_id for document in documents):
        await message.answer(_("This file is attached already."))
        return
    if len(documents) >= MAX_DOCUMENTS:
        await message.answer(refusal_text(ReportRefusal.TOO_MANY_DOCUMENTS))
        return
    documents.append(added)
    update: dict[str, Any] = {"documents": [document.as_dict() for document in documents]}
    if message.caption and message.caption.strip():
        try:
            update["comment"] = reports.add_to_comment(stored.get("comment"), message.caption)
        except ReportRefused as refused:
            await message.answer(refusal_text(refused.refusal))
    await state.update_data(**update)
    await _show_draft(message, state, bot)


async def comment_typed(message: Message, state: FSMContext, bot: Bot) -> None:
    try:
        comment = reports.add_to_comment((await state.get_data()).get("comment"), message.text)
    except ReportRefused as refused:
        await message.answer(refusal_text(refused.refusal))
        return
    await state.update_data(comment=comment)
    await _show_draft(message, state, bot)


async def other_content(message: Message) -> None:
    await message.answer(
        _(
            "A report takes files, photos and a text comment. Send a video or a voice message "
            "as a file, or press «Cancel»."
        )
    )


async def file_without_draft(message: Message, roles: Roles) -> None:
    """An official sends a file with no report open: say how to report. A coordinator's file
    goes on to plan import."""
    if roles.is_coordinator or not roles.is_executor:
        raise SkipHandler
    await message.answer(
        _(
            "Plans are loaded by coordinators. To send a document as a report, open the measure "
            "(/my) or the reminder and press «Report» first, then send the file."
        )
    )


async def drop_draft_on_import(message: Message, state: FSMContext) -> None:
    """/import while a report is open: the next file is a plan, not a report document."""
    await state.clear()
    await message.answer(_("The report is cancelled; nothing was sent."))
    raise SkipHandler


async def cancel_draft_command(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("The report is cancelled; nothing was sent."))


async def _draft_is_open(state: FSMContext, assignment_id: int) -> bool:
    return (
        await state.get_state() == ReportInput.collecting.state
        and (await state.get_data()).get("assignment_id") == assignment_id
    )


async def drop_draft(query: CallbackQuery, callback_data: ReportDrop, state: FSMContext) -> None:
    if not await _draft_is_open(state, callback_data.assignment_id):
        await query.answer(_("This draft is no longer open."), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await show(query, _("The report is cancelled; nothing was sent."), None)


async def send_report(
    query: CallbackQuery,
    callback_data: ReportSend,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    stored = await state.get_data()
    if not await _draft_is_open(state, callback_data.assignment_id):
        await query.answer(
            _("This draft is no longer open. Press «Report» on the measure to start again."),
            show_alert=True,
        )
        return
    documents = [DraftDocument.from_dict(item) for item in stored.get("documents", [])]
    try:
        submitted = await reports.submit_report(
            session,
            roles,
            author_id=official.id,
            assignment_id=callback_data.assignment_id,
            comment=stored.get("comment"),
            documents=documents,
            now=now,
            admin_telegram_ids=settings.admin_ids,
        )
    except ReportRefused as refused:
        if refused.refusal in (ReportRefusal.NO_DOCUMENTS, ReportRefusal.COMMENT_TOO_LONG):
            await query.answer(refusal_text(refused.refusal), show_alert=True)
            return
        await state.clear()
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        await show(query, refusal_text(refused.refusal), None)
        return
    await state.clear()
    logger.info(
        "Report %s on measure %s sent by official %s (%d documents, %d reviewers told)",
        submitted.report_id,
        submitted.target.measure_id,
        official.id,
        submitted.documents,
        submitted.reviewers,
    )
    await query.answer()
    text = _(
        "✓ The report on measure {number} is sent for review ({count} documents). "
        "Reminders about it stop; you will be told when the coordinator answers."
    ).format(number=escape(submitted.target.number), count=submitted.documents)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Open the report"), callback_data=OpenReport(report_id=submitted.report_id)
    )
    await show(query, text, builder.as_markup())


# --- Reading and reviewing a report -------------------------------------------------------------


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


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
    if view.deadline and view.status is ReportStatus.ACCEPTED:
        lines.append(_("Deadline: {deadline}").format(deadline=format_day(view.deadline)))
    elif view.deadline:
        phrase = deadline_phrase(view.deadline, today_in(timezone, now), _, _)
        lines.append(phrase[:1].upper() + phrase[1:])
    if view.result:
        lines.append(
            _("Expected document: {result}").format(
                result=escape(shorten(view.result, TITLE_LENGTH))
            )
        )
    if view.comment:
        lines.append(_("Comment: {comment}").format(comment=escape(view.comment)))
    lines.append(_("Documents: {count}").format(count=len(view.documents)))
    lines.append(status_line(view, timezone))
    return "\n".join(lines)


def report_keyboard(view: ReportView, roles: Roles, person_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    rows = []
    if view.documents:
        builder.button(
            text=_("Documents ({count})").format(count=len(view.documents)),
            callback_data=ReportFiles(report_id=view.report_id),
        )
        rows.append(1)
    if view.reviewable_by(roles, person_id):
        builder.button(
            text=_("Accept"), callback_data=ReviewReport(action="accept", report_id=view.report_id)
        )
        builder.button(
            text=_("Return"), callback_data=ReviewReport(action="return", report_id=view.report_id)
        )
        rows.append(2)
    builder.button(text=_("Measure card"), callback_data=OpenMeasure(measure_id=view.measure_id))
    rows.append(1)
    builder.adjust(*rows)
    return builder.as_markup()


async def open_report(
    query: CallbackQuery,
    callback_data: OpenReport,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    try:
        view = await reports.load_report(session, roles, callback_data.report_id)
    except ReportRefused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    await query.answer()
    text = report_text(view, await timezone_of(session, official, settings.default_timezone), now)
    await show(query, text, report_keyboard(view, roles, official.id))


async def _send_documents(bot: Bot, chat_id: int, view: ReportView, caption: str) -> None:
    """Each document in turn; flood control is waited out, so none is silently missing."""
    for index, document in enumerate(view.documents, 1):
        label = f"{caption} ({index}/{len(view.documents)})"
        for _attempt in range(SEND_ATTEMPTS):
            try:
                if document.is_photo:
                    await bot.send_photo(chat_id, document.file_id, caption=label)
                else:
                    await bot.send_document(chat_id, document.file_id, caption=label)
                break
            except TelegramRetryAfter as error:
                await asyncio.sleep(error.retry_after)
            except TelegramAPIError:
                logger.exception(
                    "Report %s: document %s could not be sent to %s",
                    view.report_id,
                    document.document_id,
                    chat_id,
                )
                break


async def report_files(
    query: CallbackQuery,
    callback_data: ReportFiles,
    session: AsyncSession,
    roles: Roles,
    bot: Bot,
    background: BackgroundWork,
) -> None:
    try:
        view = await reports.load_report(session, roles, callback_data.report_id)
    except ReportRefused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    await query.answer(_("Sending the documents…"))
    caption = escape(f"{view.number.rstrip('.')} — {shorten(view.organization_name, 60)}")
    # Sent outside the update, so its transaction is not held while files go out.
    background.start(
        _send_documents(bot, query.from_user.id, view, caption),
        name=f"report-{view.report_id}-documents",
    )


async def review_pressed(
    query: CallbackQuery,
    callback_data: ReviewReport,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    if callback_data.action not in ("accept", "accept_yes", "return"):
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    try:
        if callback_data.action == "accept_yes":
            outcome = await reports.accept_report(
                session,
                roles,
                reviewer_id=official.id,
                report_id=callback_data.report_id,
                now=now,
                today=await person_today(session, official, now, settings.default_timezone),
            )
        else:
            view = await reports.reviewable_report(
                session, roles, callback_data.report_id, official.id
            )
    except ReportRefused as refused:
        await query.answer(refusal_text(refused.refusal), show_alert=True)
        return
    await query.answer()
    if callback_data.action == "accept_yes":
        text = (
            report_text(
                outcome.report, await timezone_of(session, official, settings.default_timezone), now
            )
            + "\n\n"
            + _("✓ Accepted.")
        )
        if outcome.measure_done:
            text += " " + _("The measure is done.")
        if not await show(query, text, report_keyboard_after(outcome.report)):
            await _reply(query, saved_not_shown())
    elif callback_data.action == "accept":
        await show(
            query,
            report_text(view, await timezone_of(session, official, settings.default_timezone), now)
            + "\n\n"
            + _("Accept the report? The body's part of the measure will count as done."),
            confirm_keyboard(
                _("Accept"),
                ReviewReport(action="accept_yes", report_id=view.report_id),
                OpenReport(report_id=view.report_id),
            ),
        )
    else:
        await state.set_state(ReviewInput.return_reason)
        await state.set_data({"report_id": view.report_id})
        await _reply(
            query,
            _(
                "Why is the report on measure {number} returned? Write what to correct; "
                "the official will see it. Or send /cancel."
            ).format(number=escape(view.number)),
        )


def report_keyboard_after(view: ReportView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Measure card"), callback_data=OpenMeasure(measure_id=view.measure_id))
    return builder.as_markup()


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
    try:
        outcome = await reports.return_report(
            session,
            roles,
            reviewer_id=official.id,
            report_id=report_id,
            reason=message.text or "",
            now=now,
            today=await person_today(session, official, now, settings.default_timezone),
        )
    except ReportRefused as refused:
        if refused.refusal in (ReportRefusal.NO_REASON, ReportRefusal.REASON_TOO_LONG):
            await message.answer(refusal_text(refused.refusal))
            return
        await state.clear()
        await message.answer(refusal_text(refused.refusal))
        return
    await state.clear()
    await message.answer(
        _("↩️ The report on measure {number} is returned to {body}.").format(
            number=escape(outcome.report.number), body=escape(outcome.report.organization_name)
        ),
        reply_markup=report_keyboard_after(outcome.report),
    )


# --- /review --------------------------------------------------------------------------------


async def _review_list(
    session: AsyncSession, roles: Roles, person_id: int, timezone: str, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    waiting = await reports.reports_waiting(session, roles, person_id)
    if not waiting:
        return _("No reports are waiting for review."), None
    shown = page_of(waiting, page, REVIEW_PAGE)
    text = _(
        "{count} report is waiting for review:",
        "{count} reports are waiting for review:",
        len(waiting),
    ).format(count=len(waiting)) + page_label(shown)
    builder = InlineKeyboardBuilder()
    for item in shown.items:
        builder.button(
            text=shorten(
                f"{local_day(item.submitted_at, timezone):%d.%m} · {item.number} · "
                f"{item.organization_name}",
                BUTTON_LENGTH + 20,
            ),
            callback_data=OpenReport(report_id=item.report_id),
        )
    navigation = page_buttons(builder, shown, lambda number: ReviewPage(page=number))
    builder.adjust(*([1] * len(shown.items)), *([navigation] if navigation else []))
    return text, builder.as_markup()


async def review_command(
    message: Message, session: AsyncSession, roles: Roles, official: Official, settings: Settings
) -> None:
    if not roles.is_coordinator:
        await refuse_command(message, roles)
        return
    text, keyboard = await _review_list(
        session,
        roles,
        official.id,
        await timezone_of(session, official, settings.default_timezone),
        0,
    )
    await message.answer(text, reply_markup=keyboard)


async def review_page(
    query: CallbackQuery,
    callback_data: ReviewPage,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
) -> None:
    if not roles.is_coordinator:
        await query.answer(_("This is not available to you."), show_alert=True)
        return
    text, keyboard = await _review_list(
        session,
        roles,
        official.id,
        await timezone_of(session, official, settings.default_timezone),
        callback_data.page,
    )
    await query.answer()
    await show(query, text, keyboard)


def build_router() -> Router:
    router = Router(name=__name__)
    collecting = StateFilter(ReportInput.collecting)
    reason = StateFilter(ReviewInput.return_reason)
    router.message.register(cancel_draft_command, collecting, Command("cancel"))
    # /cancel, another command or a non-text answer while a return reason is awaited are
    # handled with the other pending inputs in handlers.coordination. A draft report stays open
    # across other commands: its attachments are not lost.
    router.message.register(drop_draft_on_import, collecting, Command("import"))
    router.message.register(review_command, Command("review"))

    router.message.register(document_added, collecting, F.document | F.photo)
    router.message.register(comment_typed, collecting, F.text & ~F.text.startswith("/"))
    router.message.register(other_content, collecting, ~F.text)
    router.message.register(file_without_draft, F.document | F.photo)
    router.message.register(reason_typed, reason, F.text)

    router.callback_query.register(start_report, ReportStart.filter())
    router.callback_query.register(start_report_for, ReportFor.filter())
    router.callback_query.register(send_report, ReportSend.filter())
    router.callback_query.register(drop_draft, ReportDrop.filter())
    router.callback_query.register(open_report, OpenReport.filter())
    router.callback_query.register(report_files, ReportFiles.filter())
    router.callback_query.register(review_pressed, ReviewReport.filter())
    router.callback_query.register(review_page, ReviewPage.filter())
    return router
