"""What an official may report on, and the report they are putting together.

An official or head of a body assigned to a measure reports on it while the body's assignment
is open (in progress, or returned) and the measure is live. The draft (documents and a comment)
is kept by the chat until it is sent; nothing is stored before that (see bot.report_submission).

Every function re-checks who asks and that the assignment belongs to them: nothing that arrives
in callback data is trusted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.evidence import EvidenceKind, Requisites, expected_kinds
from bot.refusals import Refusal, Refused
from bot.report_files import ReportLimits, check_size
from models.prepared import prepared
from models.queries import (
    OPEN_STATUSES,
    active_assignment,
    live_plan,
    one_of,
    open_measure,
    plain_rows,
)
from models.tables import Assignment, AssignmentStatus, Measure, Organization, Plan

MAX_DOCUMENTS = 10
MAX_COMMENT_LENGTH = 2000


# --- Pure rules -----------------------------------------------------------------------------


def refusal_to_report(
    status: AssignmentStatus, *, measure_removed: bool, measure_done: bool
) -> Refusal | None:
    """Why a body's assignment cannot take a report now (None: it can)."""
    if measure_removed:
        return Refusal.MEASURE_REMOVED
    if measure_done:
        return Refusal.MEASURE_DONE
    if status is AssignmentStatus.SUBMITTED:
        return Refusal.UNDER_REVIEW
    if status is AssignmentStatus.ACCEPTED:
        return Refusal.ACCEPTED
    return None


def move_assignment(
    assignment: Assignment, status: AssignmentStatus, now: datetime
) -> AssignmentStatus:
    """Give a body's assignment a new status as of `now`; the status it had."""
    previous = assignment.status
    assignment.status = status
    assignment.status_changed_at = now
    return previous


def clean_comment(text: str | None) -> str | None:
    """A comment as stored: stripped, None when empty; refused when too long."""
    comment = (text or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise Refused(Refusal.COMMENT_TOO_LONG, limit=MAX_COMMENT_LENGTH)
    return comment or None


def add_to_comment(comment: str | None, text: str | None) -> str | None:
    """A comment typed in several messages is kept whole, one message per line."""
    added = (text or "").strip()
    return clean_comment(f"{comment}\n{added}" if comment and added else comment or added)


# --- The draft ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportTarget:
    """A body's assignment that a report is for."""

    assignment_id: int
    measure_id: int
    plan_id: int
    plan_title: str
    number: str
    title: str
    result: str | None
    deadline: date | None
    organization_id: int
    organization_name: str
    # The plan accepts the document's requisites and its document-system reference without a
    # file (a coordinator's setting).
    requisites_without_file: bool = False


class DocumentKind(enum.StrEnum):
    """How Telegram sent a file: it gives the file back only by the method it came with."""

    DOCUMENT = "document"
    PHOTO = "photo"


@dataclass(frozen=True, slots=True)
class DraftDocument:
    """A file or photo an official sent for a report, known to Telegram by its file id."""

    file_id: str
    file_unique_id: str
    kind: DocumentKind
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> DraftDocument:
        return cls(
            file_id=str(stored["file_id"]),
            file_unique_id=str(stored["file_unique_id"]),
            kind=DocumentKind(stored.get("kind") or DocumentKind.DOCUMENT),
            file_name=stored.get("file_name"),
            mime_type=stored.get("mime_type"),
            size=stored.get("size"),
        )


@dataclass(slots=True)
class ReportDraft:
    """A report being put together in the chat: what it is for, its documents and comment.

    Kept between messages as a plain dict (`as_dict` / `from_dict`)."""

    assignment_id: int
    measure_id: int
    number: str
    title: str
    organization_name: str
    result: str | None = None
    documents: list[DraftDocument] = field(default_factory=list)
    comment: str | None = None
    requisites: Requisites | None = None
    # As the plan said when the draft opened; the sending checks the plan again.
    without_file_allowed: bool = False

    @classmethod
    def for_target(cls, target: ReportTarget) -> ReportDraft:
        return cls(
            assignment_id=target.assignment_id,
            measure_id=target.measure_id,
            number=target.number,
            title=target.title,
            organization_name=target.organization_name,
            result=target.result,
            without_file_allowed=target.requisites_without_file,
        )

    @property
    def expected(self) -> tuple[EvidenceKind, ...]:
        """The kinds of document the measure's result names."""
        return expected_kinds(self.result)

    def as_dict(self) -> dict[str, Any]:
        stored = asdict(self)
        stored["documents"] = [document.as_dict() for document in self.documents]
        stored["requisites"] = self.requisites.as_dict() if self.requisites else None
        return stored

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> ReportDraft:
        return cls(
            assignment_id=int(stored["assignment_id"]),
            measure_id=int(stored["measure_id"]),
            number=str(stored["number"]),
            title=str(stored["title"]),
            organization_name=str(stored["organization_name"]),
            result=stored.get("result"),
            documents=[DraftDocument.from_dict(item) for item in stored.get("documents", [])],
            comment=stored.get("comment"),
            requisites=Requisites.from_dict(stored.get("requisites")),
            without_file_allowed=bool(stored.get("without_file_allowed")),
        )

    def has(self, document: DraftDocument) -> bool:
        return any(mine.file_unique_id == document.file_unique_id for mine in self.documents)

    def check_room(self, document: DraftDocument, limits: ReportLimits | None = None) -> None:
        """Refused when the draft is full, or the document too large for it (`limits`)."""
        if len(self.documents) >= MAX_DOCUMENTS:
            raise Refused(Refusal.TOO_MANY_DOCUMENTS, count=MAX_DOCUMENTS)
        if limits is not None:
            check_size(document.size, (mine.size for mine in self.documents), limits)

    def attach(
        self,
        document: DraftDocument,
        caption: str | None = None,
        limits: ReportLimits | None = None,
    ) -> Refused | None:
        """Add a document not attached yet, and its caption to the comment.

        Raises `Refused` when the draft is full or the document too large (`check_room`). A
        caption that would make the comment too long is left out and its refusal returned: the
        document is kept."""
        self.check_room(document, limits)
        self.documents.append(document)
        if caption and caption.strip():
            try:
                self.add_comment(caption)
            except Refused as refused:
                return refused
        return None

    def add_comment(self, text: str | None) -> None:
        self.comment = add_to_comment(self.comment, text)

    def check_complete(self) -> None:
        """Refused when the draft cannot be sent as it is (the person can still fix it)."""
        if not self.documents and (self.requisites is None or self.requisites.is_empty):
            raise Refused(Refusal.NO_DOCUMENTS)
        if len(self.documents) > MAX_DOCUMENTS:
            raise Refused(Refusal.TOO_MANY_DOCUMENTS, count=MAX_DOCUMENTS)
        clean_comment(self.comment)


# --- What an official reports on ----------------------------------------------------------------


async def _assignments_of(
    session: AsyncSession, roles: Roles, *, measure_id: int | None, assignment_id: int | None
) -> list[tuple[Assignment, Measure, Plan, Organization]]:
    statement = (
        select(Assignment, Measure, Plan, Organization)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(
            active_assignment(),
            Assignment.organization_id.in_(sorted(roles.organization_ids)),
            live_plan(),
        )
        .order_by(Assignment.is_lead.desc(), Assignment.position, Assignment.id)
    )
    if measure_id is not None:
        statement = statement.where(Assignment.measure_id == measure_id)
    if assignment_id is not None:
        statement = statement.where(Assignment.id == assignment_id)
    return [tuple(row) for row in await session.execute(statement)]  # type: ignore[misc]


def _target(
    assignment: Assignment, measure: Measure, plan: Plan, body: Organization
) -> ReportTarget:
    return ReportTarget(
        assignment_id=assignment.id,
        measure_id=measure.id,
        plan_id=plan.id,
        plan_title=plan.title,
        number=measure.number,
        title=measure.title,
        result=measure.result,
        deadline=measure.deadline,
        organization_id=body.id,
        organization_name=body.short_name or body.full_name,
        requisites_without_file=plan.requisites_without_file,
    )


def _reportable(
    rows: Sequence[tuple[Assignment, Measure, Plan, Organization]],
) -> list[ReportTarget]:
    if not rows:
        raise Refused(Refusal.NOT_AVAILABLE)
    targets = []
    refusals = []
    for assignment, measure, plan, body in rows:
        refusal = refusal_to_report(
            assignment.status,
            measure_removed=measure.removed_at is not None,
            measure_done=measure.done_on is not None,
        )
        if refusal is None:
            targets.append(_target(assignment, measure, plan, body))
        else:
            refusals.append(refusal)
    if not targets:
        raise Refused(refusals[0])
    return targets


async def report_targets(
    session: AsyncSession, roles: Roles, measure_id: int
) -> list[ReportTarget]:
    """The person's bodies that may report on this measure now (usually one)."""
    if not roles.is_executor:
        raise Refused(Refusal.NOT_AVAILABLE)
    rows = await _assignments_of(session, roles, measure_id=measure_id, assignment_id=None)
    return _reportable(rows)


async def report_target(session: AsyncSession, roles: Roles, assignment_id: int) -> ReportTarget:
    """One assignment the person may report on now; refused otherwise."""
    if not roles.is_executor:
        raise Refused(Refusal.NOT_AVAILABLE)
    rows = await _assignments_of(session, roles, measure_id=None, assignment_id=assignment_id)
    return _reportable(rows)[0]


def _reportable_statement(
    measures: ColumnElement[bool], bodies: ColumnElement[bool]
) -> Select[tuple[int]]:
    return (
        select(Assignment.measure_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(
            measures,
            active_assignment(),
            bodies,
            one_of(Assignment.status, sorted(OPEN_STATUSES)),
            open_measure(),
            live_plan(),
        )
    )


# Built once: every card asks it for one measure, mostly for a person of one body.
_REPORTABLE_BY_ONE_BODY = prepared(
    _reportable_statement(
        Assignment.measure_id == bindparam("measure_id"),
        Assignment.organization_id == bindparam("organization_id"),
    )
)


async def reportable_measure_ids(
    session: AsyncSession, roles: Roles, measure_ids: Iterable[int]
) -> set[int]:
    """Of these measures, the ones the person may report on now (for the card's button)."""
    ids = sorted(set(measure_ids))
    if not ids or not roles.is_executor:
        return set()
    bodies = sorted(roles.organization_ids)
    if len(ids) == 1 and len(bodies) == 1:
        rows = await plain_rows(
            session, _REPORTABLE_BY_ONE_BODY, {"measure_id": ids[0], "organization_id": bodies[0]}
        )
    else:
        rows = await plain_rows(
            session,
            _reportable_statement(
                Assignment.measure_id.in_(ids), Assignment.organization_id.in_(bodies)
            ),
        )
    return {measure_id for (measure_id,) in rows}
