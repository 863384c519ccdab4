"""Outbox kinds and payloads of deadline requests and of announced changes of measures.

Written by bot/deadline_requests.py and bot/change_announcements.py in the transaction of the
change, rendered at send time by scheduler/change_messages.py. Each payload reads back a row
with a missing field as that field's empty value (as bot/notification_kinds.py does).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from bot.payload_fields import optional_date, optional_int
from bot.payload_fields import text as _text

__all__ = [
    "DEADLINE_DECIDED",
    "DEADLINE_REQUESTED",
    "MEASURES_CHANGED",
    "ChangeKind",
    "ChangedMeasure",
    "DeadlineDecidedNotice",
    "DeadlineRequestedNotice",
    "MeasureChangeNote",
    "MeasuresChangedNotice",
]

# To the plan's coordinators: an official asks to move a measure's deadline.
DEADLINE_REQUESTED: Final = "deadline_requested"
# To the official who asked: approved (the deadline is moved) or declined with the reason.
DEADLINE_DECIDED: Final = "deadline_decided"
# To the officials and heads of the bodies concerned: measures changed (one change set).
MEASURES_CHANGED: Final = "measures_changed"


@dataclass(frozen=True, slots=True)
class DeadlineRequestedNotice:
    change_id: int
    measure_id: int
    number: str
    title: str
    plan: str
    body: str
    person: str  # who asks
    deadline: date | None  # the current one
    requested: date
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "measure_id": self.measure_id,
            "number": self.number,
            "title": self.title,
            "plan": self.plan,
            "body": self.body,
            "person": self.person,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "requested": self.requested.isoformat(),
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeadlineRequestedNotice:
        return cls(
            change_id=int(data["change_id"]),
            measure_id=int(data["measure_id"]),
            number=_text(data, "number"),
            title=_text(data, "title"),
            plan=_text(data, "plan"),
            body=_text(data, "body"),
            person=_text(data, "person"),
            deadline=optional_date(data, "deadline"),
            requested=date.fromisoformat(data["requested"]),
            reason=_text(data, "reason"),
        )


@dataclass(frozen=True, slots=True)
class DeadlineDecidedNotice:
    measure_id: int
    number: str
    title: str
    approved: bool
    requested: date
    reason: str  # why it was declined; empty when approved
    coordinator: str

    def to_json(self) -> dict[str, Any]:
        return {
            "measure_id": self.measure_id,
            "number": self.number,
            "title": self.title,
            "approved": self.approved,
            "requested": self.requested.isoformat(),
            "reason": self.reason,
            "coordinator": self.coordinator,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeadlineDecidedNotice:
        return cls(
            measure_id=int(data["measure_id"]),
            number=_text(data, "number"),
            title=_text(data, "title"),
            approved=bool(data.get("approved")),
            requested=date.fromisoformat(data["requested"]),
            reason=_text(data, "reason"),
            coordinator=_text(data, "coordinator"),
        )


class ChangeKind(enum.StrEnum):
    DEADLINE = "deadline"  # old → new
    WORDING = "wording"  # the title or the expected result
    BODY_ADDED = "body_added"  # a body now answers for the measure
    BODY_REMOVED = "body_removed"  # a body no longer does
    INCLUDED = "included"  # a new measure of the plan (or one back in it)
    EXCLUDED = "excluded"  # excluded from the plan by a new version of it


@dataclass(frozen=True, slots=True)
class MeasureChangeNote:
    """One change of one measure, as told: dates for a deadline, a body's name for executors."""

    kind: ChangeKind
    old: date | None = None
    new: date | None = None
    body: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "old": self.old.isoformat() if self.old else None,
            "new": self.new.isoformat() if self.new else None,
            "body": self.body,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MeasureChangeNote:
        return cls(
            kind=ChangeKind(data["kind"]),
            old=optional_date(data, "old"),
            new=optional_date(data, "new"),
            body=_text(data, "body"),
        )


@dataclass(frozen=True, slots=True)
class ChangedMeasure:
    measure_id: int
    plan: str
    number: str
    title: str
    changes: tuple[MeasureChangeNote, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "measure_id": self.measure_id,
            "plan": self.plan,
            "number": self.number,
            "title": self.title,
            "changes": [change.to_json() for change in self.changes],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChangedMeasure:
        return cls(
            measure_id=int(data["measure_id"]),
            plan=_text(data, "plan"),
            number=_text(data, "number"),
            title=_text(data, "title"),
            changes=tuple(MeasureChangeNote.from_json(c) for c in data.get("changes") or ()),
        )


@dataclass(frozen=True, slots=True)
class MeasuresChangedNotice:
    """Kind MEASURES_CHANGED: one part (`part` of `parts`) of one change set for one person."""

    measures: tuple[ChangedMeasure, ...]
    total: int  # measures of the whole change set for this person
    part: int = 1
    parts: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "measures": [measure.to_json() for measure in self.measures],
            "total": self.total,
            "part": self.part,
            "parts": self.parts,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MeasuresChangedNotice:
        measures = tuple(ChangedMeasure.from_json(m) for m in data.get("measures") or ())
        return cls(
            measures=measures,
            total=optional_int(data, "total") or len(measures),
            part=optional_int(data, "part") or 1,
            parts=optional_int(data, "parts") or 1,
        )
