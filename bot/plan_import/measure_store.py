"""A plan's measures on import, matched by number: new ones are added (one bulk insert, a plan
may have thousands), changed ones updated field by field (each change in the audit trail, a
moved deadline also as a DeadlineChange), and measures gone from the document are marked
removed, never deleted, so their reports and history stay."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deadline_changes import applied_change
from bot.plan_import.assignment_store import new_assignments, sync_assignments
from bot.plan_import.body_directory import OrganizationDirectory
from bot.plan_import.changes import PlanChanges, measure_event
from bot.plan_import.model import ParsedMeasure, ParsedPlan
from models.tables import (
    Assignment,
    AuditEvent,
    Measure,
    Plan,
)

# Fields of a measure that a new version of the document may change.
MEASURE_FIELDS = ("title", "deadline", "deadline_text", "result", "source_location")


def _measure_values(parsed: ParsedMeasure) -> dict[str, Any]:
    return {
        "title": parsed.title,
        "deadline": parsed.deadline,
        "deadline_text": parsed.deadline_text,
        "result": parsed.result,
        "source_location": parsed.location,
    }


def _unique_key(number_key: str, seen: set[str]) -> str:
    """The key of a measure: its number, or for a number the document repeats (the reader
    warns about it) the number with its occurrence, "1.5#2", so that no measure is lost and a
    new version of the same document matches the same way."""
    if number_key not in seen:
        return number_key
    occurrence = 2
    while f"{number_key}#{occurrence}" in seen:
        occurrence += 1
    return f"{number_key}#{occurrence}"


@dataclass(slots=True)
class _MeasureImport:
    """One plan's measures being written: the context every step shares."""

    session: AsyncSession
    plan: Plan
    directory: OrganizationDirectory
    changes: PlanChanges
    actor_id: int | None
    today: date
    now: datetime
    audit: list[AuditEvent] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    matched: list[tuple[ParsedMeasure, Measure, str]] = field(default_factory=list)
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    new_measures: list[ParsedMeasure] = field(default_factory=list)

    def note(
        self, action: str, measure: Measure, field_name: str | None, old: Any, new: Any
    ) -> None:
        self.audit.append(measure_event(self.actor_id, action, measure, field_name, old, new))

    def add_new(self, parsed: ParsedMeasure, key: str, section_id: int | None) -> None:
        self.new_rows.append(
            {
                "plan_id": self.plan.id,
                "section_id": section_id,
                "number": parsed.number,
                "number_key": key,
                "sort_key": parsed.sort_key,
                "source_cells": dict(parsed.source_cells),
                "done_before_import": parsed.done,
                "done_on": (parsed.done_on or self.today) if parsed.done else None,
                "created_at": self.now,
                **_measure_values(parsed),
            }
        )
        self.new_measures.append(parsed)
        self.changes.added.append(key)

    def update(
        self, parsed: ParsedMeasure, measure: Measure, key: str, section_id: int | None
    ) -> None:
        self.matched.append((parsed, measure, key))
        _update_place(measure, parsed, section_id)
        if measure.removed_at is not None:
            measure.removed_at = None
            self.changes.restored.append(key)
            self.note("measure_restored", measure, None, None, None)
        for name, value in _measure_values(parsed).items():
            self.update_field(measure, key, name, value)
        if parsed.done and measure.done_on is None:
            measure.done_on = parsed.done_on or self.today
            measure.done_before_import = True
            self.changes.changed.append(key)
            self.note("measure_changed", measure, "done_on", None, measure.done_on)

    def update_field(self, measure: Measure, key: str, name: str, value: Any) -> None:
        old = getattr(measure, name)
        if old == value:
            return
        if name != "source_location":
            self.changes.changed.append(key)
            self.note("measure_changed", measure, name, old, value)
        if name == "deadline" and value is not None:
            self.session.add(
                applied_change(
                    measure, old, value, reason="import", actor_id=self.actor_id, now=self.now
                )
            )
        setattr(measure, name, value)


def _update_place(measure: Measure, parsed: ParsedMeasure, section_id: int | None) -> None:
    """Where the measure stands in the document: not changes the audit trail records."""
    measure.section_id = section_id
    if measure.sort_key != parsed.sort_key:
        measure.sort_key = parsed.sort_key
    if measure.number != parsed.number:
        measure.number = parsed.number
    if measure.source_cells != parsed.source_cells:
        measure.source_cells = dict(parsed.source_cells)


async def _stored_measures(session: AsyncSession, plan_id: int) -> dict[str, Measure]:
    return {
        measure.number_key: measure
        for measure in await session.scalars(select(Measure).where(Measure.plan_id == plan_id))
    }


async def _stored_assignments(session: AsyncSession, plan_id: int) -> dict[int, list[Assignment]]:
    assignments: dict[int, list[Assignment]] = {}
    rows = await session.scalars(
        select(Assignment)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(Measure.plan_id == plan_id)
    )
    for assignment in rows:
        assignments.setdefault(assignment.measure_id, []).append(assignment)
    return assignments


async def _insert_new(run: _MeasureImport) -> None:
    """New measures with one bulk insert, then their executors."""
    if not run.new_rows:
        return
    new_ids = (
        await run.session.scalars(
            insert(Measure).returning(Measure.id, sort_by_parameter_order=True), run.new_rows
        )
    ).all()
    assignment_rows = []
    for parsed, measure_id in zip(run.new_measures, new_ids, strict=True):
        assignment_rows.extend(await new_assignments(measure_id, parsed.executors, run.directory))
    if assignment_rows:
        await run.session.execute(insert(Assignment), assignment_rows)


async def _sync_matched_executors(
    run: _MeasureImport, assignments: dict[int, list[Assignment]]
) -> None:
    changes = run.changes
    for parsed, measure, key in run.matched:
        executors_changed = await sync_assignments(
            run.session,
            measure,
            parsed.executors,
            assignments.get(measure.id, []),
            run.directory,
            run.audit,
            run.actor_id,
            run.today,
        )
        if executors_changed:
            changes.changed.append(key)
    changes.changed = list(dict.fromkeys(changes.changed))
    changes.unchanged = sum(
        1 for _, _, key in run.matched if key not in changes.changed and key not in changes.restored
    )


def _mark_removed(run: _MeasureImport, existing: dict[str, Measure]) -> None:
    for key, measure in existing.items():
        if key not in run.seen and measure.removed_at is None:
            measure.removed_at = run.now
            run.changes.removed.append(key)
            run.note("measure_removed", measure, "removed_at", None, run.now)


async def store_measures(
    session: AsyncSession,
    plan: Plan,
    parsed_plan: ParsedPlan,
    section_ids: dict[str, int],
    directory: OrganizationDirectory,
    changes: PlanChanges,
    actor_id: int | None,
    today: date,
    now: datetime,
    version_id: int | None = None,
) -> None:
    existing = await _stored_measures(session, plan.id)
    assignments = await _stored_assignments(session, plan.id) if existing else {}
    run = _MeasureImport(session, plan, directory, changes, actor_id, today, now)
    for parsed in parsed_plan.measures:
        key = _unique_key(parsed.number_key, run.seen)
        run.seen.add(key)
        section_id = section_ids.get(parsed.section_key) if parsed.section_key else None
        measure = existing.get(key)
        if measure is None:
            run.add_new(parsed, key, section_id)
        else:
            run.update(parsed, measure, key, section_id)
    await _insert_new(run)
    await session.flush()
    await _sync_matched_executors(run, assignments)
    _mark_removed(run, existing)
    for event in run.audit:  # the import's moment, as the measures' history shows it
        event.created_at = now
        event.plan_version_id = version_id
    session.add_all(run.audit)
    await session.flush()
