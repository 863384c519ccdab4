"""Sending a report: its documents are stored, the body's assignment waits for review (its
reminders stop) and the plan's reviewers are told, all in one transaction.

A refusal raises before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.evidence import Requisites, check_evidence, stored_requisites
from bot.refusals import Refusal, Refused
from bot.report_draft import (
    MAX_DOCUMENTS,
    DocumentKind,
    DraftDocument,
    ReportTarget,
    clean_comment,
    move_assignment,
    report_target,
)
from bot.report_notifications import reviewers_of, tell_reviewers
from models.tables import (
    Assignment,
    AssignmentStatus,
    Document,
    Official,
    Report,
    ReportStatus,
)


@dataclass(frozen=True, slots=True)
class SubmittedReport:
    report_id: int
    target: ReportTarget
    documents: int
    reviewers: int  # how many people were told


def _stored_documents(report_id: int, documents: Sequence[DraftDocument]) -> list[Document]:
    """The documents as stored: each file once, in the order it was sent."""
    unique = {document.file_unique_id: document for document in documents}.values()
    return [
        Document(
            report_id=report_id,
            telegram_file_id=document.file_id,
            telegram_file_unique_id=document.file_unique_id,
            file_name=document.file_name,
            mime_type=document.mime_type,
            size=document.size,
            kind=DocumentKind(document.kind).value,
        )
        for document in unique
    ]


async def _mark_submitted(
    session: AsyncSession, assignment: Assignment, author_id: int, now: datetime
) -> None:
    previous = move_assignment(assignment, AssignmentStatus.SUBMITTED, now)
    await record_change(
        session,
        actor_id=author_id,
        action="report_submitted",
        entity=assignment,
        entity_type="assignment",
        field="status",
        old=previous,
        new=AssignmentStatus.SUBMITTED,
        at=now,
    )


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
    requisites: Requisites | None = None,
) -> SubmittedReport:
    """Store the report with its documents and the proving document's requisites, mark the
    assignment submitted, tell the reviewers.

    A report without documents stands on its requisites only where the plan accepts that
    (`Plan.requisites_without_file`), and then needs them complete with the document-system
    reference. All in the caller's transaction: a refusal raises before anything is written."""
    requisites = stored_requisites(requisites)
    if not documents and requisites is None:
        raise Refused(Refusal.NO_DOCUMENTS)
    if len(documents) > MAX_DOCUMENTS:
        raise Refused(Refusal.TOO_MANY_DOCUMENTS, count=MAX_DOCUMENTS)
    stored_comment = clean_comment(comment)
    # Lock the assignment (PostgreSQL; SQLite writers are serialised already) and re-check it.
    locked = await session.scalar(
        select(Assignment).where(Assignment.id == assignment_id).with_for_update()
    )
    if locked is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    target = await report_target(session, roles, assignment_id)
    check_evidence(
        requisites, documents=len(documents), without_file_allowed=target.requisites_without_file
    )

    report = Report(
        assignment_id=assignment_id,
        author_id=author_id,
        comment=stored_comment,
        status=ReportStatus.SUBMITTED,
        submitted_at=now,
    )
    if requisites is not None:
        report.evidence_kind = requisites.kind.value
        report.evidence_number = requisites.number
        report.evidence_date = requisites.issued_on
        report.evidence_link = requisites.link
        report.evidence_reference = requisites.reference
    session.add(report)
    await session.flush()
    stored = _stored_documents(report.id, documents)
    session.add_all(stored)
    await _mark_submitted(session, locked, author_id, now)
    author = await session.get(Official, author_id)
    reviewers = await reviewers_of(session, target.plan_id, author_id, admin_telegram_ids)
    told = await tell_reviewers(
        session,
        reviewers,
        report_id=report.id,
        target=target,
        author=author,
        comment=stored_comment,
        documents=len(stored),
        now=now,
        requisites=requisites,
    )
    return SubmittedReport(report.id, target, len(stored), told)
