"""The buttons of an amendment order's preview, and plan import's offer to read a file that
is an order as one (handlers/amend.py answers them)."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.conversations import StoredImport, keep_pending_import

# An order's preview in the `pending_imports` table: a plan's Confirm never takes it (its
# tokens are bare hex), nor a directory's.
TOKEN_PREFIX = "amd"


class AmendAction(enum.StrEnum):
    APPLY = "apply"
    CANCEL = "cancel"
    CHOOSE = "choose"  # the plan the order amends, chosen among several
    READ = "read"  # a file sent to /import that is an order: read it as one


class AmendDecision(CallbackData, prefix="amd"):
    """An order's preview `token`; `plan_id` the plan it amends (0: as the order names it)."""

    action: AmendAction
    token: str
    plan_id: int = 0


def is_amend_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX) and len(token) == len(TOKEN_PREFIX) + 16


def order_offer(token: str) -> tuple[str, InlineKeyboardMarkup]:
    """What plan import says of a file that is an amendment order, and its button."""
    text = _("This is an amendment order; to apply it, send /amend.")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("Go on as an amendment"),
                    callback_data=AmendDecision(action=AmendAction.READ, token=token).pack(),
                )
            ]
        ]
    )
    return text, keyboard


async def keep_as_order(
    sessionmaker: async_sessionmaker[AsyncSession],
    telegram_id: int,
    file_name: str,
    content: bytes,
    now: datetime,
) -> str:
    """Keep a file plan import found to be an order, for its «Go on as an amendment» button."""
    token = f"{TOKEN_PREFIX}{secrets.token_hex(8)}"
    async with sessionmaker() as session, session.begin():
        await keep_pending_import(
            session,
            StoredImport(
                token, telegram_id, file_name, hashlib.sha256(content).hexdigest(), content, now
            ),
        )
    return token
