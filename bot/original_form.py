"""The plan in the form it came in: the latest original file with «Отметка об исполнении».

A coordinator of the plan (or an administrator) gets the Word or Excel file the plan was last
imported from, with one column added to its measures table: each measure's status by the one
definition (`bot.measure_status`), its date, and the documents of its report
(`bot.original_documents` writes the column). Measures removed from the plan are not in that
file and get no mark. The file is generated in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.clock import person_timezone, today_in
from bot.i18n import N_
from bot.measure_status import Status, StatusDates, is_past_deadline, measure_status
from bot.original_documents import mark_docx, mark_xlsx
from bot.plan_sources import latest_source
from bot.refusals import Refusal, Refused
from models.queries import active_assignment, plain_rows
from models.tables import (
    Assignment,
    AssignmentStatus,
    Document,
    Measure,
    Organization,
    Plan,
    Report,
    ReportStatus,
)

Translate = Callable[[str], str]
MARKERS = {"docx": mark_docx, "xlsx": mark_xlsx}
DATE_FORMAT = "%d.%m.%Y"
COMMENT_LENGTH = 300
DOCUMENTS_LENGTH = 500


@dataclass(frozen=True, slots=True)
class MarkedOriginal:
    file_name: str
    content: bytes


@dataclass(slots=True)
class MarkReport:
    is_lead: bool
    status: ReportStatus
    submitted_on: date
    reviewed_on: date | None
    comment: str | None
    documents: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MarkedMeasure:
    number: str
    location: str
    deadline: date | None
    done_on: date | None
    parts: list[tuple[bool, AssignmentStatus]] = field(default_factory=list)
    zone: str | None = None  # the lead body's (else the first body's)
    reports: list[MarkReport] = field(default_factory=list)


async def marked_original(
    session: AsyncSession,
    roles: Roles,
    plan_id: int,
    dates: StatusDates,
    data_dir: Path,
    *,
    translate: Translate,
) -> MarkedOriginal:
    """The plan's latest original with the marks column, for its coordinator or an admin.

    `translate` turns the marks' English message ids into the document's language (Russian for
    a region's form). Refused: NOT_AVAILABLE (not the person's plan), NO_ORIGINAL (no file kept
    for the current version), ORIGINAL_NOT_A_FORM (imported from text, nothing to mark)."""
    plan = await session.get(Plan, plan_id)
    if plan is None or not roles.coordinates_plan(plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    source = await latest_source(session, plan_id)
    if source is None or source.sha256 != plan.source_sha256:
        raise Refused(Refusal.NO_ORIGINAL)
    marker = MARKERS.get(source.file_format)
    if marker is None:
        raise Refused(Refusal.ORIGINAL_NOT_A_FORM)
    path = data_dir / source.stored_path
    if not path.is_file():
        raise Refused(Refusal.NO_ORIGINAL)
    measures = await _plan_measures(session, plan_id, plan.timezone)
    marks = marks_by_location(measures.values(), dates, translate)
    title = translate(N_("Execution mark"))
    content = await asyncio.to_thread(_read_and_mark, path, marker, marks, title)
    return MarkedOriginal(file_name=marked_file_name(source.file_name, translate), content=content)


def _read_and_mark(path: Path, marker: Any, marks: dict[str, str], title: str) -> bytes:
    return marker(path.read_bytes(), marks, title)


def marked_file_name(original: str, translate: Translate) -> str:
    """«План.docx» → «План (отметки).docx»."""
    stem, dot, extension = original.rpartition(".")
    if not dot:
        stem, extension = original, ""
    marked = translate(N_("{name} (marks)")).format(name=stem)
    return f"{marked}.{extension}" if extension else marked


def marks_by_location(
    measures: Iterable[MarkedMeasure], dates: StatusDates, translate: Translate
) -> dict[str, str]:
    """Location → the mark; measures sharing a row (a range of numbers) share it, numbered."""
    by_location: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for measure in measures:
        if measure.location:
            by_location[measure.location].append((measure.number, mark(measure, dates, translate)))
    return {
        location: items[0][1] if len(items) == 1 else "\n".join(f"{n}: {m}" for n, m in items)
        for location, items in by_location.items()
    }


def mark(measure: MarkedMeasure, dates: StatusDates, translate: Translate) -> str:
    """«Исполнено 12.05.2026», «На проверке (отчёт от …)», «Просрочено (срок …)», «В работе»,
    then the report's documents and comment."""
    status = measure_status(
        deadline=measure.deadline,
        done_on=measure.done_on,
        removed=False,
        parts=measure.parts,
        today=dates.today(measure.zone),
    )
    report = _report_for(measure, status)
    lines = [_status_line(measure, status, report, dates.today(measure.zone), translate)]
    if report is not None and report.documents:
        names = _cut(", ".join(report.documents), DOCUMENTS_LENGTH)
        lines.append(translate(N_("Documents: {names}")).format(names=names))
    if report is not None and report.comment:
        comment = _cut(" ".join(report.comment.split()), COMMENT_LENGTH)
        lines.append(translate(N_("Report: {comment}")).format(comment=comment))
    return "\n".join(lines)


def _status_line(
    measure: MarkedMeasure,
    status: Status,
    report: MarkReport | None,
    today: date,
    translate: Translate,
) -> str:
    if status is Status.DONE:
        day = measure.done_on or (report.reviewed_on if report else None)
        if day is None:
            return translate(N_("Executed"))
        return translate(N_("Done on {date}")).format(date=_day(day))
    if status is Status.UNDER_REVIEW:
        if report is None:
            return translate(N_("Under review"))
        if is_past_deadline(measure.deadline, today):
            text = translate(N_("Under review (report of {date}, deadline {deadline} passed)"))
            return text.format(date=_day(report.submitted_on), deadline=_day(measure.deadline))
        return translate(N_("Under review (report of {date})")).format(
            date=_day(report.submitted_on)
        )
    if status is Status.OVERDUE:
        return translate(N_("Overdue (deadline {date})")).format(date=_day(measure.deadline))
    return translate(N_("In progress"))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _day(day: date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def _report_for(measure: MarkedMeasure, status: Status) -> MarkReport | None:
    """The report behind the mark: the lead's latest accepted (done) or submitted (under
    review) one, else any body's."""
    wanted = {Status.DONE: ReportStatus.ACCEPTED, Status.UNDER_REVIEW: ReportStatus.SUBMITTED}
    if status not in wanted:
        return None
    candidates = [report for report in measure.reports if report.status is wanted[status]]
    candidates.sort(key=lambda report: (report.is_lead, report.submitted_on))
    return candidates[-1] if candidates else None


async def _plan_measures(
    session: AsyncSession, plan_id: int, plan_zone: str | None
) -> dict[int, MarkedMeasure]:
    rows = await plain_rows(
        session,
        select(
            Measure.id,
            Measure.number,
            Measure.source_location,
            Measure.deadline,
            Measure.done_on,
        ).where(Measure.plan_id == plan_id, Measure.removed_at.is_(None)),
    )
    measures = {
        row[0]: MarkedMeasure(row[1], row[2] or "", row[3], row[4], zone=plan_zone) for row in rows
    }
    parts = await plain_rows(
        session,
        select(Assignment.measure_id, Assignment.is_lead, Assignment.status, Organization.timezone)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(Measure.plan_id == plan_id, active_assignment())
        .order_by(Assignment.measure_id, Assignment.is_lead.desc(), Assignment.position),
    )
    for measure_id, is_lead, status, zone in parts:
        measure = measures.get(measure_id)
        if measure is None:
            continue
        if not measure.parts:
            measure.zone = zone or plan_zone
        measure.parts.append((bool(is_lead), AssignmentStatus(status)))
    await _attach_reports(session, plan_id, measures, plan_zone)
    return measures


async def _attach_reports(
    session: AsyncSession, plan_id: int, measures: dict[int, MarkedMeasure], plan_zone: str | None
) -> None:
    rows = await plain_rows(
        session,
        select(
            Report.id,
            Assignment.measure_id,
            Assignment.is_lead,
            Report.status,
            Report.submitted_at,
            Report.reviewed_at,
            Report.comment,
        )
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(
            Measure.plan_id == plan_id,
            active_assignment(),
            Report.status.in_([ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]),
        ),
    )
    reports: dict[int, MarkReport] = {}
    for report_id, measure_id, is_lead, status, submitted, reviewed, comment in rows:
        measure = measures.get(measure_id)
        if measure is None:
            continue
        zone = person_timezone(measure.zone or plan_zone)
        report = MarkReport(
            is_lead=bool(is_lead),
            status=ReportStatus(status),
            submitted_on=today_in(zone, submitted),
            reviewed_on=today_in(zone, reviewed) if reviewed else None,
            comment=comment,
        )
        measure.reports.append(report)
        reports[report_id] = report
    if not reports:
        return
    documents = await plain_rows(
        session,
        select(Document.report_id, Document.file_name)
        .join(Report, Report.id == Document.report_id)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(
            Measure.plan_id == plan_id,
            Report.status.in_([ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]),
        )
        .order_by(Document.report_id, Document.id),
    )
    for report_id, file_name in documents:
        if file_name and report_id in reports:
            reports[report_id].documents.append(file_name)
