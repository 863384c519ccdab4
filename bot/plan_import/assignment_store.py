"""A measure's executors on import: rows for a new measure's bodies, and for a measure already
stored its assignments made to match the document (a body no longer named keeps its assignment
as history, ended today).

An executor naming a directory group (`groups.py`) is its member bodies, each with its own part;
the part keeps the group's name as written (`executor_text`). A group named as the lead makes
every member a lead: the measure is done when all of them are (`bot.measure_status` decides a
measure by its leads' parts), as the plan asks of every body of the group.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.plan_import.body_directory import OrganizationDirectory
from bot.plan_import.changes import measure_event
from bot.plan_import.model import ParsedExecutor
from models.tables import Assignment, AuditEvent, Measure, Organization


def _executor_values(
    executor: ParsedExecutor, position: int, group_id: int | None = None
) -> dict[str, Any]:
    """What the document says about one executor of a measure (`group_id`: the directory
    group it names, for each of the group's bodies)."""
    return {
        "group_id": group_id,
        "is_lead": executor.lead,
        "by_agreement": executor.by_agreement,
        "executor_text": executor.source_text or executor.name,
        "named_person": executor.person,
        "position": position,
    }


async def _bodies(
    executors: Iterable[ParsedExecutor], directory: OrganizationDirectory
) -> AsyncIterator[tuple[Organization, dict[str, Any]]]:
    """Each body the executors name (a group: each member), once, in the cell's order."""
    seen: set[int] = set()
    position = 0
    for executor in executors:
        bodies, group = await directory.bodies(executor)
        for organization in bodies:
            if organization.id in seen:
                continue  # the same body named twice in one cell (or in a group and alone)
            seen.add(organization.id)
            yield (
                organization,
                _executor_values(executor, position, group.id if group is not None else None),
            )
            position += 1


async def new_assignments(
    measure_id: int, executors: Iterable[ParsedExecutor], directory: OrganizationDirectory
) -> list[dict[str, Any]]:
    """Rows for the executors of a new measure, each body once, in the cell's order."""
    return [
        {"measure_id": measure_id, "organization_id": organization.id, **values}
        async for organization, values in _bodies(executors, directory)
    ]


@dataclass(slots=True)
class _AssignmentSync:
    """One measure's assignments being made to match its executors."""

    session: AsyncSession
    measure: Measure
    audit: list[AuditEvent]
    actor_id: int | None
    changed: bool = False

    def note(self, action: str, field_name: str, old: Any, new: Any) -> None:
        self.changed = True
        self.audit.append(measure_event(self.actor_id, action, self.measure, field_name, old, new))

    def add(self, organization: Organization, values: dict[str, Any]) -> None:
        self.session.add(
            Assignment(measure_id=self.measure.id, organization_id=organization.id, **values)
        )
        self.note("executor_added", "executor", None, organization.full_name)

    def update(
        self, assignment: Assignment, organization: Organization, values: dict[str, Any]
    ) -> None:
        if assignment.valid_until is not None:
            assignment.valid_until = None
            self.note("executor_added", "executor", None, organization.full_name)
        for name, value in values.items():
            if getattr(assignment, name) != value:
                if name in ("is_lead", "by_agreement"):
                    self.note("executor_changed", name, getattr(assignment, name), value)
                setattr(assignment, name, value)

    def end(self, assignment: Assignment, today: date) -> None:
        assignment.valid_until = today
        self.note("executor_removed", "executor", assignment.executor_text, None)


async def sync_assignments(
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
    sync = _AssignmentSync(session, measure, audit, actor_id)
    by_organization = {assignment.organization_id: assignment for assignment in current}
    wanted: set[int] = set()
    async for organization, values in _bodies(executors, directory):
        wanted.add(organization.id)
        assignment = by_organization.get(organization.id)
        if assignment is None:
            sync.add(organization, values)
        else:
            sync.update(assignment, organization, values)
    for organization_id, assignment in by_organization.items():
        if organization_id not in wanted and assignment.valid_until is None:
            sync.end(assignment, today)
    return sync.changed
