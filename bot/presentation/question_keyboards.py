"""A coordinator's answers to an official's question or "not ours" claim: the buttons of the
notification (scheduler/question_messages.py) and of the chat (handlers/questions.py).

The question's id in the data is never trusted: the domain checks that the person coordinates
its plan and that nobody answered it yet.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.presentation.callbacks import OpenMeasure

__all__ = ["ClaimBody", "QuestionReply", "ReplyVerb", "question_keyboard"]


class ReplyVerb(enum.StrEnum):
    ANSWER = "a"  # «Ответить» to a question
    REASSIGN = "r"  # «Передать другому органу»: grant a "not ours" claim
    KEEP = "k"  # «Оставить и ответить»: decline it, with the answer why


class QuestionReply(CallbackData, prefix="qr"):
    action: ReplyVerb
    question_id: int


class ClaimBody(CallbackData, prefix="qb"):
    """The body picked to take the measure over from the claiming body."""

    question_id: int
    organization_id: int


def question_keyboard(
    gettext: Callable[[str], str], question_id: int, measure_id: int, *, claim: bool
) -> InlineKeyboardMarkup:
    """«Ответить» for a question; «Передать другому органу» and «Оставить и ответить» for a
    claim; then the measure's card."""

    def button(text: str, data: CallbackData) -> list[InlineKeyboardButton]:
        return [InlineKeyboardButton(text=text, callback_data=data.pack())]

    if claim:
        rows = [
            button(
                gettext("Pass to another body"),
                QuestionReply(action=ReplyVerb.REASSIGN, question_id=question_id),
            ),
            button(
                gettext("Keep it and answer"),
                QuestionReply(action=ReplyVerb.KEEP, question_id=question_id),
            ),
        ]
    else:
        rows = [
            button(
                gettext("Answer"),
                QuestionReply(action=ReplyVerb.ANSWER, question_id=question_id),
            )
        ]
    rows.append(button(gettext("Measure card"), OpenMeasure(measure_id=measure_id)))
    return InlineKeyboardMarkup(inline_keyboard=rows)
