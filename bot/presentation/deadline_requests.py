"""The buttons of a deadline request: the official's quick dates, the coordinator's decision.

Shared by chat replies (handlers/deadline_requests.py) and the coordinators' notification
(scheduler/change_messages.py). Callback data carries ids only; every press is re-checked.
"""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from bot.deadline_requests import QuickDate

__all__ = ["DeadlineChoice", "DeadlineDecision", "Decision", "QuickDate"]


class DeadlineChoice(CallbackData, prefix="dqd"):
    """The official picks one of the quick dates for the measure's new deadline."""

    measure_id: int
    choice: QuickDate


class Decision(enum.StrEnum):
    APPROVE = "a"
    DECLINE = "d"


class DeadlineDecision(CallbackData, prefix="dqx"):
    """A coordinator approves or declines a deadline request (a DeadlineChange's id)."""

    action: Decision
    change_id: int
