"""The buttons of the requisites steps of a report draft (handlers.report_requisites): shared
by the draft's keyboard and the steps themselves."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from bot.evidence import EvidenceKind


class RequisiteAction(enum.StrEnum):
    START = "start"  # «Document requisites» on the draft
    KIND = "kind"  # a kind of document picked
    SKIP = "skip"  # the step asked is skipped
    BACK = "back"  # back to the draft


class RequisitesStep(CallbackData, prefix="rq"):
    action: RequisiteAction
    assignment_id: int
    kind: EvidenceKind | None = None
