"""Applying an amendment order to the stored plan it amends, in the caller's one transaction.

`preview_order` (bot/amendments/preview.py) finds what the order changes; `apply_order` writes
exactly that: a plan version (kind ORDER, with the order's number and date) on the act's plan and
on each appendix plan it changes; each measure's cell changed with its audit event naming the
version; executors re-resolved in the directory as a re-import does (the part moves to the body
now named); a new deadline read from its text and recorded as an applied deadline move (the
reminders follow the deadline by themselves); rows restated, added or removed (removed measures
keep their history); an appendix's title changed; an added appendix imported as the act's
appendix plan; the bodies concerned told once. The same order applied twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.amendments.order import Action, AmendmentOrder, Field, RowText
from bot.amendments.preview import (
    AmendmentPreview,
    AppendixPreview,
    AppliedBefore,
    NotApplied,
    PlanChoice,
    ResolvedChange,
    preview_order,
    row_text,
    title_key,
)
from bot.audit import change_event
from bot.change_announcements import announce_changes, changes_between, plan_measure_states
from bot.deadline_changes import applied_change
from bot.plan_import.abbreviations import Abbreviations
from bot.plan_import.assignment_store import new_assignments, sync_assignments
from bot.plan_import.body_directory import OrganizationDirectory
from bot.plan_import.changes import measure_event
from bot.plan_import.deadlines import read_deadline
from bot.plan_import.executors import read_executors
from bot.plan_import.model import normalise_number, number_sort_key
from bot.plan_import.store import store_import
from bot.plan_versions import add_version
from bot.refusals import Refusal, Refused
from bot.successors import SuccessorPassed, pass_to_successor
from models.tables import Assignment, AuditEvent, Measure, Plan, PlanVersion, VersionKind

__all__ = [
    "AmendmentPreview",
    "AppendixPreview",
    "AppliedBefore",
    "AppliedOrder",
    "NotApplied",
    "PlanChoice",
    "ResolvedChange",
    "apply_order",
    "preview_order",
    "title_key",
]


@dataclass(slots=True)
class AppliedOrder:
    """What applying did: the preview it applied, the versions made, the appendix plans added."""

    preview: AmendmentPreview
    versions: dict[int, int] = field(default_factory=dict)  # plan id → version id
    appendix_plans: list[int] = field(default_factory=list)
    successions: list[SuccessorPassed] = field(default_factory=list)
    told: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.versions
            or self.appendix_plans
            or any(passed.changed for passed in self.successions)
        )


class _Application:
    def __init__(
        self,
        session: AsyncSession,
        order: AmendmentOrder,
        *,
        actor_id: int | None,
        today: date,
        now: datetime,
        file_name: str | None,
    ) -> None:
        self.session = session
        self.order = order
        self.actor_id = actor_id
        self.today = today
        self.now = now
        self.file_name = file_name
        self.versions: dict[int, PlanVersion] = {}
        self.audit: list[AuditEvent] = []
        self.directory = OrganizationDirectory(session, may_rename=False)
        self.loaded = False
        self.before: dict[int, dict[int, Any]] = {}

    async def version(self, plan_id: int) -> PlanVersion:
        if plan_id not in self.versions:
            self.before[plan_id] = await plan_measure_states(self.session, plan_id)
            self.versions[plan_id] = await add_version(
                self.session,
                plan_id,
                kind=VersionKind.ORDER,
                actor_id=self.actor_id,
                now=self.now,
                order_number=self.order.number,
                order_date=self.order.date,
                file_name=self.file_name,
            )
        return self.versions[plan_id]

    async def bodies(self) -> OrganizationDirectory:
        if not self.loaded:
            await self.directory.load()
            self.loaded = True
        return self.directory

    def note(
        self,
        version: PlanVersion,
        action: str,
        measure: Measure,
        name: str | None,
        old: Any,
        new: Any,
    ) -> None:
        event = measure_event(self.actor_id, action, measure, name, old, new)
        event.plan_version_id = version.id
        event.created_at = self.now
        self.audit.append(event)

    async def apply(self, change: ResolvedChange) -> None:
        version = await self.version(change.plan_id)
        if change.row is None:  # an appendix's title
            plan = await self.session.get(Plan, change.plan_id)
            assert plan is not None and change.after is not None
            event = change_event(
                actor_id=self.actor_id,
                action="plan_renamed",
                entity=plan,
                field="title",
                old=plan.title,
                new=change.after,
                at=self.now,
            )
            event.plan_version_id = version.id
            self.audit.append(event)
            plan.title = change.after
            return
        if change.action is Action.ADD:
            await self.add_row(version, change)
            return
        measure = await self.session.get(Measure, change.measure_id)
        assert measure is not None
        if change.action is Action.REMOVE:
            measure.removed_at = self.now
            self.note(version, "measure_removed", measure, "removed_at", None, self.now)
        elif change.action is Action.RESTATE:
            row = change.change.new_row or RowText(number=change.row, title=change.after or "")
            # A cell the restated row leaves empty (a row written as text) keeps its value.
            for name, text in (
                (Field.TITLE, row.title),
                (Field.DEADLINE, row.deadline),
                (Field.EXECUTORS, row.executors),
                (Field.RESULT, row.result),
            ):
                if text.strip():
                    await self.set_cell(version, measure, name, text)
        else:
            await self.set_cell(version, measure, change.field, change.after or "")

    async def set_cell(
        self, version: PlanVersion, measure: Measure, name: Field, text: str
    ) -> None:
        if name is Field.TITLE:
            if text and text != measure.title:
                self.note(version, "measure_changed", measure, "title", measure.title, text)
                measure.title = text
        elif name is Field.RESULT:
            value = text or None
            if value != measure.result:
                self.note(version, "measure_changed", measure, "result", measure.result, value)
                measure.result = value
        elif name is Field.DEADLINE:
            await self.set_deadline(version, measure, text)
        elif name is Field.EXECUTORS:
            await self.set_executors(version, measure, text)

    async def set_deadline(self, version: PlanVersion, measure: Measure, text: str) -> None:
        if text != measure.deadline_text:
            self.note(
                version, "measure_changed", measure, "deadline_text", measure.deadline_text, text
            )
            measure.deadline_text = text
        new = read_deadline(text).deadline
        if new is not None and new != measure.deadline:
            # The same record as a coordinator's deadline move; the reminders follow it.
            self.session.add(
                applied_change(
                    measure,
                    measure.deadline,
                    new,
                    reason=_order_reason(self.order),
                    actor_id=self.actor_id,
                    now=self.now,
                )
            )
            self.note(version, "measure_changed", measure, "deadline", measure.deadline, new)
            measure.deadline = new

    async def set_executors(self, version: PlanVersion, measure: Measure, text: str) -> None:
        cells = dict(measure.source_cells or {})
        if cells.get("executors") == text:
            return
        cells["executors"] = text
        measure.source_cells = cells
        current = list(
            await self.session.scalars(
                select(Assignment).where(Assignment.measure_id == measure.id)
            )
        )
        audit: list[AuditEvent] = []
        await sync_assignments(
            self.session,
            measure,
            read_executors(text, Abbreviations()),
            current,
            await self.bodies(),
            audit,
            self.actor_id,
            self.today,
        )
        for event in audit:
            event.plan_version_id = version.id
            event.created_at = self.now
        self.audit.extend(audit)

    async def add_row(self, version: PlanVersion, change: ResolvedChange) -> None:
        row = change.change.new_row or RowText(number=change.row or "", title=change.after or "")
        key = normalise_number(row.number)
        measure = await self.session.scalar(
            select(Measure).where(Measure.plan_id == change.plan_id, Measure.number_key == key)
        )
        if measure is None:
            measure = Measure(
                plan_id=change.plan_id,
                number=row.number,
                number_key=key,
                sort_key=number_sort_key(key),
                title=row.title,
                deadline=read_deadline(row.deadline).deadline,
                deadline_text=row.deadline,
                result=row.result or None,
                source_cells=_cells(row),
                created_at=self.now,
            )
            self.session.add(measure)
            await self.session.flush()
        else:  # a removed row of the same number comes back
            measure.removed_at = None
            measure.title = row.title
            measure.deadline = read_deadline(row.deadline).deadline
            measure.deadline_text = row.deadline
            measure.result = row.result or None
            measure.source_cells = _cells(row)
        self.note(version, "measure_added", measure, None, None, row_text(row))
        for values in await new_assignments(
            measure.id, read_executors(row.executors, Abbreviations()), await self.bodies()
        ):
            self.session.add(Assignment(**values))

    async def add_appendix(self, act_id: int, appendix: AppendixPreview) -> int | None:
        if appendix.result is None:
            return None
        report = await store_import(
            self.session,
            appendix.result,
            actor_id=self.actor_id,
            may_rename_bodies=False,
            source_file_name=self.file_name,
            today=self.today,
            now=self.now,
        )
        plan_id = report.plans[0].plan_id
        plan = await self.session.get(Plan, plan_id)
        assert plan is not None
        plan.act_id = act_id
        plan.appendix_number = appendix.addition.number
        if report.plans[0].version_id is not None:
            version = await self.session.get(PlanVersion, report.plans[0].version_id)
            if version is not None:  # the appendix came with this order
                version.kind = VersionKind.ORDER
                version.order_number = self.order.number
                version.order_date = self.order.date
        return plan_id


def _cells(row: RowText) -> dict[str, str]:
    return {
        "number": row.number,
        "title": row.title,
        "deadline": row.deadline,
        "executors": row.executors,
        "result": row.result,
    }


def _order_reason(order: AmendmentOrder) -> str:
    number = order.number or "—"
    when = order.date.strftime("%d.%m.%Y") if order.date else ""
    return f"№ {number} {when}".strip()


async def apply_order(
    session: AsyncSession,
    roles: Roles,
    order: AmendmentOrder,
    *,
    plan_id: int | None,
    actor_id: int | None,
    today: date,
    now: datetime,
    file_name: str | None = None,
) -> AppliedOrder:
    """Apply what `preview_order` finds; nothing when the order was applied before."""
    preview = await preview_order(session, roles, order, plan_id=plan_id, today=today)
    if preview.plan is None:
        raise Refused(Refusal.NOT_AVAILABLE)
    applied = AppliedOrder(preview)
    if preview.applied_before is not None:
        return applied
    run = _Application(session, order, actor_id=actor_id, today=today, now=now, file_name=file_name)
    for change in preview.changes:
        await run.apply(change)
    for appendix in preview.appendices:
        added = await run.add_appendix(preview.plan.plan_id, appendix)
        if added is not None:
            applied.appendix_plans.append(added)
    if run.versions or applied.appendix_plans or preview.successors:
        await run.version(preview.plan.plan_id)  # the act's own version names the order
    session.add_all(run.audit)
    await session.flush()
    changes_by_plan: dict[int, list[Any]] = defaultdict(list)
    for changed_plan_id, before in run.before.items():
        after = await plan_measure_states(session, changed_plan_id)
        changes_by_plan[changed_plan_id] = changes_between(before, after)
    applied.told = await announce_changes(
        session,
        [change for changes in changes_by_plan.values() for change in changes],
        actor_id=actor_id,
        change_set=f"order:{preview.plan.plan_id}:{order.number}:{order.date}",
        now=now,
    )
    act_version = run.versions.get(preview.plan.plan_id)
    for succession in preview.successors:
        passed = await pass_to_successor(
            session,
            body_id=succession.body_id,
            successor_name=succession.successor.successor,
            since=succession.successor.since,
            actor_id=actor_id,
            version_id=act_version.id if act_version is not None else None,
            today=today,
            now=now,
        )
        applied.successions.append(passed)
    applied.versions = {plan: version.id for plan, version in run.versions.items()}
    return applied
