"""The kinds of message the bot sends through the outbox, and the payload of each kind.

A payload is written as JSON into `notifications.payload` by the domain (the reminder scan,
reports, the blocked-recipient rule, the digest scan) and read back at send time by the kind's
renderer (scheduler.reminder_messages, scheduler.report_messages, scheduler.digest_messages,
scheduler.notifications). Each kind has one frozen dataclass here (the weekly digest's in
bot.digest_payloads, re-exported): `to_json()` gives the stored shape, `from_json()` reads a
stored row back. The stored shape is the one rows have always had, and `from_json` gives a
field missing from an older or hand-written row its empty value, so every stored row still
renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from bot.digest_payloads import DigestItem, DigestList, PlanDigest, WeeklyDigestNotice
from bot.payload_fields import optional_date as _optional_date
from bot.payload_fields import optional_int as _optional_int
from bot.payload_fields import optional_text as _optional_text
from bot.payload_fields import text as _text
from bot.reminder_policy import Audience, PointKind, ReminderPoint

__all__ = [
    "INVITATION_USED",
    "MEASURE_QUESTION",
    "NOBODY_TO_REMIND",
    "QUESTION_ANSWERED",
    "REMINDER",
    "REPORT_REVIEWED",
    "REPORT_SUBMITTED",
    "SUCCESSOR_DECLINED",
    "SUCCESSOR_QUESTION",
    "UNREACHABLE",
    "WEEKLY_DIGEST",
    "DigestItem",
    "DigestList",
    "InvitationUsedNotice",
    "MeasureQuestionNotice",
    "PlanDigest",
    "QuestionAnsweredNotice",
    "ReminderItem",
    "ReminderNotice",
    "ReportReviewedNotice",
    "ReportSubmittedNotice",
    "SuccessorDeclinedNotice",
    "SuccessorQuestionNotice",
    "UnreachableNotice",
    "WeeklyDigestNotice",
]

# Everything due for one person at one scan: their own measures, and for heads and
# coordinators the late measures of bodies (the escalation), in one digest.
REMINDER: Final = "reminder"
# To a plan's coordinators: the executors' reminders of one scan that had no one to go to
# (bodies with nobody registered), in one message. Its payload is a `ReminderNotice` whose
# items are the executors' points, each naming its body.
NOBODY_TO_REMIND: Final = "nobody_to_remind"
# To the plan's coordinators: a report waits for their review.
REPORT_SUBMITTED: Final = "report_submitted"
# To the report's author: accepted, or returned with the reason.
REPORT_REVIEWED: Final = "report_reviewed"
# To coordinators: an official blocked the bot, their bodies cannot be reached through them.
UNREACHABLE: Final = "unreachable"
# To coordinators, weekly: where each of their plans stands and what changed since the last.
WEEKLY_DIGEST: Final = "weekly_digest"
# To an invitation's maker (the administrators, for a link made from the command line): who
# used it.
INVITATION_USED: Final = "invitation_used"
# To the plan's coordinators: an official's question on a measure, or "not our measure".
MEASURE_QUESTION: Final = "measure_question"
# To the official who asked: the answer (the question quoted), or what became of the claim.
QUESTION_ANSWERED: Final = "question_answered"
# To the officials and heads of a body whose measures passed to its successor (bot.successors):
# do they now work in the successor? (Yes / No.)
SUCCESSOR_QUESTION: Final = "successor_question"
# To the coordinators of the plans concerned: a person said they do not work in the successor.
SUCCESSOR_DECLINED: Final = "successor_declined"


@dataclass(frozen=True, slots=True)
class ReminderItem:
    """One measure of a reminder: its point of the schedule for the recipient's audience."""

    measure_id: int
    plan_id: int | None
    plan: str
    number: str
    title: str
    deadline: date
    result: str | None
    body: str | None  # the body the measure is assigned to (named in an escalation)
    audience: Audience
    point: PointKind | None
    days_before: int | None
    working_days_overdue: int | None

    @classmethod
    def of_point(
        cls,
        point: ReminderPoint,
        *,
        measure_id: int,
        plan_id: int,
        plan: str,
        number: str,
        title: str,
        deadline: date,
        result: str | None,
        body: str | None,
    ) -> ReminderItem:
        return cls(
            measure_id=measure_id,
            plan_id=plan_id,
            plan=plan,
            number=number,
            title=title,
            deadline=deadline,
            result=result,
            body=body,
            audience=point.audience,
            point=point.kind,
            days_before=point.days_before,
            working_days_overdue=point.working_days_overdue,
        )

    @property
    def is_own(self) -> bool:
        """The recipient's own measure (not a body's late measure told to a head or
        coordinator)."""
        return self.audience is Audience.EXECUTOR

    def to_json(self) -> dict[str, Any]:
        return {
            "measure_id": self.measure_id,
            "plan_id": self.plan_id,
            "plan": self.plan,
            "number": self.number,
            "title": self.title,
            "deadline": self.deadline.isoformat(),
            "result": self.result,
            "body": self.body,
            "audience": self.audience.value,
            "kind": self.point.value if self.point is not None else None,
            "days_before": self.days_before,
            "working_days_overdue": self.working_days_overdue,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReminderItem:
        point = data.get("kind")
        return cls(
            measure_id=int(data["measure_id"]),
            plan_id=_optional_int(data, "plan_id"),
            plan=_text(data, "plan"),
            number=_text(data, "number"),
            title=_text(data, "title"),
            deadline=date.fromisoformat(data["deadline"]),
            result=_optional_text(data, "result"),
            body=_optional_text(data, "body"),
            audience=Audience(data["audience"]),
            point=PointKind(point) if point else None,
            days_before=_optional_int(data, "days_before"),
            working_days_overdue=_optional_int(data, "working_days_overdue"),
        )


@dataclass(frozen=True, slots=True)
class ReminderNotice:
    """Kind REMINDER: everything due for one person at one scan."""

    items: tuple[ReminderItem, ...]
    timezone: str  # the recipient's, in which "today" is counted when the message is read

    def to_json(self) -> dict[str, Any]:
        return {"items": [item.to_json() for item in self.items], "timezone": self.timezone}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReminderNotice:
        return cls(
            items=tuple(ReminderItem.from_json(item) for item in data.get("items") or ()),
            timezone=str(data.get("timezone") or "UTC"),
        )


@dataclass(frozen=True, slots=True)
class ReportSubmittedNotice:
    """Kind REPORT_SUBMITTED: a report for a coordinator's review."""

    report_id: int
    measure_id: int | None
    number: str
    title: str
    plan: str
    body: str
    person: str  # who sent it
    comment: str
    documents: int
    deadline: date | None
    # The proving document's requisites as bot.evidence.Requisites.as_dict() (None: not given).
    requisites: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        stored = {
            "report_id": self.report_id,
            "measure_id": self.measure_id,
            "number": self.number,
            "title": self.title,
            "plan": self.plan,
            "body": self.body,
            "person": self.person,
            "comment": self.comment,
            "documents": self.documents,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }
        if self.requisites:  # only where given: a report without them keeps the old shape
            stored["requisites"] = dict(self.requisites)
        return stored

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportSubmittedNotice:
        deadline = data.get("deadline")
        return cls(
            report_id=int(data["report_id"]),
            measure_id=_optional_int(data, "measure_id"),
            number=_text(data, "number"),
            title=_text(data, "title"),
            plan=_text(data, "plan"),
            body=_text(data, "body"),
            person=_text(data, "person"),
            comment=_text(data, "comment"),
            documents=int(data.get("documents") or 0),
            deadline=date.fromisoformat(deadline) if deadline else None,
            requisites=data.get("requisites") or None,
        )


@dataclass(frozen=True, slots=True)
class ReportReviewedNotice:
    """Kind REPORT_REVIEWED: the author learns their report was accepted or returned."""

    report_id: int | None
    measure_id: int
    number: str
    title: str
    body: str
    accepted: bool
    reason: str  # why it was returned; empty when accepted
    reviewer: str
    measure_done: bool  # the acceptance made the measure done

    def to_json(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "measure_id": self.measure_id,
            "number": self.number,
            "title": self.title,
            "body": self.body,
            "accepted": self.accepted,
            "reason": self.reason,
            "reviewer": self.reviewer,
            "measure_done": self.measure_done,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportReviewedNotice:
        return cls(
            report_id=_optional_int(data, "report_id"),
            measure_id=int(data["measure_id"]),
            number=_text(data, "number"),
            title=_text(data, "title"),
            body=_text(data, "body"),
            accepted=bool(data.get("accepted")),
            reason=_text(data, "reason"),
            reviewer=_text(data, "reviewer"),
            measure_done=bool(data.get("measure_done")),
        )


@dataclass(frozen=True, slots=True)
class UnreachableNotice:
    """Kind UNREACHABLE: an official blocked the bot; the bodies they serve, by name."""

    official_id: int | None
    person: str
    bodies: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"official_id": self.official_id, "person": self.person, "bodies": list(self.bodies)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UnreachableNotice:
        return cls(
            official_id=_optional_int(data, "official_id"),
            person=_text(data, "person"),
            bodies=tuple(str(body) for body in data.get("bodies") or () if body),
        )


@dataclass(frozen=True, slots=True)
class InvitationUsedNotice:
    """Kind INVITATION_USED: someone registered through the recipient's invitation."""

    invitation_id: int
    person: str  # the name they gave
    username: str | None  # their Telegram @username, if any
    role: str  # models.tables.Role value
    target: str  # the body's full name or the plan's title ("" for an administrator's link)
    uses: int  # uses counted so far, this one included
    max_uses: int
    from_command_line: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "invitation_id": self.invitation_id,
            "person": self.person,
            "username": self.username,
            "role": self.role,
            "target": self.target,
            "uses": self.uses,
            "max_uses": self.max_uses,
            "from_command_line": self.from_command_line,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InvitationUsedNotice:
        return cls(
            invitation_id=int(data.get("invitation_id") or 0),
            person=_text(data, "person"),
            username=_optional_text(data, "username"),
            role=_text(data, "role"),
            target=_text(data, "target"),
            uses=int(data.get("uses") or 0),
            max_uses=int(data.get("max_uses") or 0),
            from_command_line=bool(data.get("from_command_line")),
        )


@dataclass(frozen=True, slots=True)
class MeasureQuestionNotice:
    """Kind MEASURE_QUESTION: a question ("question") or a claim ("not_ours") for the plan's
    coordinators, with the measure's context."""

    question_id: int
    kind: str  # models.tables.QuestionKind value
    measure_id: int
    number: str
    title: str
    deadline: date | None
    plan: str
    body: str  # the asking body
    person: str  # who asks
    text: str  # the question, or the reason the measure is not the body's
    timezone: str = "UTC"  # in which the deadline's "today" is counted when it is read

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "kind": self.kind,
            "measure_id": self.measure_id,
            "number": self.number,
            "title": self.title,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "plan": self.plan,
            "body": self.body,
            "person": self.person,
            "text": self.text,
            "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MeasureQuestionNotice:
        deadline = data.get("deadline")
        return cls(
            question_id=int(data.get("question_id") or 0),
            kind=_text(data, "kind") or "question",
            measure_id=int(data.get("measure_id") or 0),
            number=_text(data, "number"),
            title=_text(data, "title"),
            deadline=date.fromisoformat(deadline) if deadline else None,
            plan=_text(data, "plan"),
            body=_text(data, "body"),
            person=_text(data, "person"),
            text=_text(data, "text"),
            timezone=_text(data, "timezone") or "UTC",
        )


@dataclass(frozen=True, slots=True)
class QuestionAnsweredNotice:
    """Kind QUESTION_ANSWERED: the official learns the answer to their question, or whether
    the measure passed to another body ("reassigned", `new_body`) or stays (`answer` says why)."""

    question_id: int
    kind: str  # models.tables.QuestionKind value
    outcome: str  # models.tables.QuestionOutcome value
    measure_id: int
    number: str
    title: str
    body: str  # the asking body
    question: str  # what they wrote, quoted
    answer: str
    coordinator: str  # who answered
    new_body: str  # the body the measure passed to ("reassigned" only)

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "kind": self.kind,
            "outcome": self.outcome,
            "measure_id": self.measure_id,
            "number": self.number,
            "title": self.title,
            "body": self.body,
            "question": self.question,
            "answer": self.answer,
            "coordinator": self.coordinator,
            "new_body": self.new_body,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuestionAnsweredNotice:
        return cls(
            question_id=int(data.get("question_id") or 0),
            kind=_text(data, "kind") or "question",
            outcome=_text(data, "outcome") or "answered",
            measure_id=int(data.get("measure_id") or 0),
            number=_text(data, "number"),
            title=_text(data, "title"),
            body=_text(data, "body"),
            question=_text(data, "question"),
            answer=_text(data, "answer"),
            coordinator=_text(data, "coordinator"),
            new_body=_text(data, "new_body"),
        )


@dataclass(frozen=True, slots=True)
class SuccessorQuestionNotice:
    """Kind SUCCESSOR_QUESTION: the old body's measures passed to its successor on `since`;
    the buttons answer for `body_id`."""

    body_id: int
    body: str
    successor_id: int
    successor: str
    since: date | None
    measures: int

    def to_json(self) -> dict[str, Any]:
        return {
            "body_id": self.body_id,
            "body": self.body,
            "successor_id": self.successor_id,
            "successor": self.successor,
            "since": self.since.isoformat() if self.since is not None else None,
            "measures": self.measures,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SuccessorQuestionNotice:
        return cls(
            body_id=int(data.get("body_id") or 0),
            body=_text(data, "body"),
            successor_id=int(data.get("successor_id") or 0),
            successor=_text(data, "successor"),
            since=_optional_date(data, "since"),
            measures=int(data.get("measures") or 0),
        )


@dataclass(frozen=True, slots=True)
class SuccessorDeclinedNotice:
    """Kind SUCCESSOR_DECLINED: `person` of the old body does not work in the successor."""

    person: str
    body: str
    successor: str
    since: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "body": self.body,
            "successor": self.successor,
            "since": self.since.isoformat() if self.since is not None else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SuccessorDeclinedNotice:
        return cls(
            person=_text(data, "person"),
            body=_text(data, "body"),
            successor=_text(data, "successor"),
            since=_optional_date(data, "since"),
        )
