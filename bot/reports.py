"""Reports: an official's confirmation that a measure is done, and a coordinator's review of it.

An official or head of a body assigned to a measure sends the result documents (files or
photos) with an optional comment. The body's assignment becomes "submitted", which stops its
reminders, and the plan's coordinators (or the administrators, for a plan without any) are told
through the outbox in the same transaction. A coordinator of the plan accepts the report, or
returns it with a reason: the author is told, and a returned assignment is reminded again.
The measure is done when its lead executor's report is accepted (without a lead executor, when
every executing body's report is).

Every function re-checks who asks and that the assignment or report belongs to them: nothing
that arrives in callback data is trusted. Nothing here imports aiogram.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.notification_kinds import (
    REPORT_REVIEWED,
    REPORT_SUBMITTED,
    ReportReviewedNotice,
    ReportSubmittedNotice,
)
from models.queries import Recipient, administrators, enqueue_notification, plan_reviewers
from models.tables import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Document,
    Measure,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
)

MAX_DOCUMENTS = 10
MAX_COMMENT_LENGTH = 2000
MAX_REASON_LENGTH = 1000

# Outbox kinds (rendered by scheduler.report_messages).
REPORT_SUBMITTED_KIND = REPORT_SUBMITTED
REPORT_REVIEWED_KIND = REPORT_REVIEWED

REPORTABLE_STATUSES = frozenset({AssignmentStatus.IN_PROGRESS, AssignmentStatus.RETURNED})


class ReportRefusal(enum.StrEnum):
    NOT_AVAILABLE = "not_available"  # unknown, or not the person's to report or review
    MEASURE_REMOVED = "measure_removed"
    MEASURE_DONE = "measure_done"
    UNDER_REVIEW = "under_review"  # a report of this body waits for review already
    ACCEPTED = "accepted"  # this body's report is accepted already
    NO_DOCUMENTS = "no_documents"
    TOO_MANY_DOCUMENTS = "too_many_documents"
    COMMENT_TOO_LONG = "comment_too_long"
    ALREADY_REVIEWED = "already_reviewed"
    NO_LONGER_CURRENT = "no_longer_current"  # the body was removed from the measure, or it was
    OWN_REPORT = "own_report"
    NO_REASON = "no_reason"
    REASON_TOO_LONG = "reason_too_long"


class ReportRefused(Exception):
    def __init__(self, refusal: ReportRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


# --- Pure rules -----------------------------------------------------------------------------


def refusal_to_report(
    status: AssignmentStatus, *, measure_removed: bool, measure_done: bool
) -> ReportRefusal | None:
    """Why a body's assignment cannot take a report now (None: it can)."""
    if measure_removed:
        return ReportRefusal.MEASURE_REMOVED
    if measure_done:
        return ReportRefusal.MEASURE_DONE
    if status is AssignmentStatus.SUBMITTED:
        return ReportRefusal.UNDER_REVIEW
    if status is AssignmentStatus.ACCEPTED:
        return ReportRefusal.ACCEPTED
    return None


def measure_is_done(assignments: Iterable[tuple[bool, AssignmentStatus]]) -> bool:
    """(is_lead, status) of a measure's current assignments → is the measure done?

    The lead executor's accepted report completes it; with no lead executor, every body's."""
    assignments = list(assignments)
    leads = [status for is_lead, status in assignments if is_lead]
    deciding = leads or [status for _, status in assignments]
    return bool(deciding) and all(status is AssignmentStatus.ACCEPTED for status in deciding)


def clean_comment(text: str | None) -> str | None:
    """A comment as stored: stripped, None when empty; refused when too long."""
    comment = (text or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ReportRefused(ReportRefusal.COMMENT_TOO_LONG)
    return comment or None


def add_to_comment(comment: str | None, text: str | None) -> str | None:
    """A comment typed in several messages is kept whole, one message per line."""
    added = (text or "").strip()
    return clean_comment(f"{comment}\n{added}" if comment and added else comment or added)


def clean_reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ReportRefused(ReportRefusal.NO_REASON)
    if len(reason) > MAX_REASON_LENGTH:
        raise ReportRefused(ReportRefusal.REASON_TOO_LONG)
    return reason


# --- What an official reports on ----------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class DraftDocument:
    """A file or photo an official sent for a report, known to Telegram by its file id."""

    file_id: str
    file_unique_id: str
    kind: str  # "document" or "photo"
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
            kind=str(stored.get("kind") or "document"),
            file_name=stored.get("file_name"),
            mime_type=stored.get("mime_type"),
            size=stored.get("size"),
        )


async def _assignments_of(
    session: AsyncSession, roles: Roles, *, measure_id: int | None, assignment_id: int | None
) -> list[tuple[Assignment, Measure, Plan, Organization]]:
    statement = (
        select(Assignment, Measure, Plan, Organization)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(
            Assignment.valid_until.is_(None),
            Assignment.organization_id.in_(sorted(roles.organization_ids)),
            Plan.is_archived.is_(False),
        )
        .order_by(Assignment.is_lead.desc(), Assignment.position, Assignment.id)
    )
    if measure_id is not None:
        statement = statement.where(Assignment.measure_id == measure_id)
    if assignment_id is not None:
        statement = statement.where(Assignment.id == assignment_id)
    return [tuple(row) for row in await session.execute(statement)]  # type: ignore[misc]


def _target(assignment: Assignment, measure: Measure, plan: Plan, body: Organization):
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
    )


def _reportable(
    rows: Sequence[tuple[Assignment, Measure, Plan, Organization]],
) -> list[ReportTarget]:
    if not rows:
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
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
        raise ReportRefused(refusals[0])
    return targets


async def report_targets(
    session: AsyncSession, roles: Roles, measure_id: int
) -> list[ReportTarget]:
    """The person's bodies that may report on this measure now (usually one)."""
    if not roles.is_executor:
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
    rows = await _assignments_of(session, roles, measure_id=measure_id, assignment_id=None)
    return _reportable(rows)


async def report_target(session: AsyncSession, roles: Roles, assignment_id: int) -> ReportTarget:
    """One assignment the person may report on now; refused otherwise."""
    if not roles.is_executor:
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
    rows = await _assignments_of(session, roles, measure_id=None, assignment_id=assignment_id)
    return _reportable(rows)[0]


async def reportable_measure_ids(
    session: AsyncSession, roles: Roles, measure_ids: Iterable[int]
) -> set[int]:
    """Of these measures, the ones the person may report on now (for the card's button)."""
    ids = sorted(set(measure_ids))
    if not ids or not roles.is_executor:
        return set()
    rows = await session.execute(
        select(Assignment.measure_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(
            Assignment.measure_id.in_(ids),
            Assignment.valid_until.is_(None),
            Assignment.organization_id.in_(sorted(roles.organization_ids)),
            Assignment.status.in_(sorted(REPORTABLE_STATUSES)),
            Measure.removed_at.is_(None),
            Measure.done_on.is_(None),
            Plan.is_archived.is_(False),
        )
    )
    return set(rows.scalars())


# --- Submitting ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubmittedReport:
    report_id: int
    target: ReportTarget
    documents: int
    reviewers: int  # how many people were told


def _submitted_key(report_id: int, recipient_id: int) -> str:
    return f"{REPORT_SUBMITTED_KIND}:{report_id}:{recipient_id}"


async def submit_report(
    session: AsyncSession,
    roles: Roles,
    *,
    author_id: int,
    assignment_id: int,
    comment: str | None,
    documents: Sequence[DraftDocument],
    now: datetime,
    admin_telegram_ids: frozenset[int] = frozenset(),
) -> SubmittedReport:
    """Store the report with its documents, mark the assignment submitted, tell the reviewers.

    All in the caller's transaction: a refusal raises before anything is written."""
    if not documents:
        raise ReportRefused(ReportRefusal.NO_DOCUMENTS)
    if len(documents) > MAX_DOCUMENTS:
        raise ReportRefused(ReportRefusal.TOO_MANY_DOCUMENTS)
    stored_comment = clean_comment(comment)
    # Lock the assignment (PostgreSQL; SQLite writers are serialised already) and re-check it.
    locked = await session.scalar(
        select(Assignment).where(Assignment.id == assignment_id).with_for_update()
    )
    if locked is None:
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
    target = await report_target(session, roles, assignment_id)

    report = Report(
        assignment_id=assignment_id,
        author_id=author_id,
        comment=stored_comment,
        status=ReportStatus.SUBMITTED,
        submitted_at=now,
    )
    session.add(report)
    await session.flush()
    unique_documents = list({document.file_unique_id: document for document in documents}.values())
    session.add_all(
        Document(
            report_id=report.id,
            telegram_file_id=document.file_id,
            telegram_file_unique_id=document.file_unique_id,
            file_name=document.file_name,
            mime_type=document.mime_type,
            size=document.size,
            kind="photo" if document.kind == "photo" else "document",
        )
        for document in unique_documents
    )
    previous = locked.status
    locked.status = AssignmentStatus.SUBMITTED
    locked.status_changed_at = now
    session.add(
        AuditEvent(
            created_at=now,
            actor_id=author_id,
            action="report_submitted",
            entity_type="assignment",
            entity_id=assignment_id,
            field="status",
            old_value=previous.value,
            new_value=AssignmentStatus.SUBMITTED.value,
        )
    )
    author = await session.get(Official, author_id)
    reviewers = [
        reviewer
        for reviewer in (await plan_reviewers(session, {target.plan_id}, admin_telegram_ids)).get(
            target.plan_id, []
        )
        if reviewer.official_id != author_id
    ]
    if not reviewers:
        # The author is the plan's only coordinator: someone else must review.
        reviewers = [
            admin
            for admin in await administrators(session, admin_telegram_ids)
            if admin.official_id != author_id
        ]
    payload = ReportSubmittedNotice(
        report_id=report.id,
        measure_id=target.measure_id,
        number=target.number,
        title=target.title,
        plan=target.plan_title,
        body=target.organization_name,
        person=author.display_name if author is not None else "",
        comment=stored_comment or "",
        documents=len(unique_documents),
        deadline=target.deadline,
    ).to_json()
    told = 0
    for reviewer in reviewers:
        told += await enqueue_notification(
            session,
            recipient=reviewer,
            kind=REPORT_SUBMITTED_KIND,
            dedup_key=_submitted_key(report.id, reviewer.official_id),
            payload=payload,
            now=now,
        )
    return SubmittedReport(report.id, target, len(unique_documents), told)


# --- Reviewing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportDocument:
    document_id: int
    file_id: str
    file_name: str | None
    mime_type: str | None
    is_photo: bool


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report as its reviewers and its body see it."""

    report_id: int
    status: ReportStatus
    assignment_id: int
    measure_id: int
    plan_id: int
    number: str
    title: str
    result: str | None
    deadline: date | None
    organization_id: int
    organization_name: str
    author_id: int
    author_name: str
    comment: str | None
    submitted_at: datetime
    reviewer_name: str | None
    review_reason: str | None
    reviewed_at: datetime | None
    documents: tuple[ReportDocument, ...]
    # The body still executes the measure, and the measure is still in a live plan.
    is_current: bool = True

    def reviewable_by(self, roles: Roles, person_id: int) -> bool:
        """May this person accept or return it now (the buttons to show)?"""
        return (
            self.status is ReportStatus.SUBMITTED
            and self.is_current
            and roles.coordinates_plan(self.plan_id)
            and person_id != self.author_id
        )


def can_see_report(roles: Roles, plan_id: int, organization_id: int) -> bool:
    return roles.coordinates_plan(plan_id) or roles.serves_organization(organization_id)


async def load_report(session: AsyncSession, roles: Roles, report_id: int) -> ReportView:
    """The report with its documents, if the person may see it (same refusal otherwise)."""
    row = (
        await session.execute(
            select(Report, Assignment, Measure, Organization, Official, Plan.is_archived)
            .join(Assignment, Assignment.id == Report.assignment_id)
            .join(Measure, Measure.id == Assignment.measure_id)
            .join(Plan, Plan.id == Measure.plan_id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .join(Official, Official.id == Report.author_id)
            .where(Report.id == report_id)
        )
    ).one_or_none()
    if row is None:
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
    report, assignment, measure, body, author, plan_archived = row
    if not can_see_report(roles, measure.plan_id, body.id):
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
    reviewer_name = None
    if report.reviewer_id is not None:
        reviewer = await session.get(Official, report.reviewer_id)
        reviewer_name = reviewer.display_name if reviewer is not None else None
    documents = tuple(
        ReportDocument(
            document_id=document.id,
            file_id=document.telegram_file_id,
            file_name=document.file_name,
            mime_type=document.mime_type,
            is_photo=document.kind == "photo",
        )
        for document in await session.scalars(
            select(Document).where(Document.report_id == report.id).order_by(Document.id)
        )
    )
    return ReportView(
        report_id=report.id,
        status=report.status,
        assignment_id=assignment.id,
        measure_id=measure.id,
        plan_id=measure.plan_id,
        number=measure.number,
        title=measure.title,
        result=measure.result,
        deadline=measure.deadline,
        organization_id=body.id,
        organization_name=body.short_name or body.full_name,
        author_id=author.id,
        author_name=author.display_name,
        comment=report.comment,
        submitted_at=report.submitted_at,
        reviewer_name=reviewer_name,
        review_reason=report.review_reason,
        reviewed_at=report.reviewed_at,
        documents=documents,
        is_current=(
            assignment.valid_until is None and measure.removed_at is None and not plan_archived
        ),
    )


async def reviewable_report(
    session: AsyncSession, roles: Roles, report_id: int, reviewer_id: int
) -> ReportView:
    """A report the person may review now: a coordinator of its plan, not its author, the
    report not reviewed yet and its body still executing a measure of a live plan."""
    view = await load_report(session, roles, report_id)
    if not roles.coordinates_plan(view.plan_id):
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
    if view.status is not ReportStatus.SUBMITTED:
        raise ReportRefused(ReportRefusal.ALREADY_REVIEWED)
    if view.author_id == reviewer_id:
        raise ReportRefused(ReportRefusal.OWN_REPORT)
    if not view.is_current:
        raise ReportRefused(ReportRefusal.NO_LONGER_CURRENT)
    return view


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    report: ReportView
    measure_done: bool
    author_told: bool


def _reviewed_key(report_id: int) -> str:
    return f"{REPORT_REVIEWED_KIND}:{report_id}"


async def _review(
    session: AsyncSession,
    roles: Roles,
    *,
    reviewer_id: int,
    report_id: int,
    accept: bool,
    reason: str | None,
    now: datetime,
    today: date,
) -> ReviewOutcome:
    # Lock the report, then check it under the lock: two coordinators pressing at once → one wins.
    report = await session.scalar(select(Report).where(Report.id == report_id).with_for_update())
    if report is None:
        raise ReportRefused(ReportRefusal.NOT_AVAILABLE)
    view = await reviewable_report(session, roles, report_id, reviewer_id)
    assignment = await session.get(Assignment, view.assignment_id)
    assert assignment is not None
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.reviewer_id = reviewer_id
    report.reviewed_at = now
    report.review_reason = reason
    previous = assignment.status
    assignment.status = AssignmentStatus.ACCEPTED if accept else AssignmentStatus.RETURNED
    assignment.status_changed_at = now
    session.add(
        AuditEvent(
            created_at=now,
            actor_id=reviewer_id,
            action="report_accepted" if accept else "report_returned",
            entity_type="report",
            entity_id=report_id,
            field="status",
            old_value=previous.value,
            new_value=assignment.status.value,
        )
    )
    measure_done = False
    if accept:
        await session.flush()
        # Lock the measure: two bodies' reports accepted at once must not both miss completion.
        measure = await session.scalar(
            select(Measure).where(Measure.id == view.measure_id).with_for_update()
        )
        assert measure is not None
        current = await session.execute(
            select(Assignment.is_lead, Assignment.status).where(
                Assignment.measure_id == view.measure_id, Assignment.valid_until.is_(None)
            )
        )
        if measure.done_on is None and measure_is_done(current.all()):
            measure.done_on = today
            measure_done = True
            session.add(
                AuditEvent(
                    created_at=now,
                    actor_id=reviewer_id,
                    action="measure_done",
                    entity_type="measure",
                    entity_id=measure.id,
                    field="done_on",
                    old_value=None,
                    new_value=today.isoformat(),
                )
            )
    author = await session.get(Official, view.author_id)
    author_told = False
    if author is not None and author.is_active and author.blocked_bot_at is None:
        reviewer = await session.get(Official, reviewer_id)
        author_told = await enqueue_notification(
            session,
            recipient=Recipient(author.id, author.telegram_id, author.timezone),
            kind=REPORT_REVIEWED_KIND,
            dedup_key=_reviewed_key(report_id),
            payload=ReportReviewedNotice(
                report_id=report_id,
                measure_id=view.measure_id,
                number=view.number,
                title=view.title,
                body=view.organization_name,
                accepted=accept,
                reason=reason or "",
                reviewer=reviewer.display_name if reviewer is not None else "",
                measure_done=measure_done,
            ).to_json(),
            now=now,
        )
    return ReviewOutcome(view, measure_done, author_told)


async def accept_report(
    session: AsyncSession,
    roles: Roles,
    *,
    reviewer_id: int,
    report_id: int,
    now: datetime,
    today: date,
) -> ReviewOutcome:
    return await _review(
        session,
        roles,
        reviewer_id=reviewer_id,
        report_id=report_id,
        accept=True,
        reason=None,
        now=now,
        today=today,
    )


async def return_report(
    session: AsyncSession,
    roles: Roles,
    *,
    reviewer_id: int,
    report_id: int,
    reason: str,
    now: datetime,
    today: date,
) -> ReviewOutcome:
    cleaned = clean_reason(reason)
    return await _review(
        session,
        roles,
        reviewer_id=reviewer_id,
        report_id=report_id,
        accept=False,
        reason=cleaned,
        now=now,
        today=today,
    )


@dataclass(frozen=True, slots=True)
class WaitingReport:
    report_id: int
    number: str
    title: str
    organization_name: str
    submitted_at: datetime


def _waiting_statement() -> Select[Any]:
    """Reports waiting for review, with what a list of them shows, oldest first."""
    return (
        select(
            Report.id,
            Measure.number,
            Measure.title,
            Organization.short_name,
            Organization.full_name,
            Report.submitted_at,
        )
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(Report.status == ReportStatus.SUBMITTED)
        .order_by(Report.submitted_at, Report.id)
    )


async def _waiting(session: AsyncSession, statement: Select[Any]) -> list[WaitingReport]:
    return [
        WaitingReport(report_id, number, title, short or full, submitted_at)
        for report_id, number, title, short, full, submitted_at in await session.execute(statement)
    ]


async def reports_waiting(
    session: AsyncSession, roles: Roles, reviewer_id: int
) -> list[WaitingReport]:
    """Reports the person may review: waiting, in the plans they coordinate, not their own,
    of bodies still executing measures still in the plan; oldest first."""
    if not roles.is_coordinator:
        return []
    statement = _waiting_statement().where(
        Plan.is_archived.is_(False),
        Assignment.valid_until.is_(None),
        Measure.removed_at.is_(None),
        Report.author_id != reviewer_id,
    )
    if not roles.is_admin:
        statement = statement.where(Measure.plan_id.in_(sorted(roles.coordinator_plan_ids)))
    return await _waiting(session, statement)


async def measure_reports_waiting(
    session: AsyncSession, roles: Roles, measure_id: int, plan_id: int
) -> list[WaitingReport]:
    """Reports on this measure waiting for review that the person may open: all of them for
    a coordinator of the plan, their own bodies' for an official or head."""
    statement = _waiting_statement().where(Assignment.measure_id == measure_id)
    if not roles.coordinates_plan(plan_id):
        if not roles.is_executor:
            return []
        statement = statement.where(Assignment.organization_id.in_(sorted(roles.organization_ids)))
    return await _waiting(session, statement)
