"""What an executing body's person can ask the coordinators about a measure, from its card or a
reminder: a new deadline, a question, or "not our measure".

Presentation, shared by chat replies (handlers/) and notifications (scheduler/): the buttons
and their callback data. Each request's router filters on `OfficialRequest.filter(F.kind == …)`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.presentation.buttons import data_button

__all__ = ["OfficialRequest", "RequestKind", "official_request_rows"]


class RequestKind(enum.StrEnum):
    DEADLINE = "d"  # «Перенести срок»
    QUESTION = "q"  # «Вопрос координатору»
    NOT_OURS = "n"  # «Не наше мероприятие»


class OfficialRequest(CallbackData, prefix="oq"):
    """An official starts a request on a measure (their body is re-checked: never trusted)."""

    kind: RequestKind
    measure_id: int


def official_request_rows(
    gettext: Callable[[str], str], measure_id: int
) -> list[list[InlineKeyboardButton]]:
    """The three requests, for a person of a body that executes the measure while it is open."""

    def button(text: str, kind: RequestKind) -> InlineKeyboardButton:
        return data_button(text, OfficialRequest(kind=kind, measure_id=measure_id).pack())

    return [
        [
            button(gettext("Move the deadline"), RequestKind.DEADLINE),
            button(gettext("Ask the coordinator"), RequestKind.QUESTION),
        ],
        [button(gettext("Not our measure"), RequestKind.NOT_OURS)],
    ]
