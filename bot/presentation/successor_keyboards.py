"""An official's answer to «do you now work in the successor?»: the buttons of the notification
(scheduler/successor_messages.py), handled by handlers/successors.py.

The body's id in the data is never trusted: the domain checks that the body has a successor
and that the person serves the body (bot.successors.answer_successor_question).
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.successors import SuccessorAnswer

__all__ = ["SuccessorReply", "successor_keyboard"]


class SuccessorReply(CallbackData, prefix="sq"):
    answer: SuccessorAnswer
    body_id: int


def successor_keyboard(gettext: Callable[[str], str], body_id: int) -> InlineKeyboardMarkup:
    """Yes / No under the question."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=gettext("Yes, I work there now"),
                    callback_data=SuccessorReply(
                        answer=SuccessorAnswer.YES, body_id=body_id
                    ).pack(),
                ),
                InlineKeyboardButton(
                    text=gettext("No, I do not"),
                    callback_data=SuccessorReply(answer=SuccessorAnswer.NO, body_id=body_id).pack(),
                ),
            ]
        ]
    )
