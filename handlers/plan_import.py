"""Loading a plan in the chat: the coordinator sends the file, checks the preview, confirms."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import io
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Document,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.access import Roles, can_change_directory
from bot.amendments import files
from bot.background import BackgroundWork
from bot.clock import person_today
from bot.config import Settings
from bot.plan_import import messages
from bot.plan_import.body_directory import NameDifference, name_differences
from bot.plan_import.groups import GroupUse, groups_in_file
from bot.plan_import.importing import can_import, file_digest, import_for, summarise
from bot.plan_import.model import ImportFailure, ImportResult
from bot.plan_import.pending import PendingImport, PendingImports
from bot.plan_import.queue import ImportQueue, Place
from bot.plan_import.reading import read_plan
from bot.plan_import.store import PlanNotYours, StoreReport
from bot.presentation.commands import Audience
from bot.presentation.menus import set_personal_menu
from bot.presentation.text_limits import shorten
from handlers.amend_offer import keep_as_order, order_offer
from handlers.plan_import_texts import (
    PLAN_TITLE_LENGTH,
    WARNINGS_SHOWN,
    NamesInFile,
    render_changes,
    render_preview,
    render_warnings_file,
)
from handlers.replies import confirm_keyboard
from models.tables import Official

logger = logging.getLogger(__name__)

# Telegram's cloud API lets bots download up to 20 MB; a local Bot API server lifts that.
CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024
IMPORT_SIZE_LIMIT = 50 * 1024 * 1024
PROGRESS_INTERVAL = 1.5  # seconds between edits of the progress message


class ImportAction(enum.StrEnum):
    SAVE = "save"
    CANCEL = "cancel"


class ImportDecision(CallbackData, prefix="imp"):
    """Save or cancel the preview `token`; one handler per `ImportAction`."""

    action: ImportAction
    token: str


def decision_keyboard(token: str) -> InlineKeyboardMarkup:
    return confirm_keyboard(
        _("Save the plan"),
        ImportDecision(action=ImportAction.SAVE, token=token),
        ImportDecision(action=ImportAction.CANCEL, token=token),
    )


async def ask_for_file(message: Message, roles: Roles) -> None:
    if not can_import(roles):
        await message.answer(_("Only coordinators can load plans."))
        return
    await message.answer(
        _(
            "Send me the plan as a file: Word (.docx), Excel (.xlsx), CSV or text. "
            "I will show what I understood before saving anything."
        )
    )


def too_large_text(file_size: int | None, settings: Settings) -> str | None:
    """Why a file cannot be loaded for its size (the cloud Bot API downloads at most 20 MB)."""
    limit = IMPORT_SIZE_LIMIT if settings.telegram_api_url else CLOUD_DOWNLOAD_LIMIT
    if file_size is None or file_size <= limit:
        return None
    return _("The file is too large: {size} MB, at most {limit} MB can be loaded.").format(
        size=round(file_size / 1024 / 1024, 1), limit=limit // 1024 // 1024
    )


async def receive_file(
    message: Message,
    roles: Roles,
    bot: Bot,
    settings: Settings,
    pending_imports: PendingImports,
    import_queue: ImportQueue,
    background: BackgroundWork,
    i18n: I18n,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    if not can_import(roles):
        await message.answer(_("Only coordinators can load plans."))
        return
    document = message.document
    assert document is not None and message.from_user is not None
    too_large = too_large_text(document.file_size, settings)
    if too_large is not None:
        await message.answer(too_large)
        return
    place = import_queue.enter(message.from_user.id)
    try:
        status = await message.answer(_waiting_text(document.file_name or "file", place.ahead))
    except BaseException:
        # Nothing was sent: the update fails, or is handled again (a locked database) and
        # takes a new place; this one must not stay taken.
        import_queue.leave(place)
        raise
    # Reading a large plan takes seconds: done outside this update, so that its transaction
    # ends now and nobody else waits for it.
    names = StoredNames(sessionmaker, applied=can_change_directory(roles))
    background.start(
        read_in_turn(bot, message, status, pending_imports, i18n, import_queue, place, names),
        name=f"import-preview-{message.chat.id}-{message.message_id}",
    )


def _waiting_text(file_name: str, ahead: int) -> str:
    if not ahead:
        return _("Reading «{name}»…").format(name=escape(file_name))
    return _(
        "«{name}» is queued: {count} file is ahead of it. I will read it in turn.",
        "«{name}» is queued: {count} files are ahead of it. I will read it in turn.",
        ahead,
    ).format(name=escape(file_name), count=ahead)


async def read_in_turn(
    bot: Bot,
    message: Message,
    status: Message,
    pending_imports: PendingImports,
    i18n: I18n,
    import_queue: ImportQueue,
    place: Place,
    names: StoredNames,
) -> None:
    """Wait for the file's turn (downloading nothing before it), then read it."""
    async with import_queue.turn(place):
        if place.ahead:
            with contextlib.suppress(TelegramAPIError):
                await status.edit_text(_waiting_text(_file_name(message), 0))
        await read_and_preview(bot, message, status, pending_imports, i18n, names)


@dataclass(frozen=True, slots=True)
class StoredNames:
    """How the preview learns which stored bodies the file names otherwise (read in a session
    of its own: the update that brought the file is over), and whether saving would apply the
    file's names (an administrator's import) or keep the stored ones."""

    sessionmaker: async_sessionmaker[AsyncSession]
    applied: bool

    async def differences(self, result: ImportResult) -> list[NameDifference]:
        async with self.sessionmaker() as session:
            return await name_differences(session, result)

    async def groups(self, result: ImportResult) -> list[GroupUse]:
        """The file's collective executors and the directory groups they expand into."""
        async with self.sessionmaker() as session:
            return await groups_in_file(session, result)


def _file_name(message: Message) -> str:
    return (message.document.file_name if message.document else None) or "file"


class ProgressMessage:
    """Edits one message with the reading progress, at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, status: Message, file_name: str) -> None:
        self.status = status
        self.file_name = file_name
        self.fraction = 0.0
        self.shown = -1
        self.last_edit = time.monotonic()

    def report(self, _stage: str, done: int, total: int) -> None:
        """Called from the reading thread."""
        if total > 0:
            self.fraction = min(done / total, 1.0)

    async def refresh(self) -> None:
        percent = int(self.fraction * 100)
        if percent == self.shown or time.monotonic() - self.last_edit < PROGRESS_INTERVAL:
            return
        self.shown, self.last_edit = percent, time.monotonic()
        text = _("Reading «{name}»: {percent}%").format(
            name=escape(self.file_name), percent=percent
        )
        # "message is not modified" and the like: progress is best effort.
        with contextlib.suppress(TelegramBadRequest):
            await self.status.edit_text(text)


async def read_and_preview(
    bot: Bot,
    message: Message,
    status: Message,
    pending_imports: PendingImports,
    i18n: I18n,
    names: StoredNames,
) -> None:
    document = message.document
    assert document is not None and message.from_user is not None
    file_name = document.file_name or "file"
    try:
        content = await _download(bot, document)
        if files.looks_like_order_file(content, file_name):
            # An amendment order is applied to its plan, not loaded as a plan of its own.
            token = await keep_as_order(
                names.sessionmaker,
                message.from_user.id,
                file_name,
                content,
                pending_imports.clock(),
            )
            text, keyboard = order_offer(token)
            await status.edit_text(text, reply_markup=keyboard)
            return
        result = await _read_with_progress(content, file_name, status)
        differences = await names.differences(result)
        groups = await names.groups(result)
    except ImportFailure as failure:
        logger.info("Import of a file by user %s refused: %s", message.from_user.id, failure)
        await status.edit_text(
            _("I could not load «{name}»: {reason}").format(
                name=escape(file_name), reason=escape(messages.render_failure(failure, _))
            )
        )
        return
    except Exception:
        logger.exception("Import of a file by user %s failed", message.from_user.id)
        await status.edit_text(
            _("Sorry, something went wrong while reading «{name}»; nothing was saved.").format(
                name=escape(file_name)
            )
        )
        return
    token = await pending_imports.add(
        message.from_user.id, file_name, file_digest(content), content
    )
    texts = render_preview(
        summarise(result),
        result,
        file_name,
        i18n.current_locale,
        NamesInFile(differences, names.applied),
        groups,
    )
    await _send_preview(message, status, texts, decision_keyboard(token))
    if len(result.warnings) > WARNINGS_SHOWN:
        await message.answer_document(
            BufferedInputFile(render_warnings_file(result).encode("utf-8"), "warnings.txt"),
            caption=_("All {count} warning.", "All {count} warnings.", len(result.warnings)).format(
                count=len(result.warnings)
            ),
        )


async def _download(bot: Bot, document: Document) -> bytes:
    buffer = io.BytesIO()
    await bot.download(document, destination=buffer)
    return buffer.getvalue()


async def _read_with_progress(content: bytes, file_name: str, status: Message) -> ImportResult:
    """Read the plan in a thread, showing the progress in the `status` message."""
    progress = ProgressMessage(status, file_name)
    reading = asyncio.create_task(
        asyncio.to_thread(read_plan, content, file_name, progress=progress.report)
    )
    while not reading.done():
        await asyncio.wait({reading}, timeout=PROGRESS_INTERVAL)
        await progress.refresh()
    return reading.result()


async def _send_preview(
    message: Message, status: Message, texts: list[str], keyboard: InlineKeyboardMarkup
) -> None:
    """The preview in the status message (and more messages if it takes them); the question
    and its buttons come last, under everything the preview says."""
    *first, last = texts
    if first:
        await status.edit_text(first[0])
        for text in first[1:]:
            await message.answer(text)
        await message.answer(last, reply_markup=keyboard)
    else:
        await status.edit_text(last, reply_markup=keyboard)


async def _expired(query: CallbackQuery) -> None:
    """The preview the button belongs to is gone (expired, used, or someone else's)."""
    await query.answer(
        _("This preview has expired or is not yours. Send the file again."), show_alert=True
    )
    await _drop_keyboard(query)


async def cancel(
    query: CallbackQuery,
    callback_data: ImportDecision,
    session: AsyncSession,
    pending_imports: PendingImports,
    now: datetime,
) -> None:
    if not await pending_imports.discard(session, callback_data.token, query.from_user.id, now):
        await _expired(query)
        return
    await query.answer()
    await _finish(query, [_("Cancelled: nothing was saved.")])


async def save(
    query: CallbackQuery,
    callback_data: ImportDecision,
    session: AsyncSession,
    official: Official,
    roles: Roles,
    pending_imports: PendingImports,
    bot: Bot,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    pending = await pending_imports.take(session, callback_data.token, query.from_user.id, now)
    if pending is None:
        await _expired(query)
        return
    if not can_import(roles):
        await query.answer(_("Only coordinators can load plans."), show_alert=True)
        return
    try:
        today = await person_today(session, official, now, settings.default_timezone)
        report = await _store(session, pending, official, roles, today, now, settings.data_dir)
    except PlanNotYours as refusal:
        logger.info("Import by person %s refused: not a coordinator of that plan", official.id)
        await _say_not_yours(query, refusal.title)
        return
    await query.answer(_("Saved."))
    await _finish(query, render_changes(report))
    if any(plan.created for plan in report.plans):
        audience = Audience.ADMINISTRATOR if roles.is_admin else Audience.COORDINATOR
        await set_personal_menu(bot, i18n, query.from_user.id, audience, i18n.current_locale)


async def _say_not_yours(query: CallbackQuery, title: str) -> None:
    text = _("«{title}» is coordinated by someone else; nothing was saved.")
    await query.answer(text.format(title=shorten(title, 100)), show_alert=True)
    await _finish(query, [text.format(title=escape(shorten(title, PLAN_TITLE_LENGTH)))])


async def _store(
    session: AsyncSession,
    pending: PendingImport,
    official: Official,
    roles: Roles,
    today: date,
    now: datetime,
    data_dir: Path,
) -> StoreReport:
    """Store inside a savepoint: a refusal (PlanNotYours) leaves nothing half-written."""
    async with session.begin_nested():
        return await import_for(
            session,
            pending.result,
            importer_id=official.id,
            roles=roles,
            file_name=pending.file_name,
            content=pending.content,
            today=today,
            now=now,
            data_dir=data_dir,
        )


async def _finish(query: CallbackQuery, texts: list[str]) -> None:
    """The first text replaces the preview's question; the others follow it."""
    if not isinstance(query.message, Message):
        return
    first, *rest = texts
    try:
        await query.message.edit_text(first, reply_markup=None)
    except TelegramAPIError:
        await query.message.answer(first)
    for text in rest:
        await query.message.answer(text)


async def _drop_keyboard(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        with contextlib.suppress(TelegramAPIError):
            await query.message.edit_reply_markup(reply_markup=None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_for_file, Command("import"))
    router.message.register(receive_file, F.document)
    router.callback_query.register(save, ImportDecision.filter(F.action == ImportAction.SAVE))
    router.callback_query.register(cancel, ImportDecision.filter(F.action == ImportAction.CANCEL))
    return router
