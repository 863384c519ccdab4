"""Applying an amendment order in the chat: the coordinator sends /amend and the order's file
(or the file with /amend as its caption); the bot reads it in the background, shows what it
would change and what it cannot apply, and applies it on Apply. Nothing is stored before.

The file waits in the `pending_imports` table under a token of its own kind (`TOKEN_PREFIX`):
a plan's Confirm never takes it, and Apply takes no other preview.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.access import Roles, require_coordinator
from bot.amendments import files
from bot.amendments.applying import AmendmentPreview, apply_order, preview_order
from bot.amendments.order import AmendmentOrder
from bot.amendments.wording import preview_lines
from bot.background import BackgroundWork
from bot.clock import person_today
from bot.config import Settings
from bot.plan_import.pending import PENDING_LIFETIME
from bot.presentation.text_limits import BUTTON_TEXT_LIMIT, pack, shorten, split_plain
from bot.refusals import Refused
from handlers.amend_offer import TOKEN_PREFIX, AmendAction, AmendDecision, is_amend_token
from handlers.plan_import import too_large_text
from handlers.refusals import refusal_text
from handlers.replies import show
from models.conversations import (
    StoredImport,
    drop_pending_import,
    forget_imports_before,
    keep_pending_import,
    pending_import,
)
from models.tables import Official

logger = logging.getLogger(__name__)

LINE_PIECE = 3000  # a preview line longer than this is split, never cut
CHOICES_SHOWN = 20  # plans offered as buttons when the order names none of them


class AmendFile(StatesGroup):
    file = State()


async def ask_for_order(
    message: Message,
    roles: Roles,
    state: FSMContext,
    bot: Bot,
    settings: Settings,
    background: BackgroundWork,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    """/amend: the order's file comes next (or came with the command as its caption)."""
    require_coordinator(roles)
    if message.document is not None:
        await receive_order(message, roles, state, bot, settings, background, sessionmaker, now)
        return
    await state.set_state(AmendFile.file)
    await message.answer(
        _(
            "Send me the amendment order as a file: Word (.docx) or text (.txt, a PDF's text "
            "copy). I will show what it changes in the plan before applying anything; /cancel "
            "to stop."
        )
    )


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a background reading needs (the update that brought the file is over by then)."""

    bot: Bot
    sessionmaker: async_sessionmaker[AsyncSession]
    roles: Roles
    telegram_id: int
    chat_id: int
    now: datetime


async def receive_order(
    message: Message,
    roles: Roles,
    state: FSMContext,
    bot: Bot,
    settings: Settings,
    background: BackgroundWork,
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
) -> None:
    require_coordinator(roles)
    await state.clear()
    document = message.document
    assert document is not None and message.from_user is not None
    too_large = too_large_text(document.file_size, settings)
    if too_large is not None:
        await message.answer(too_large)
        return
    status = await message.answer(
        _("Reading «{name}»…").format(name=escape(document.file_name or "file"))
    )
    reading = _Reading(bot, sessionmaker, roles, message.from_user.id, message.chat.id, now)
    # Read outside this update, so that its transaction ends now.
    background.start(
        _download_and_preview(reading, document, status),
        name=f"amend-preview-{message.chat.id}-{message.message_id}",
    )


async def _download_and_preview(reading: _Reading, document: Document, status: Message) -> None:
    try:
        buffer = io.BytesIO()
        await reading.bot.download(document, destination=buffer)
        content = buffer.getvalue()
    except TelegramAPIError:
        logger.exception("Download of an order by user %s failed", reading.telegram_id)
        await status.edit_text(_("Sorry, the file could not be downloaded; nothing was saved."))
        return
    token = f"{TOKEN_PREFIX}{secrets.token_hex(8)}"
    file_name = document.file_name or "order"
    async with reading.sessionmaker() as session, session.begin():
        await forget_imports_before(session, reading.now - PENDING_LIFETIME)
        await keep_pending_import(
            session,
            StoredImport(
                token,
                reading.telegram_id,
                file_name,
                hashlib.sha256(content).hexdigest(),
                content,
                reading.now,
            ),
        )
    await _preview_stored(reading, token, content, file_name, status)


async def _preview_stored(
    reading: _Reading, token: str, content: bytes, file_name: str, status: Message
) -> None:
    """Read the kept file and show its preview, with the buttons under its last part."""
    try:
        order = await asyncio.to_thread(files.read_order_file, content, file_name)
    except files.OrderNotRead as failure:
        await status.edit_text(
            _("«{name}» was not read as an amendment order ({reason}); nothing was saved.").format(
                name=escape(file_name), reason=escape(failure.reason)
            )
        )
        return
    except Exception:
        logger.exception("Reading of an order by user %s failed", reading.telegram_id)
        await status.edit_text(
            _("Sorry, something went wrong while reading «{name}»; nothing was saved.").format(
                name=escape(file_name)
            )
        )
        return
    try:
        async with reading.sessionmaker() as session:
            preview = await preview_order(
                session, reading.roles, order, plan_id=None, today=reading.now.date()
            )
    except Refused as refused:
        await _forget(reading, token)
        await status.edit_text(refusal_text(refused))
        return
    except Exception:
        logger.exception("The preview of an order for user %s failed", reading.telegram_id)
        await _forget(reading, token)
        await status.edit_text(
            _("Sorry, something went wrong while reading «{name}»; nothing was saved.").format(
                name=escape(file_name)
            )
        )
        return
    await _show_preview(
        preview,
        token,
        lambda text, markup: status.edit_text(text, reply_markup=markup),
        lambda text, markup: reading.bot.send_message(reading.chat_id, text, reply_markup=markup),
    )


async def _show_preview(
    preview: AmendmentPreview,
    token: str,
    edit: Callable[[str, InlineKeyboardMarkup | None], Awaitable[object]],
    send: Callable[[str, InlineKeyboardMarkup | None], Awaitable[object]],
) -> None:
    """The preview in reading order: its first part in the message `edit` changes, the rest
    sent below it, the buttons under the last part."""
    first, *rest = preview_texts(preview)
    keyboard = decision_keyboard(token, preview)
    await edit(first, None if rest else keyboard)
    for number, text in enumerate(rest, start=1):
        await send(text, keyboard if number == len(rest) else None)


async def _forget(reading: _Reading, token: str) -> None:
    """Drop a kept order whose preview could not be shown (nothing waits for its buttons)."""
    async with reading.sessionmaker() as session, session.begin():
        await drop_pending_import(session, token)


def preview_texts(preview: AmendmentPreview) -> list[str]:
    """The preview in as many messages as it takes: every line whole (a very long one split
    between words), none cut."""
    blocks = [
        escape(piece)
        for line in preview_lines(preview, _)
        for piece in split_plain(line, LINE_PIECE)
    ]
    blocks[0] = f"<b>{blocks[0]}</b>"
    return pack(blocks, separator="\n")


def decision_keyboard(token: str, preview: AmendmentPreview) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if preview.needs_choice:
        for choice in preview.candidates[:CHOICES_SHOWN]:
            rows.append(
                [
                    InlineKeyboardButton(
                        text=shorten(choice.title, BUTTON_TEXT_LIMIT),
                        callback_data=AmendDecision(
                            action=AmendAction.CHOOSE, token=token, plan_id=choice.plan_id
                        ).pack(),
                    )
                ]
            )
    elif preview.applied_before is None and preview.anything:
        plan_id = preview.plan.plan_id if preview.plan else 0
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("Apply the order"),
                    callback_data=AmendDecision(
                        action=AmendAction.APPLY, token=token, plan_id=plan_id
                    ).pack(),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                text=_("Cancel"),
                callback_data=AmendDecision(action=AmendAction.CANCEL, token=token).pack(),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _stored_order(
    session: AsyncSession, token: str, telegram_id: int, now: datetime
) -> tuple[StoredImport, AmendmentOrder] | None:
    if not is_amend_token(token):
        return None  # a plan's or a directory's preview: never an order's
    stored = await pending_import(session, token, telegram_id, now - PENDING_LIFETIME)
    if stored is None:
        return None
    try:
        order = await asyncio.to_thread(
            files.read_order_file, stored.content, stored.file_name or "order"
        )
    except files.OrderNotRead:
        return None
    return stored, order


async def _expired(query: CallbackQuery) -> None:
    await query.answer(
        _("This preview has expired or is not yours. Send the file again."), show_alert=True
    )


async def decide(
    query: CallbackQuery,
    callback_data: AmendDecision,
    session: AsyncSession,
    official: Official,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    require_coordinator(roles)
    token = callback_data.token
    if callback_data.action is AmendAction.CANCEL:
        # Only the person who sent the order cancels it.
        kept = is_amend_token(token) and await pending_import(
            session, token, query.from_user.id, now - PENDING_LIFETIME
        )
        if not kept or not await drop_pending_import(session, token):
            await _expired(query)
            return
        await query.answer()
        await show(query, _("Cancelled: nothing was saved."), None)
        return
    found = await _stored_order(session, token, query.from_user.id, now)
    if found is None:
        await _expired(query)
        return
    stored, order = found
    plan_id = callback_data.plan_id or None
    if callback_data.action in (AmendAction.CHOOSE, AmendAction.READ):
        preview = await preview_order(session, roles, order, plan_id=plan_id, today=now.date())
        await query.answer()
        await _show_preview(
            preview,
            token,
            lambda text, markup: show(query, text, markup),
            lambda text, markup: query.bot.send_message(
                query.from_user.id, text, reply_markup=markup
            ),
        )
        return
    today = await person_today(session, official, now, settings.default_timezone)
    applied = await apply_order(
        session,
        roles,
        order,
        plan_id=plan_id,
        actor_id=official.id,
        today=today,
        now=now,
        file_name=stored.file_name,
    )
    await drop_pending_import(session, token)
    await query.answer(_("Applied.") if applied.changed else None)
    if not applied.changed:
        lines = preview_lines(applied.preview, _)
        await show(query, escape("\n".join(lines[-1:])), None)
        return
    await show(
        query,
        _(
            "✓ The order is applied: changes {changes}, bodies passed to successors "
            "{successors}, new appendices {appendices}."
        ).format(
            changes=len(applied.preview.changes),
            successors=sum(1 for passed in applied.successions if passed.changed),
            appendices=len(applied.appendix_plans),
        ),
        None,
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_for_order, Command("amend"))
    router.message.register(receive_order, StateFilter(AmendFile.file), F.document)
    router.callback_query.register(decide, AmendDecision.filter())
    return router
