"""Reading a report and reviewing it: a coordinator of its plan accepts it, or returns it with
a reason. The author is told; a returned assignment is reminded again. The measure is done when
its lead executor's report is accepted (without a lead executor, when every executing body's
report is).

Every function re-checks who asks and that the report is theirs to see or review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.evidence import EvidenceKind, Requisites
from bot.reasons import clean_reason
from bot.refusals import Refusal, Refused
from bot.report_draft import DocumentKind, move_assignment
from bot.report_notifications import tell_author
from models.queries import active_assignment, live_measure, live_plan
from models.tables import (
    Assignment,
    AssignmentStatus,
    Document,
    Measure,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
)


def measure_is_done(assignments: Iterable[tuple[bool, AssignmentStatus]]) -> bool:
    """(is_lead, status) of a measure's current assignments → is the measure done?

    The lead executor's accepted report completes it; with no lead executor, every body's."""
    assignments = list(assignments)
    leads = [status for is_lead, status in assignments if is_lead]
    deciding = leads or [status for _, status in assignments]
    return bool(deciding) and all(status is AssignmentStatus.ACCEPTED for status in deciding)


def return_reason(text: str | None) -> str:
    """Why a report is returned, as stored; refused when empty or too long."""
    return clean_reason(text, missing=Refusal.NO_RETURN_REASON)


# --- Reading ------------------------------------------------------------------------------------


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
    # The proving document's requisites given with the report (None: none given).
    requisites: Requisites | None = None
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


async def _documents_of(session: AsyncSession, report_id: int) -> tuple[ReportDocument, ...]:
    return tuple(
        ReportDocument(
            document_id=document.id,
            file_id=document.telegram_file_id,
            file_name=document.file_name,
            mime_type=document.mime_type,
            is_photo=document.kind == DocumentKind.PHOTO,
        )
        for document in await session.scalars(
            select(Document).where(Document.report_id == report_id).order_by(Document.id)
        )
    )


async def _reviewer_name(session: AsyncSession, reviewer_id: int | None) -> str | None:
    if reviewer_id is None:
        return None
    reviewer = await session.get(Official, reviewer_id)
    return reviewer.display_name if reviewer is not None else None


async def load_report(session: AsyncSession, roles: Roles, report_id: int) -> ReportView:
    """The report with its documents, if the person may see it (same refusal otherwise)."""
    row = (
        await session.execute(
            select(
                Report,
                Assignment,
                Measure,
                Organization,
                Official,
                # The body still executes the measure, and the measure is in a live plan.
                and_(active_assignment(), live_measure(), live_plan()),
            )
            .join(Assignment, Assignment.id == Report.assignment_id)
            .join(Measure, Measure.id == Assignment.measure_id)
            .join(Plan, Plan.id == Measure.plan_id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .join(Official, Official.id == Report.author_id)
            .where(Report.id == report_id)
        )
    ).one_or_none()
    if row is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    report, assignment, measure, body, author, is_current = row
    if not can_see_report(roles, measure.plan_id, body.id):
        raise Refused(Refusal.NOT_AVAILABLE)
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
        reviewer_name=await _reviewer_name(session, report.reviewer_id),
        review_reason=report.review_reason,
        reviewed_at=report.reviewed_at,
        documents=await _documents_of(session, report.id),
        requisites=report_requisites(report),
        is_current=bool(is_current),
    )


def report_requisites(report: Report) -> Requisites | None:
    """The requisites stored with a report (None where none were given)."""
    if report.evidence_kind is None:
        return None
    return Requisites(
        kind=EvidenceKind(report.evidence_kind),
        number=report.evidence_number,
        issued_on=report.evidence_date,
        link=report.evidence_link,
        reference=report.evidence_reference,
    )


async def reviewable_report(
    session: AsyncSession, roles: Roles, report_id: int, reviewer_id: int
) -> ReportView:
    """A report the person may review now: a coordinator of its plan, not its author, the
    report not reviewed yet and its body still executing a measure of a live plan."""
    view = await load_report(session, roles, report_id)
    if not roles.coordinates_plan(view.plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    if view.status is not ReportStatus.SUBMITTED:
        raise Refused(Refusal.ALREADY_REVIEWED)
    if view.author_id == reviewer_id:
        raise Refused(Refusal.OWN_REPORT)
    if not view.is_current:
        raise Refused(Refusal.NO_LONGER_CURRENT)
    return view


# --- Reviewing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    report: ReportView
    measure_done: bool
    author_told: bool


async def _decide(
    session: AsyncSession,
    report: Report,
    assignment: Assignment,
    *,
    reviewer_id: int,
    accept: bool,
    reason: str | None,
    now: datetime,
) -> None:
    """Record the decision on the report and its body's assignment, and its audit event."""
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.reviewer_id = reviewer_id
    report.reviewed_at = now
    report.review_reason = reason
    status = AssignmentStatus.ACCEPTED if accept else AssignmentStatus.RETURNED
    previous = move_assignment(assignment, status, now)
    await record_change(
        session,
        actor_id=reviewer_id,
        action="report_accepted" if accept else "report_returned",
        entity=report,
        entity_type="report",
        field="status",
        old=previous,
        new=status,
        at=now,
    )


async def _complete_measure(
    session: AsyncSession, measure_id: int, *, reviewer_id: int, now: datetime, today: date
) -> bool:
    """Mark the measure done if its accepted reports now complete it; whether they did."""
    await session.flush()
    # Lock the measure: two bodies' reports accepted at once must not both miss completion.
    measure = await session.scalar(
        select(Measure).where(Measure.id == measure_id).with_for_update()
    )
    assert measure is not None
    current = await session.execute(
        select(Assignment.is_lead, Assignment.status).where(
            Assignment.measure_id == measure_id, active_assignment()
        )
    )
    if measure.done_on is not None or not measure_is_done(current.all()):
        return False
    measure.done_on = today
    await record_change(
        session,
        actor_id=reviewer_id,
        action="measure_done",
        entity=measure,
        entity_type="measure",
        field="done_on",
        new=today,
        at=now,
    )
    return True


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
        raise Refused(Refusal.NOT_AVAILABLE)
    view = await reviewable_report(session, roles, report_id, reviewer_id)
    assignment = await session.get(Assignment, view.assignment_id)
    assert assignment is not None
    await _decide(
        session, report, assignment, reviewer_id=reviewer_id, accept=accept, reason=reason, now=now
    )
    measure_done = accept and await _complete_measure(
        session, view.measure_id, reviewer_id=reviewer_id, now=now, today=today
    )
    author_told = await tell_author(
        session,
        view,
        reviewer_id=reviewer_id,
        accepted=accept,
        reason=reason,
        measure_done=measure_done,
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
    return await _review(
        session,
        roles,
        reviewer_id=reviewer_id,
        report_id=report_id,
        accept=False,
        reason=return_reason(reason),
        now=now,
        today=today,
    )
