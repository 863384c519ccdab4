"""A report's documents sent again to the chat of whoever may see the report."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.background import BackgroundWork
from bot.presentation.report_keyboards import ReportFiles
from bot.presentation.text_limits import shorten
from bot.report_documents import documents_to_send
from bot.report_review import ReportDocument, ReportView
from models.tables import Official

logger = logging.getLogger(__name__)

SEND_ATTEMPTS = 3


async def _send_document(
    bot: Bot, chat_id: int, view: ReportView, document: ReportDocument, caption: str
) -> None:
    """One document; flood control is waited out, so none is silently missing."""
    for _attempt in range(SEND_ATTEMPTS):
        try:
            if document.is_photo:
                await bot.send_photo(chat_id, document.file_id, caption=caption)
            else:
                await bot.send_document(chat_id, document.file_id, caption=caption)
            return
        except TelegramRetryAfter as error:
            await asyncio.sleep(error.retry_after)
        except TelegramAPIError:
            logger.exception(
                "Report %s: document %s could not be sent to %s",
                view.report_id,
                document.document_id,
                chat_id,
            )
            return


async def _send_documents(bot: Bot, chat_id: int, view: ReportView, caption: str) -> None:
    """Each document in turn, numbered."""
    for index, document in enumerate(view.documents, 1):
        label = f"{caption} ({index}/{len(view.documents)})"
        await _send_document(bot, chat_id, view, document, label)


async def report_files(
    query: CallbackQuery,
    callback_data: ReportFiles,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    bot: Bot,
    background: BackgroundWork,
) -> None:
    # One send of a report's documents to a chat at a time: repeated presses start no other.
    name = f"report-{callback_data.report_id}-documents-{query.from_user.id}"
    if background.is_running(name):
        await query.answer(_("The documents are on their way already."))
        return
    view = await documents_to_send(session, roles, official.id, callback_data.report_id)
    caption = escape(f"{view.number.rstrip('.')} — {shorten(view.organization_name, 60)}")
    # Sent outside the update, so its transaction is not held while files go out.
    started = background.start_once(
        _send_documents(bot, query.from_user.id, view, caption), name=name
    )
    if started is None:
        await query.answer(_("The documents are on their way already."))
        return
    await query.answer(_("Sending the documents…"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(report_files, ReportFiles.filter())
    return router
