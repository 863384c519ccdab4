"""Writing an understood plan to the database, and re-importing a changed version of it.

A plan is recognised by its title. Measures are matched by number: new ones are added,
changed ones updated field by field (each change in the audit trail, a moved deadline also as
a DeadlineChange), and measures gone from the document are marked removed, never deleted, so
their reports and history stay. Bodies are stored once: the same body written in full or as an
abbreviation is one organization.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import change_event, record_change
from bot.deadline_changes import applied_change
from bot.plan_import.model import ImportResult, ParsedExecutor, ParsedMeasure, ParsedPlan
from models.queries import live_plan
from models.tables import (
    Assignment,
    AuditEvent,
    Measure,
    Membership,
    Organization,
    Plan,
    Role,
    Section,
    SectionKind,
)

# Fields of a measure that a new version of the document may change.
MEASURE_FIELDS = ("title", "deadline", "deadline_text", "result", "source_location")


def name_key(name: str) -> str:
    """A body's name as a key: case, ё/е, quote styles and spacing do not make another body."""
    folded = name.casefold().replace("ё", "е")
    folded = re.sub(r"[«»“”„\"']", '"', folded)
    return re.sub(r"\s+", " ", folded).strip(" .,;")


def plan_key(title: str) -> str:
    return name_key(title)


@dataclass(slots=True)
class PlanChanges:
    """What one import did to one plan."""

    plan_id: int
    title: str
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "title": self.title,
            "created": self.created,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "restored": self.restored,
            "unchanged": self.unchanged,
        }


@dataclass(slots=True)
class StoreReport:
    plans: list[PlanChanges]
    organizations_created: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "plans": [plan.to_json() for plan in self.plans],
            "organizations_created": self.organizations_created,
        }


class PlanNotYours(Exception):
    """A coordinator tried to re-import a plan they do not coordinate."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


class OrganizationDirectory:
    """Finds or creates bodies by full name or abbreviation, loading all of them once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.by_key: dict[str, Organization] = {}
        self.by_short: dict[str, list[Organization]] = {}
        self.created: list[str] = []

    async def load(self) -> None:
        for organization in await self.session.scalars(select(Organization)):
            self._remember(organization)

    def _remember(self, organization: Organization) -> None:
        self.by_key[organization.name_key] = organization
        if organization.short_name:
            self.by_short.setdefault(name_key(organization.short_name), []).append(organization)

    def find(self, executor: ParsedExecutor) -> Organization | None:
        found = self.by_key.get(name_key(executor.name))
        if found is not None:
            return found
        for candidate in (executor.short_name, executor.name):
            if not candidate:
                continue
            same_short = self.by_short.get(name_key(candidate), [])
            if len(same_short) == 1:
                return same_short[0]
        return None

    async def resolve(self, executor: ParsedExecutor) -> Organization:
        organization = self.find(executor)
        if organization is None:
            organization = Organization(
                full_name=executor.name,
                name_key=name_key(executor.name),
                short_name=executor.short_name,
            )
            self.session.add(organization)
            await self.session.flush()
            self._remember(organization)
            self.created.append(executor.name)
        elif executor.short_name and not organization.short_name:
            organization.short_name = executor.short_name
            self._remember(organization)
        return organization


async def store_import(
    session: AsyncSession,
    result: ImportResult,
    *,
    actor_id: int | None,
    may_update_plan: Any = None,
    source_file_name: str | None = None,
    source_sha256: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> StoreReport:
    """Write every plan of `result`; the caller's transaction commits or rolls back all of it.

    `may_update_plan(plan_id) -> bool` guards re-imports (a coordinator updates only their
    own plans); new plans are always allowed, and the importing person coordinates them.
    """
    now = now or datetime.now(UTC)
    today = today or now.date()
    directory = OrganizationDirectory(session)
    await directory.load()
    reports = []
    for parsed in result.plans:
        plan, created = await _find_or_create_plan(session, parsed, actor_id)
        if not created and may_update_plan is not None and not may_update_plan(plan.id):
            raise PlanNotYours(plan.title)
        plan.source_file_name = source_file_name
        plan.source_sha256 = source_sha256
        changes = PlanChanges(plan_id=plan.id, title=plan.title, created=created)
        section_ids = await _replace_sections(session, plan, parsed)
        await _store_measures(
            session, plan, parsed, section_ids, directory, changes, actor_id, today, now
        )
        reports.append(changes)
    return StoreReport(plans=reports, organizations_created=directory.created)


async def _find_or_create_plan(
    session: AsyncSession, parsed: ParsedPlan, actor_id: int | None
) -> tuple[Plan, bool]:
    key = plan_key(parsed.title)
    for plan in await session.scalars(select(Plan).where(live_plan())):
        if plan_key(plan.title) == key:
            return plan, False
    plan = Plan(title=parsed.title, created_by_id=actor_id)
    session.add(plan)
    await session.flush()
    await record_change(
        session, actor_id=actor_id, action="plan_imported", entity=plan, new=parsed.title
    )
    return plan, True


async def _replace_sections(
    session: AsyncSession, plan: Plan, parsed: ParsedPlan
) -> dict[str, int]:
    """Sections are the document's structure: rebuilt from each version of it."""
    await session.execute(
        Measure.__table__.update().where(Measure.plan_id == plan.id).values(section_id=None)
    )
    await session.execute(delete(Section).where(Section.plan_id == plan.id))
    ids: dict[str, int] = {}
    for position, parsed_section in enumerate(parsed.sections):
        section = Section(
            plan_id=plan.id,
            parent_id=ids.get(parsed_section.parent_key) if parsed_section.parent_key else None,
            kind=SectionKind(parsed_section.kind),
            number=parsed_section.number,
            title=parsed_section.title,
            year=parsed_section.year,
            position=position,
        )
        session.add(section)
        await session.flush()
        ids[parsed_section.key] = section.id
    return ids


def _measure_values(parsed: ParsedMeasure) -> dict[str, Any]:
    return {
        "title": parsed.title,
        "deadline": parsed.deadline,
        "deadline_text": parsed.deadline_text,
        "result": parsed.result,
        "source_location": parsed.location,
    }


async def _store_measures(
    session: AsyncSession,
    plan: Plan,
    parsed_plan: ParsedPlan,
    section_ids: dict[str, int],
    directory: OrganizationDirectory,
    changes: PlanChanges,
    actor_id: int | None,
    today: date,
    now: datetime,
) -> None:
    existing = {
        measure.number_key: measure
        for measure in await session.scalars(select(Measure).where(Measure.plan_id == plan.id))
    }
    assignments: dict[int, list[Assignment]] = {}
    if existing:
        rows = await session.scalars(
            select(Assignment)
            .join(Measure, Measure.id == Assignment.measure_id)
            .where(Measure.plan_id == plan.id)
        )
        for assignment in rows:
            assignments.setdefault(assignment.measure_id, []).append(assignment)

    seen: set[str] = set()
    audit: list[AuditEvent] = []
    # New measures go in with one bulk insert (a plan may have thousands), then their executors;
    # measures already stored are compared and updated field by field.
    matched: list[tuple[ParsedMeasure, Measure, str]] = []
    new_rows: list[dict[str, Any]] = []
    new_measures: list[ParsedMeasure] = []
    for parsed in parsed_plan.measures:
        key = _unique_key(parsed.number_key, seen)
        seen.add(key)
        section_id = section_ids.get(parsed.section_key) if parsed.section_key else None
        measure = existing.get(key)
        if measure is None:
            new_rows.append(
                {
                    "plan_id": plan.id,
                    "section_id": section_id,
                    "number": parsed.number,
                    "number_key": key,
                    "sort_key": parsed.sort_key,
                    "source_cells": dict(parsed.source_cells),
                    "done_before_import": parsed.done,
                    "done_on": (parsed.done_on or today) if parsed.done else None,
                    **_measure_values(parsed),
                }
            )
            new_measures.append(parsed)
            changes.added.append(key)
            continue
        matched.append((parsed, measure, key))
        measure.section_id = section_id
        if measure.sort_key != parsed.sort_key:
            measure.sort_key = parsed.sort_key
        if measure.number != parsed.number:
            measure.number = parsed.number
        if measure.source_cells != parsed.source_cells:
            measure.source_cells = dict(parsed.source_cells)
        if measure.removed_at is not None:
            measure.removed_at = None
            changes.restored.append(key)
            audit.append(_event(actor_id, "measure_restored", measure, None, None, None))
        for name, value in _measure_values(parsed).items():
            old = getattr(measure, name)
            if old == value:
                continue
            if name != "source_location":
                changes.changed.append(key)
                audit.append(_event(actor_id, "measure_changed", measure, name, old, value))
            if name == "deadline" and value is not None:
                session.add(
                    applied_change(measure, old, value, reason="import", actor_id=actor_id, now=now)
                )
            setattr(measure, name, value)
        if parsed.done and measure.done_on is None:
            measure.done_on = parsed.done_on or today
            measure.done_before_import = True
            changes.changed.append(key)
            audit.append(
                _event(actor_id, "measure_changed", measure, "done_on", None, measure.done_on)
            )
    if new_rows:
        new_ids = (
            await session.scalars(
                insert(Measure).returning(Measure.id, sort_by_parameter_order=True), new_rows
            )
        ).all()
        assignment_rows = []
        for parsed, measure_id in zip(new_measures, new_ids, strict=True):
            assignment_rows.extend(await _new_assignments(measure_id, parsed.executors, directory))
        if assignment_rows:
            await session.execute(insert(Assignment), assignment_rows)
    await session.flush()

    for parsed, measure, key in matched:
        executors_changed = await _sync_assignments(
            session,
            measure,
            parsed.executors,
            assignments.get(measure.id, []),
            directory,
            audit,
            actor_id,
            today,
        )
        if executors_changed:
            changes.changed.append(key)
    changes.changed = list(dict.fromkeys(changes.changed))
    changes.unchanged = sum(
        1 for _, _, key in matched if key not in changes.changed and key not in changes.restored
    )

    for key, measure in existing.items():
        if key not in seen and measure.removed_at is None:
            measure.removed_at = now
            changes.removed.append(key)
            audit.append(_event(actor_id, "measure_removed", measure, "removed_at", None, now))
    session.add_all(audit)
    await session.flush()


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


def _event(
    actor_id: int | None, action: str, measure: Measure, field_name: str | None, old: Any, new: Any
) -> AuditEvent:
    return change_event(
        actor_id=actor_id, action=action, entity=measure, field=field_name, old=old, new=new
    )


async def _new_assignments(
    measure_id: int, executors: Iterable[ParsedExecutor], directory: OrganizationDirectory
) -> list[dict[str, Any]]:
    """Rows for the executors of a new measure, each body once, in the cell's order."""
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for position, executor in enumerate(executors):
        organization = await directory.resolve(executor)
        if organization.id in seen:
            continue
        seen.add(organization.id)
        rows.append(
            {
                "measure_id": measure_id,
                "organization_id": organization.id,
                "is_lead": executor.lead,
                "by_agreement": executor.by_agreement,
                "executor_text": executor.source_text or executor.name,
                "named_person": executor.person,
                "position": position,
            }
        )
    return rows


async def _sync_assignments(
    session: AsyncSession,
    measure: Measure,
    executors: Iterable[ParsedExecutor],
    current: list[Assignment],
    directory: OrganizationDirectory,
    audit: list[AuditEvent],
    actor_id: int | None,
    today: date,
) -> bool:
    """Make the measure's assignments match the executors; returns whether anything changed.

    A body no longer named keeps its assignment as history, ended today (valid_until).
    """
    changed = False
    by_organization = {assignment.organization_id: assignment for assignment in current}
    wanted: set[int] = set()
    for position, executor in enumerate(executors):
        organization = await directory.resolve(executor)
        if organization.id in wanted:
            continue  # the same body named twice in one cell
        wanted.add(organization.id)
        assignment = by_organization.get(organization.id)
        values = {
            "is_lead": executor.lead,
            "by_agreement": executor.by_agreement,
            "executor_text": executor.source_text or executor.name,
            "named_person": executor.person,
            "position": position,
        }
        if assignment is None:
            assignment = Assignment(
                measure_id=measure.id, organization_id=organization.id, **values
            )
            session.add(assignment)
            changed = True
            audit.append(
                _event(
                    actor_id, "executor_added", measure, "executor", None, organization.full_name
                )
            )
            continue
        if assignment.valid_until is not None:
            assignment.valid_until = None
            changed = True
            audit.append(
                _event(
                    actor_id, "executor_added", measure, "executor", None, organization.full_name
                )
            )
        for name, value in values.items():
            if getattr(assignment, name) != value:
                if name in ("is_lead", "by_agreement"):
                    changed = True
                    audit.append(
                        _event(
                            actor_id,
                            "executor_changed",
                            measure,
                            name,
                            getattr(assignment, name),
                            value,
                        )
                    )
                setattr(assignment, name, value)
    for organization_id, assignment in by_organization.items():
        if organization_id not in wanted and assignment.valid_until is None:
            assignment.valid_until = today
            changed = True
            audit.append(
                _event(
                    actor_id,
                    "executor_removed",
                    measure,
                    "executor",
                    assignment.executor_text,
                    None,
                )
            )
    return changed


async def make_importer_coordinator(
    session: AsyncSession, report: StoreReport, official_id: int
) -> None:
    """The person who imported a new plan coordinates it."""
    for plan in report.plans:
        if plan.created:
            session.add(
                Membership(
                    official_id=official_id,
                    role=Role.COORDINATOR,
                    plan_id=plan.plan_id,
                    granted_by_id=official_id,
                )
            )
    await session.flush()
