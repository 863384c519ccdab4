"""What one import did: the per-plan change lists the preview and the command line show, and
the audit events that record each change of a measure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.audit import change_event
from bot.plan_import.body_directory import NameDifference
from models.tables import AuditEvent, Measure


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
    version_id: int | None = None  # the plan version this import made (None: nothing changed)

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
    # Stored bodies the file names otherwise (kept unless an administrator imported).
    name_differences: list[NameDifference] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "plans": [plan.to_json() for plan in self.plans],
            "organizations_created": self.organizations_created,
            "name_differences": [
                {
                    "stored": difference.stored,
                    "stored_short": difference.stored_short,
                    "in_file": difference.in_file,
                    "in_file_short": difference.in_file_short,
                    "applied": difference.applied,
                }
                for difference in self.name_differences
            ],
        }


class PlanNotYours(Exception):
    """A coordinator tried to re-import a plan they do not coordinate."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


def measure_event(
    actor_id: int | None, action: str, measure: Measure, field_name: str | None, old: Any, new: Any
) -> AuditEvent:
    return change_event(
        actor_id=actor_id, action=action, entity=measure, field=field_name, old=old, new=new
    )
