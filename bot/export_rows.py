"""What the spreadsheet of a plan reads: its measures a batch at a time (keyset paging by sort
key), each batch's executors with their part's status (`bot.measure_status`, in SQL), reports
and documents. The sheet of bodies is counted by `bot.summary_bodies`, as the summary's.

Explicit column queries only (`plain_rows`), never the whole plan in memory at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.evidence import EvidenceKind, Requisites
from bot.measure_status import Status, StatusDates, part_status_expression
from models.queries import (
    active_assignment,
    plain_rows,
)
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
    Section,
    display_name,
)

BATCH = 1000


@dataclass(frozen=True, slots=True)
class MeasureRow:
    measure_id: int
    number: str
    sort_key: str
    title: str
    deadline: date | None
    deadline_text: str
    done_on: date | None
    removed: bool
    section_number: str | None
    section_title: str | None


@dataclass(frozen=True, slots=True)
class PartRow:
    """One body's part of a measure, with its status and the date in its zone."""

    assignment_id: int
    is_lead: bool
    assignment_status: AssignmentStatus
    body: str
    status: Status
    today: date


@dataclass(frozen=True, slots=True)
class ReportRow:
    assignment_id: int
    status: ReportStatus
    submitted_at: datetime
    reviewed_at: datetime | None
    reviewer: str | None
    comment: str | None
    review_reason: str | None
    requisites: Requisites | None = None
    documents: list[tuple[str | None, str]] = field(default_factory=list)


async def measure_batches(
    session: AsyncSession, plan_id: int, body_ids: Sequence[int] | None = None, batch: int = BATCH
) -> AsyncIterator[list[MeasureRow]]:
    """The plan's measures (removed ones too) in the plan's order, `batch` at a time; with
    `body_ids`, only the measures these bodies execute."""
    after: tuple[str, int] | None = None
    while True:
        statement = (
            select(
                Measure.id,
                Measure.number,
                Measure.sort_key,
                Measure.title,
                Measure.deadline,
                Measure.deadline_text,
                Measure.done_on,
                Measure.removed_at.is_not(None),
                Section.number,
                Section.title,
            )
            .outerjoin(Section, Section.id == Measure.section_id)
            .where(Measure.plan_id == plan_id)
            .order_by(Measure.sort_key, Measure.id)
            .limit(batch)
        )
        if body_ids is not None:
            theirs = select(Assignment.measure_id).where(
                Assignment.organization_id.in_(list(body_ids)), active_assignment()
            )
            statement = statement.where(Measure.id.in_(theirs))
        if after is not None:
            key, last_id = after
            statement = statement.where(tuple_(Measure.sort_key, Measure.id) > tuple_(key, last_id))
        rows = [MeasureRow(*row) for row in await plain_rows(session, statement)]
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        after = (rows[-1].sort_key, rows[-1].measure_id)


async def parts_of(
    session: AsyncSession, measure_ids: Sequence[int], dates: StatusDates
) -> dict[int, list[PartRow]]:
    """Current executors of these measures, lead first, each with its part's status."""
    zones = (Organization.timezone, Plan.timezone)
    status = part_status_expression(
        assignment=Assignment, measure=Measure, dates=dates, zone_columns=zones
    )
    statement = (
        select(
            Assignment.measure_id,
            Assignment.id,
            Assignment.is_lead,
            Assignment.status,
            func.coalesce(Organization.short_name, Organization.full_name),
            status,
            dates.today_expression(*zones),
        )
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(Assignment.measure_id.in_(list(measure_ids)), active_assignment())
        .order_by(
            Assignment.measure_id,
            Assignment.is_lead.desc(),
            Assignment.position,
            Assignment.id,
        )
    )
    parts: dict[int, list[PartRow]] = {}
    for measure_id, assignment_id, lead, a_status, body, value, today in await plain_rows(
        session, statement
    ):
        parts.setdefault(measure_id, []).append(
            PartRow(
                assignment_id,
                bool(lead),
                AssignmentStatus(a_status),
                body,
                Status(value),
                _as_date(today),
            )
        )
    return parts


def _as_date(value: date | str) -> date:
    # SQLite gives a literal date back as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


async def reports_of(session: AsyncSession, assignment_ids: Sequence[int]) -> list[ReportRow]:
    """Every report of these parts, oldest first, with the documents of the ones not returned."""
    if not assignment_ids:
        return []
    reviewer = aliased(Official)
    statement = (
        select(
            Report.id,
            Report.assignment_id,
            Report.status,
            Report.submitted_at,
            Report.reviewed_at,
            reviewer.full_name,
            reviewer.first_name,
            reviewer.last_name,
            reviewer.telegram_id,
            Report.comment,
            Report.review_reason,
            Report.evidence_kind,
            Report.evidence_number,
            Report.evidence_date,
            Report.evidence_link,
            Report.evidence_reference,
        )
        .outerjoin(reviewer, reviewer.id == Report.reviewer_id)
        .where(Report.assignment_id.in_(list(assignment_ids)))
        .order_by(Report.submitted_at, Report.id)
    )
    reports: dict[int, ReportRow] = {}
    for row in await plain_rows(session, statement):
        who = None
        if row[8] is not None:
            who = display_name(row[5], row[6], row[7], row[8])
        requisites = None
        if row[11] is not None:
            requisites = Requisites(EvidenceKind(row[11]), row[12], row[13], row[14], row[15])
        reports[row[0]] = ReportRow(
            row[1], ReportStatus(row[2]), row[3], row[4], who, row[9], row[10], requisites
        )
    kept = [report_id for report_id, r in reports.items() if r.status != ReportStatus.RETURNED]
    if kept:
        documents = select(Document.report_id, Document.file_name, Document.kind).where(
            Document.report_id.in_(kept)
        )
        for report_id, name, kind in await plain_rows(session, documents.order_by(Document.id)):
            reports[report_id].documents.append((name, kind))
    return list(reports.values())
