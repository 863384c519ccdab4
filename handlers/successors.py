"""An official's answer to «do you now work in the successor?» (the buttons of the question
sent by bot.successors)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import person_today
from bot.config import Settings
from bot.presentation.successor_keyboards import SuccessorReply
from bot.presentation.text_limits import shorten
from bot.successors import answer_successor_question
from handlers.replies import show
from models.tables import Official

NAME_LENGTH = 300


async def successor_answered(
    query: CallbackQuery,
    callback_data: SuccessorReply,
    session: AsyncSession,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    outcome = await answer_successor_question(
        session,
        official_id=official.id,
        body_id=callback_data.body_id,
        answer=callback_data.answer,
        admin_telegram_ids=settings.admin_ids,
        today=await person_today(session, official, now, settings.default_timezone),
        now=now,
    )
    names = {
        "body": escape(shorten(outcome.body_name, NAME_LENGTH)),
        "successor": escape(shorten(outcome.successor_name, NAME_LENGTH)),
    }
    if outcome.moved:
        text = _(
            "✓ You are now registered with «{successor}»: its measures and reminders come to you."
        )
    else:
        text = _(
            "✓ You stay registered with «{body}». The coordinators have been told that you do"
            " not work in «{successor}»."
        )
    await query.answer()
    await show(query, text.format(**names), None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(successor_answered, SuccessorReply.filter())
    return router
