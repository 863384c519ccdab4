"""The plan as a spreadsheet a coordinator forwards upward: every measure with its executors,
each body's status, reports, documents and comments; every body with its counts by status.

`plan_workbook` checks who asks (the plan's coordinator, or an administrator), reads the plan a
batch of measures at a time (`bot.export_rows`) and writes each batch into the workbook in a
worker thread (`bot.export_workbook`), so the event loop keeps turning and 100,000 measures
fit in little memory. Statuses are `bot.measure_status`'s, as /my, the cards and summaries say.
"""

from __future__ import annotations

import asyncio
import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.calendar import time_zone
from bot.clock import DEFAULT_TIMEZONE, person_timezone
from bot.evidence import Requisites
from bot.evidence_wording import requisites_text
from bot.export_rows import (
    MeasureRow,
    PartRow,
    ReportRow,
    measure_batches,
    parts_of,
    reports_of,
)
from bot.export_workbook import Column, PlanWorkbook, SheetRow
from bot.i18n import N_
from bot.measure_status import STATUS_ORDER, Status, StatusDates, measure_status
from bot.refusals import Refusal, Refused
from bot.scope import coordinated_plan_ids
from bot.summary_bodies import BodyRow, plan_bodies
from models.queries import active_assignment, live_plan
from models.tables import Assignment, Measure, Plan, ReportStatus

Gettext = Callable[[str], str]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportKind(enum.StrEnum):
    """What /export sends: the table of measures (the default), or the plan's original file
    with its marks column (`bot/original_form.py`)."""

    TABLE = "table"
    ORIGINAL = "original"


STATUS_WORDS: dict[Status, str] = {
    Status.DONE: N_("Done"),
    Status.UNDER_REVIEW: N_("Under review"),
    Status.OVERDUE: N_("Overdue"),
    Status.DUE_SOON: N_("Due within 7 days"),
    Status.LATER: N_("In progress"),
    Status.NO_DEADLINE: N_("No deadline"),
    Status.REMOVED: N_("Removed from the plan"),
}

MEASURE_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    (N_("No."), 9, False),
    (N_("Section"), 28, True),
    (N_("Measure"), 60, True),
    (N_("Deadline"), 12, False),
    (N_("Executors (lead first)"), 28, True),
    (N_("Status by body"), 34, True),
    (N_("Status"), 16, False),
    (N_("Report sent"), 12, False),
    (N_("Accepted"), 12, False),
    (N_("Accepted by"), 22, True),
    (N_("Documents"), 30, True),
    (N_("Evidence (requisites)"), 40, True),
    (N_("Report comment (document details)"), 40, True),
    (N_("Last review comment"), 40, True),
)
BODY_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    (N_("Body"), 22, True),
    (N_("Full name"), 50, True),
    (N_("Measures"), 11, False),
    *((STATUS_WORDS[status], 13, True) for status in STATUS_ORDER),
    (N_("People registered"), 13, True),
)


@dataclass(frozen=True, slots=True)
class ExportedWorkbook:
    file_name: str
    content: bytes
    measures: int = 0
    mime_type: str = XLSX_MIME


@dataclass(frozen=True, slots=True)
class ExportablePlan:
    plan_id: int
    title: str


async def exportable_plans(
    session: AsyncSession, roles: Roles, words: str = ""
) -> list[ExportablePlan]:
    """The plans this person may export: those they coordinate (every plan for an
    administrator), or for a head of a body the plans their bodies execute; not archived.
    With `words`, those whose title holds them: an exact title wins over titles containing it."""
    _require_exporter(roles)
    ids = await coordinated_plan_ids(session, roles)
    if roles.head_organization_ids:
        ids = sorted(set(ids) | set(await session.scalars(_plans_of(roles.head_organization_ids))))
    if not ids:
        return []
    found = [
        ExportablePlan(plan_id, title)
        for plan_id, title in await session.execute(
            select(Plan.id, Plan.title).where(Plan.id.in_(ids), live_plan()).order_by(Plan.id)
        )
    ]
    needle = " ".join(words.split()).casefold()
    if not needle:
        return found
    exact = [plan for plan in found if plan.title.casefold() == needle]
    return exact or [plan for plan in found if needle in plan.title.casefold()]


def _require_exporter(roles: Roles) -> None:
    """Coordinators and heads of bodies export; an official alone is told it is not for them."""
    if not roles.head_organization_ids:
        require_coordinator(roles)


def _plans_of(body_ids: Iterable[int]) -> Select[tuple[int]]:
    return (
        select(Measure.plan_id)
        .join(Assignment, Assignment.measure_id == Measure.id)
        .where(Assignment.organization_id.in_(sorted(body_ids)), active_assignment())
        .distinct()
    )


async def export_scope(session: AsyncSession, roles: Roles, plan_id: int) -> tuple[int, ...] | None:
    """What of the plan this person may export: all of it (None) for its coordinator or an
    administrator; for a head of a body, the measures of their bodies that execute it (their
    ids). Anyone else, or a plan that does not exist, is refused alike."""
    _require_exporter(roles)
    if roles.coordinates_plan(plan_id):
        return None
    if roles.head_organization_ids:
        bodies = await session.scalars(
            select(Assignment.organization_id)
            .join(Measure, Measure.id == Assignment.measure_id)
            .where(
                Measure.plan_id == plan_id,
                Assignment.organization_id.in_(sorted(roles.head_organization_ids)),
                active_assignment(),
            )
            .distinct()
        )
        found = tuple(sorted(bodies))
        if found:
            return found
    raise Refused(Refusal.NOT_AVAILABLE)


def export_file_name(title: str, day: date) -> str:
    """A file name from the plan's title: letters, digits, dashes; the day after it."""
    words = re.sub(r"[^\w\-]+", "_", title, flags=re.UNICODE).strip("_")
    return f"{words[:60].rstrip('_') or 'plan'}_{day.isoformat()}.xlsx"


async def plan_workbook(
    session: AsyncSession,
    roles: Roles,
    plan_id: int,
    dates: StatusDates,
    *,
    gettext: Gettext = str,
    default_timezone: str = DEFAULT_TIMEZONE,
) -> ExportedWorkbook:
    """The .xlsx of the plan for its coordinator or an administrator; for a head of a body,
    of their bodies' measures only (`export_scope`). Headers and words in the language of
    `gettext`."""
    body_ids = await export_scope(session, roles, plan_id)
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    zone = time_zone(person_timezone(None, None, plan.timezone, default_timezone))
    words = {status: gettext(word) for status, word in STATUS_WORDS.items()}
    photo = gettext("photo")

    def evidence(requisites: Requisites) -> str:
        return requisites_text(requisites, gettext, html=False)

    workbook = await asyncio.to_thread(
        PlanWorkbook,
        measures_title=gettext("Measures"),
        measure_columns=_columns(MEASURE_COLUMNS, gettext),
        bodies_title=gettext("Bodies"),
        body_columns=_columns(BODY_COLUMNS, gettext),
    )
    async for batch in measure_batches(session, plan_id, body_ids):
        parts = await parts_of(session, [row.measure_id for row in batch], dates)
        assignment_ids = [part.assignment_id for rows in parts.values() for part in rows]
        reports = _by_assignment(await reports_of(session, assignment_ids))
        rows = [
            _measure_row(measure, parts.get(measure.measure_id, []), reports, dates, words)
            for measure in batch
        ]
        cells = [_measure_cells(row, zone, photo, evidence) for row in rows]
        await asyncio.to_thread(workbook.add_measures, cells)
    bodies = await plan_bodies(session, dates, plan_id, body_ids=body_ids)
    await asyncio.to_thread(workbook.add_bodies, [_body_cells(body) for body in bodies])
    measures = workbook.measure_rows
    content = await asyncio.to_thread(workbook.finish)
    return ExportedWorkbook(export_file_name(plan.title, dates.default_today), content, measures)


def _columns(specs: Sequence[tuple[str, float, bool]], gettext: Gettext) -> list[Column]:
    return [Column(gettext(header), width, wrap) for header, width, wrap in specs]


def _by_assignment(reports: list[ReportRow]) -> dict[int, list[ReportRow]]:
    found: dict[int, list[ReportRow]] = {}
    for report in reports:
        found.setdefault(report.assignment_id, []).append(report)
    return found


@dataclass(frozen=True, slots=True)
class _Row:
    measure: MeasureRow
    parts: list[PartRow]
    reports: list[tuple[PartRow, ReportRow]]  # oldest first
    status: Status
    words: dict[Status, str]


def _measure_row(
    measure: MeasureRow,
    parts: list[PartRow],
    reports: dict[int, list[ReportRow]],
    dates: StatusDates,
    words: dict[Status, str],
) -> _Row:
    # The measure counts "today" in its lead body's zone (the first part is the lead's).
    today = parts[0].today if parts else dates.default_today
    status = measure_status(
        deadline=measure.deadline,
        done_on=measure.done_on,
        removed=measure.removed,
        parts=[(part.is_lead, part.assignment_status) for part in parts],
        today=today,
    )
    found = [(part, report) for part in parts for report in reports.get(part.assignment_id, [])]
    found.sort(key=lambda pair: pair[1].submitted_at)
    return _Row(measure, parts, found, status, words)


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment is not None else None


def _measure_cells(
    row: _Row, zone: ZoneInfo, photo: str, evidence: Callable[[Requisites], str]
) -> SheetRow:
    measure, parts = row.measure, row.parts
    section = " ".join(part for part in (measure.section_number, measure.section_title) if part)
    deadline: date | str | None = measure.deadline or measure.deadline_text or None
    several = len(parts) > 1
    by_body = "\n".join(f"{part.body}: {row.words[part.status]}" for part in parts)
    last_sent = row.reports[-1][1].submitted_at if row.reports else None
    accepted = [
        (part, report) for part, report in row.reports if report.status is ReportStatus.ACCEPTED
    ]
    accepted.sort(key=lambda pair: pair[1].reviewed_at or pair[1].submitted_at)
    accepted_on = _local_day(accepted[-1][1].reviewed_at, zone) if accepted else None
    if accepted_on is None and row.status is Status.DONE:
        accepted_on = measure.done_on
    # The documents and comments of the reports that stand (accepted or awaiting review).
    standing = [(p, r) for p, r in row.reports if r.status is not ReportStatus.RETURNED]
    documents = "\n".join(
        _labelled(part.body, name or photo, several)
        for part, report in standing
        for name, _kind in report.documents
    )
    comments = "\n".join(
        _labelled(part.body, report.comment, several) for part, report in standing if report.comment
    )
    requisites = "\n".join(
        _labelled(part.body, evidence(report.requisites), several)
        for part, report in standing
        if report.requisites is not None
    )
    reviewed = [(r.reviewed_at, p.body, r.review_reason) for p, r in row.reports if r.review_reason]
    reviewed.sort(key=lambda item: item[0] or datetime.min)
    last_review = _labelled(reviewed[-1][1], reviewed[-1][2], several) if reviewed else None
    values = (
        measure.number,
        section or None,
        measure.title,
        deadline,
        "; ".join(part.body for part in parts) or None,
        by_body or None,
        row.words[row.status],
        _local_day(last_sent, zone),
        accepted_on,
        "; ".join(dict.fromkeys(r.reviewer for _, r in accepted if r.reviewer)) or None,
        documents or None,
        requisites or None,
        comments or None,
        last_review,
    )
    return SheetRow(values, overdue=row.status is Status.OVERDUE)


def _labelled(body: str, text: str | None, several: bool) -> str:
    return f"{body}: {text}" if several else (text or "")


def _body_cells(body: BodyRow) -> SheetRow:
    counts = [body.counts[status] for status in STATUS_ORDER]
    total = sum(counts)  # removed measures too: every part the body was given
    overdue = body.counts[Status.OVERDUE] > 0
    return SheetRow((body.name, body.full_name, total, *counts, body.registered), overdue)
