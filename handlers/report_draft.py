"""An official's report: "Report" opens a draft, files, photos and text fill it, "Send the
report" sends it for review.

The official presses "Report" (on a reminder, on the card, or on a returned report), sends
files or photos and a comment, and presses "Send the report". The draft (bot.report_draft.
ReportDraft) lives in the FSM until then; nothing is stored before the report is sent.
"""

from __future__ import annotations

import contextlib
import io
import logging
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.config import Settings
from bot.evidence_wording import kind_name, requisites_text
from bot.presentation.report_keyboards import OpenReport, ReportStart
from bot.presentation.requisites_keyboards import RequisiteAction, RequisitesStep
from bot.presentation.text_limits import shorten
from bot.refusals import Refusal, Refused
from bot.report_draft import (
    MAX_DOCUMENTS,
    DocumentKind,
    DraftDocument,
    ReportDraft,
    ReportTarget,
    report_target,
    report_targets,
)
from bot.report_files import ReportLimits, check_size, file_kind
from bot.report_submission import SubmittedReport, submit_report
from handlers.refusals import refusal_text
from handlers.replies import confirm_keyboard, show
from handlers.reports import BUTTON_LENGTH, TITLE_LENGTH, reply_in_chat
from models.tables import Official

logger = logging.getLogger(__name__)

# FSM data while a draft is open: the draft, and the message that shows it last.
DRAFT = "draft"
DRAFT_MESSAGE = "draft_message_id"
DOWNLOAD_TIMEOUT = 120  # seconds to download a report file to check its content


class ReportInput(StatesGroup):
    collecting = State()
    requisite = State()  # a requisite of the proving document is asked (handlers.report_requisites)


class ReportFor(CallbackData, prefix="rf"):
    """Which of the person's bodies reports, when several execute the measure."""

    assignment_id: int


class ReportSend(CallbackData, prefix="rsd"):
    assignment_id: int


class ReportDrop(CallbackData, prefix="rdr"):
    assignment_id: int


# Refusals of a draft the person can still complete (the plan wants a file, or all requisites).
DRAFT_CAN_BE_COMPLETED = frozenset({Refusal.FILE_REQUIRED, Refusal.REQUISITES_INCOMPLETE})
DRAFT_STATES = (ReportInput.collecting.state, ReportInput.requisite.state)


# --- The draft in the FSM -----------------------------------------------------------------------


async def open_draft(state: FSMContext, assignment_id: int | None = None) -> ReportDraft | None:
    """The draft open in this chat (for this assignment, when one is named)."""
    if await state.get_state() not in DRAFT_STATES:
        return None
    stored = (await state.get_data()).get(DRAFT)
    if stored is None:
        return None
    draft = ReportDraft.from_dict(stored)
    if assignment_id is not None and draft.assignment_id != assignment_id:
        return None
    return draft


async def _draft_being_filled(state: FSMContext) -> ReportDraft:
    draft = await open_draft(state)
    assert draft is not None, "a message in the draft's state without a draft"
    return draft


async def post_draft(bot: Bot, chat_id: int, state: FSMContext, draft: ReportDraft) -> None:
    """Keep the draft, and post its state under the latest input, removing the previous copy."""
    await state.update_data({DRAFT: draft.as_dict()})
    previous = (await state.get_data()).get(DRAFT_MESSAGE)
    sent = await bot.send_message(chat_id, draft_text(draft), reply_markup=draft_keyboard(draft))
    await state.update_data({DRAFT_MESSAGE: sent.message_id})
    if previous:
        # Already gone, or too old to delete: the newer copy is what counts.
        with contextlib.suppress(TelegramAPIError):
            await bot.delete_message(chat_id, previous)


# --- How it reads -------------------------------------------------------------------------------


def _documents_lines(documents: list[DraftDocument]) -> list[str]:
    if not documents:
        return [_("Nothing attached yet.")]
    lines = [
        _("Attached: {count} of at most {limit}").format(count=len(documents), limit=MAX_DOCUMENTS)
    ]
    for document in documents:
        name = document.file_name or _("photo")
        lines.append(f"• {escape(shorten(name, 60))}")
    return lines


def draft_text(draft: ReportDraft) -> str:
    lines = [
        _("<b>Report on measure {number}</b>").format(number=escape(draft.number)),
        escape(shorten(draft.title, TITLE_LENGTH)),
        _("Body: {body}").format(body=escape(draft.organization_name)),
    ]
    if draft.result:
        lines.append(
            _("Expected document: {result}").format(
                result=escape(shorten(draft.result, TITLE_LENGTH))
            )
        )
    lines.append("")
    lines.extend(_documents_lines(draft.documents))
    lines.append(_requisites_line(draft))
    if draft.comment:
        lines.append(_("Comment: {comment}").format(comment=escape(shorten(draft.comment, 500))))
    lines.append("")
    lines.append(
        _(
            "Send the result documents as files or photos, and a comment as text if needed. "
            "Then press «Send the report»."
        )
    )
    if draft.without_file_allowed:
        lines.append(
            _(
                "This plan accepts a report without a file: give all the document's requisites "
                "and its reference in the document system."
            )
        )
    return "\n".join(lines)


def _requisites_line(draft: ReportDraft) -> str:
    if draft.requisites is not None and not draft.requisites.is_empty:
        return _("Requisites: {requisites}").format(requisites=requisites_text(draft.requisites, _))
    if draft.expected:
        kinds = ", ".join(kind_name(kind, _) for kind in draft.expected)
        return _(
            "Requisites: not given; the plan expects: {kinds} (press «Document requisites»)"
        ).format(kinds=escape(kinds))
    return _("Requisites: not given (press «Document requisites»)")


def draft_keyboard(draft: ReportDraft) -> InlineKeyboardMarkup:
    keyboard = confirm_keyboard(
        _("Send the report"),
        ReportSend(assignment_id=draft.assignment_id),
        ReportDrop(assignment_id=draft.assignment_id),
    )
    requisites = InlineKeyboardBuilder()
    requisites.button(
        text=_("Document requisites"),
        callback_data=RequisitesStep(
            action=RequisiteAction.START, assignment_id=draft.assignment_id
        ),
    )
    return InlineKeyboardMarkup(
        inline_keyboard=requisites.as_markup().inline_keyboard + keyboard.inline_keyboard
    )


def _bodies_keyboard(targets: list[ReportTarget]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for target in targets:
        builder.button(
            text=shorten(target.organization_name, BUTTON_LENGTH),
            callback_data=ReportFor(assignment_id=target.assignment_id),
        )
    builder.adjust(1)
    return builder.as_markup()


def _sent_text(submitted: SubmittedReport) -> str:
    return _(
        "✓ The report on measure {number} is sent for review ({count} documents). "
        "Reminders about it stop; you will be told when the coordinator answers."
    ).format(number=escape(submitted.target.number), count=submitted.documents)


def _sent_keyboard(submitted: SubmittedReport) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Open the report"), callback_data=OpenReport(report_id=submitted.report_id)
    )
    return builder.as_markup()


def _document_of(message: Message) -> DraftDocument:
    """The file or photo of a message (a photo's largest size)."""
    if message.document is not None:
        return DraftDocument(
            file_id=message.document.file_id,
            file_unique_id=message.document.file_unique_id,
            kind=DocumentKind.DOCUMENT,
            file_name=message.document.file_name,
            mime_type=message.document.mime_type,
            size=message.document.file_size,
        )
    assert message.photo
    largest = max(message.photo, key=lambda size: size.width * size.height)
    return DraftDocument(
        file_id=largest.file_id,
        file_unique_id=largest.file_unique_id,
        kind=DocumentKind.PHOTO,
        mime_type="image/jpeg",
        size=largest.file_size,
    )


# --- Handlers -----------------------------------------------------------------------------------


async def _begin_draft(query: CallbackQuery, state: FSMContext, target: ReportTarget) -> None:
    """Open a draft for this assignment; one already open for it is shown again, not emptied."""
    draft = await open_draft(state, target.assignment_id)
    if draft is None:
        draft = ReportDraft.for_target(target)
        await state.set_state(ReportInput.collecting)
        await state.set_data({DRAFT: draft.as_dict()})
    await query.answer()
    assert query.bot is not None
    await post_draft(query.bot, query.from_user.id, state, draft)


async def start_report(
    query: CallbackQuery,
    callback_data: ReportStart,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    targets = await report_targets(session, roles, callback_data.measure_id)
    if len(targets) == 1:
        await _begin_draft(query, state, targets[0])
        return
    await query.answer()
    await reply_in_chat(
        query,
        _("Measure {number} is assigned to several of your bodies. Which one reports?").format(
            number=escape(targets[0].number)
        ),
        _bodies_keyboard(targets),
    )


async def start_report_for(
    query: CallbackQuery,
    callback_data: ReportFor,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
) -> None:
    target = await report_target(session, roles, callback_data.assignment_id)
    await _begin_draft(query, state, target)


async def _checked_content(bot: Bot, document: DraftDocument, limits: ReportLimits) -> None:
    """Download the file (no transaction is open: fetching its path committed it) and refuse
    it unless its content is allowed. Photos are Telegram's own JPEGs: nothing to check."""
    if document.kind is DocumentKind.PHOTO:
        return
    buffer = io.BytesIO()
    try:
        await bot.download(document.file_id, destination=buffer, timeout=DOWNLOAD_TIMEOUT)
    except Exception:  # the error's text may hold the download URL, and the token in it
        logger.warning("A report file could not be downloaded to check it")
        raise Refused(Refusal.FILE_NOT_CHECKED) from None
    content = buffer.getvalue()
    check_size(len(content), (), limits)  # when Telegram did not say the size
    file_kind(content)


async def document_added(message: Message, state: FSMContext, bot: Bot, settings: Settings) -> None:
    draft = await _draft_being_filled(state)
    document = _document_of(message)
    if draft.has(document):
        await message.answer(_("This file is attached already."))
        return
    limits = ReportLimits.in_mb(settings.report_file_max_mb, settings.report_max_mb)
    draft.check_room(document, limits)  # full, or too large: refused before downloading
    await _checked_content(bot, document, limits)
    # A caption too long for the comment is left out, the file kept.
    caption_refused = draft.attach(document, message.caption, limits)
    if caption_refused is not None:
        await message.answer(refusal_text(caption_refused))
    await post_draft(bot, message.chat.id, state, draft)


async def comment_typed(message: Message, state: FSMContext, bot: Bot) -> None:
    draft = await _draft_being_filled(state)
    draft.add_comment(message.text)  # too long: refused, the draft stays as it was
    await post_draft(bot, message.chat.id, state, draft)


async def other_content(message: Message) -> None:
    await message.answer(
        _(
            "A report takes documents (PDF, Word, Excel, OpenDocument, images, ZIP, plain text), "
            "photos and a text comment; or press «Cancel»."
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


async def drop_draft(query: CallbackQuery, callback_data: ReportDrop, state: FSMContext) -> None:
    if await open_draft(state, callback_data.assignment_id) is None:
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
    draft = await open_draft(state, callback_data.assignment_id)
    if draft is None:
        await query.answer(
            _("This draft is no longer open. Press «Report» on the measure to start again."),
            show_alert=True,
        )
        return
    draft.check_complete()  # no documents yet: refused, the draft stays open to be completed
    submitted = await _submit(query, state, session, roles, official, settings, now, draft)
    logger.info(
        "Report %s on measure %s sent by official %s (%d documents, %d reviewers told)",
        submitted.report_id,
        submitted.target.measure_id,
        official.id,
        submitted.documents,
        submitted.reviewers,
    )
    await query.answer()
    await show(query, _sent_text(submitted), _sent_keyboard(submitted))


async def _submit(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
    draft: ReportDraft,
) -> SubmittedReport:
    """Send the draft; it closes whether the report is stored or refused."""
    try:
        submitted = await submit_report(
            session,
            roles,
            author_id=official.id,
            assignment_id=draft.assignment_id,
            comment=draft.comment,
            documents=draft.documents,
            now=now,
            admin_telegram_ids=settings.admin_ids,
            requisites=draft.requisites,
        )
    except Refused as refused:
        if refused.refusal in DRAFT_CAN_BE_COMPLETED:
            raise  # a file or a requisite to add: the draft stays open
        # The measure or the body's part changed since the draft opened: the draft cannot be
        # sent any more. Its message says why; the error handler answers the button.
        await state.clear()
        await show(query, refusal_text(refused), None)
        raise
    await state.clear()
    return submitted


def build_router() -> Router:
    router = Router(name=__name__)
    collecting = StateFilter(ReportInput.collecting)
    drafting = StateFilter(*DRAFT_STATES)
    router.message.register(cancel_draft_command, drafting, Command("cancel"))
    # A draft report stays open across other commands: its attachments are not lost.
    router.message.register(drop_draft_on_import, drafting, Command("import"))
    router.message.register(document_added, drafting, F.document | F.photo)
    router.message.register(comment_typed, collecting, F.text & ~F.text.startswith("/"))
    router.message.register(other_content, collecting, ~F.text)
    router.message.register(file_without_draft, F.document | F.photo)

    router.callback_query.register(start_report, ReportStart.filter())
    router.callback_query.register(start_report_for, ReportFor.filter())
    router.callback_query.register(send_report, ReportSend.filter())
    router.callback_query.register(drop_draft, ReportDrop.filter())
    return router
