"""An amendment order matched against the stored plan it amends, before anything is saved.

Which plan: the one the person chose (`plan_id`), else the plan whose title is the amended act's
(titles compare after folding quotes, case and spaces) among the plans the person coordinates;
several or none leave the choice to the person (`candidates`). Each change is found in the
stored rows (a measure by its number within its plan; an appendix by its number among the act's
appendix plans, or by its quoted title) and computed as the whole cell before and after; a
change that cannot be applied is listed with its `Reason`, never guessed and never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.amendments.order import (
    Action,
    AmendmentOrder,
    AppendixAddition,
    Change,
    Field,
    Reason,
    RowText,
    Successor,
)
from bot.body_names import nominative
from bot.plan_import.body_directory import name_key
from bot.plan_import.model import ImportFailure, ImportResult, normalise_number
from bot.plan_import.reading import read_plan
from bot.refusals import Refusal, Refused
from bot.scope import coordinated_plan_ids, governed_body
from bot.successors import find_named_body, succession_loops
from models.queries import active_assignment
from models.tables import (
    Assignment,
    Measure,
    Official,
    Organization,
    Plan,
    PlanVersion,
    VersionKind,
)

# The columns of a plan's table when its layout says nothing else: № / title / deadline /
# executors / result.
DEFAULT_COLUMNS = ("number", "title", "deadline", "executors", "result")
CELL_FIELDS = (Field.TITLE, Field.DEADLINE, Field.EXECUTORS, Field.RESULT)
QUOTES = re.compile(r"[«»“”„\"']")


def title_key(title: str) -> str:
    """A plan's or an appendix's title as a key: quotes, case and spacing do not count."""
    return re.sub(r"\s+", " ", QUOTES.sub("", name_key(title))).strip()


@dataclass(frozen=True, slots=True)
class PlanChoice:
    plan_id: int
    title: str


@dataclass(frozen=True, slots=True)
class ResolvedChange:
    """A change found in a stored row: the whole cell before and after."""

    change: Change
    plan_id: int
    measure_id: int | None  # None for an added row and an appendix's title
    row: str | None
    field: Field
    before: str | None
    after: str | None

    @property
    def action(self) -> Action:
        return self.change.action

    @property
    def place(self) -> str:
        """Where a change of no row stands, as the order says it: an appendix's title."""
        if self.change.appendix:
            return f"приложение № {self.change.appendix}"
        return "наименование"

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row if self.row is not None else self.place,
            "field": self.field.value,
            "action": self.action.value,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True)
class NotApplied:
    text: str
    reason: str  # a `Reason` value

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class AppendixPreview:
    addition: AppendixAddition
    measures: int
    result: ImportResult | None  # the appendix's plan as read (None: its text holds none)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.addition.number,
            "title": self.addition.title,
            "measures": self.measures,
        }


@dataclass(frozen=True, slots=True)
class ResolvedSuccessor:
    """A succession the order states, with the stored body whose measures pass on."""

    successor: Successor
    body_id: int
    body_name: str  # as stored

    def to_json(self) -> dict[str, Any]:
        return {
            "body": self.body_name,
            "successor": nominative(self.successor.successor),
            "from": self.successor.since.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class AppliedBefore:
    """The same order applied to the same plan already: when and by whom."""

    on: date
    by: str | None


@dataclass(slots=True)
class AmendmentPreview:
    order: AmendmentOrder
    plan: PlanChoice | None = None
    candidates: list[PlanChoice] = field(default_factory=list)  # when the person must choose
    changes: list[ResolvedChange] = field(default_factory=list)
    successors: list[ResolvedSuccessor] = field(default_factory=list)
    appendices: list[AppendixPreview] = field(default_factory=list)
    not_applied: list[NotApplied] = field(default_factory=list)
    applied_before: AppliedBefore | None = None

    @property
    def needs_choice(self) -> bool:
        return self.plan is None

    @property
    def anything(self) -> bool:
        return bool(self.changes or self.successors or self.appendices)

    def to_json(self) -> dict[str, Any]:
        """The contract of `python -m bot amend --json` (issue 15)."""
        return {
            "order": {
                "number": self.order.number,
                "date": self.order.date.isoformat() if self.order.date else None,
            },
            "changes": [change.to_json() for change in self.changes],
            "successors": [successor.to_json() for successor in self.successors],
            "appendices": [appendix.to_json() for appendix in self.appendices],
            "not_applied": [item.to_json() for item in self.not_applied],
        }


@dataclass(slots=True)
class _StoredRow:
    measure: Measure
    executors: str

    def cell(self, field_name: Field) -> str:
        measure = self.measure
        if field_name is Field.TITLE:
            return measure.title
        if field_name is Field.DEADLINE:
            return measure.deadline_text or ""
        if field_name is Field.EXECUTORS:
            return self.executors
        return measure.result or ""


def row_text(row: RowText) -> str:
    """A restated or added row as one line for the preview."""
    return " | ".join(
        part for part in (row.number, row.title, row.deadline, row.executors, row.result) if part
    )


def _words(text: str) -> re.Pattern[str]:
    """The quoted words as a pattern: any spacing (a line break in a cell) and quote style."""
    parts = [re.escape(part) for part in QUOTES.sub('"', text).split()]
    return re.compile(r"\s+".join(parts).replace('"', "[«»“”„\"']"), re.IGNORECASE)


def replace_words(cell: str, before: str, after: str) -> str | None:
    """The cell with the words replaced (deleted when `after` is empty); None if not there."""
    pattern = _words(before)
    if not before.strip() or pattern.search(cell) is None:
        return None
    replaced = pattern.sub(lambda _: after, cell)
    if not after:
        replaced = re.sub(r"[ \t]{2,}", " ", replaced)
        replaced = re.sub(r"\s+([,.;:)])", r"\1", replaced).strip()
    return replaced


def has_words(cell: str, words: str) -> bool:
    return bool(words.strip()) and _words(words).search(cell) is not None


def already_replaced(cell: str, before: str, after: str) -> bool:
    """The new words stand and the old ones nowhere but inside them: applying again would
    change the cell a second time («Омской области» → «Омской области*»)."""
    if not has_words(cell, after):
        return False
    return not has_words(_words(after).sub(" ", cell), before)


class _Resolver:
    """One order's changes found in the stored plans of one act."""

    def __init__(self, session: AsyncSession, roles: Roles, act: Plan) -> None:
        self.session = session
        self.roles = roles
        self.act = act
        self.rows: dict[int, dict[str, _StoredRow]] = {}
        self.appendix_plans: list[Plan] | None = None

    async def coordinated_plans(self) -> list[Plan]:
        ids = await coordinated_plan_ids(self.session, self.roles)
        if not ids:
            return []
        return list(await self.session.scalars(select(Plan).where(Plan.id.in_(ids))))

    async def appendix_plan(self, number: str | None, title: str | None) -> Plan | None:
        if self.appendix_plans is None:
            self.appendix_plans = await self.coordinated_plans()
        by_number = [
            plan
            for plan in self.appendix_plans
            if plan.act_id == self.act.id and number and plan.appendix_number == number
        ]
        if by_number:
            return by_number[0]
        if not title:
            return None
        key = title_key(title)
        # An appendix of another act is never this act's, whatever its title.
        free = [plan for plan in self.appendix_plans if plan.act_id in (None, self.act.id)]
        by_title = [plan for plan in free if title_key(plan.title) == key]
        if not by_title:
            by_title = [
                plan
                for plan in free
                if plan.id != self.act.id and key and key in title_key(plan.title)
            ]
        return by_title[0] if len(by_title) == 1 else None

    async def succeeded_body(self, successor: Successor) -> Organization | None:
        """The body whose measures pass on: named so in any case, else the one body that
        leads the measures of the appendix whose footnote states the succession."""
        named = await find_named_body(self.session, successor.body)
        if named is not None or (successor.appendix is None and successor.appendix_title is None):
            return named
        plan = await self.appendix_plan(successor.appendix, successor.appendix_title)
        if plan is None:
            return None
        leads = list(
            await self.session.scalars(
                select(Assignment.organization_id)
                .join(Measure, Measure.id == Assignment.measure_id)
                .where(Measure.plan_id == plan.id, Assignment.is_lead.is_(True))
                .distinct()
                .limit(2)
            )
        )
        return await self.session.get(Organization, leads[0]) if len(leads) == 1 else None

    async def plan_rows(self, plan_id: int) -> dict[str, _StoredRow]:
        if plan_id not in self.rows:
            measures = list(
                await self.session.scalars(
                    select(Measure).where(Measure.plan_id == plan_id, Measure.removed_at.is_(None))
                )
            )
            texts: dict[int, list[str]] = {}
            for measure_id, text in await self.session.execute(
                select(Assignment.measure_id, Assignment.executor_text)
                .join(Measure, Measure.id == Assignment.measure_id)
                .where(Measure.plan_id == plan_id, active_assignment())
                .order_by(Assignment.measure_id, Assignment.position)
            ):
                texts.setdefault(measure_id, []).append(text)
            self.rows[plan_id] = {
                measure.number_key: _StoredRow(
                    measure,
                    (measure.source_cells or {}).get("executors")
                    or ", ".join(texts.get(measure.id, [])),
                )
                for measure in measures
            }
        return self.rows[plan_id]

    async def resolve(self, change: Change) -> list[ResolvedChange] | NotApplied:
        resolved = await self._resolve(change)
        return [resolved] if isinstance(resolved, ResolvedChange) else resolved

    async def _resolve(self, change: Change) -> list[ResolvedChange] | ResolvedChange | NotApplied:
        plan: Plan | None = self.act
        if change.appendix is not None or (change.row is None and change.appendix_title):
            plan = await self.appendix_plan(change.appendix, change.appendix_title)
            if plan is None:
                return NotApplied(change.text, Reason.APPENDIX_NOT_FOUND)
        assert plan is not None
        if change.row is None:
            return self._appendix_title(change, plan)
        rows = await self.plan_rows(plan.id)
        stored = rows.get(normalise_number(change.row))
        if change.action is Action.ADD:
            if stored is not None:
                return NotApplied(change.text, Reason.ROW_EXISTS)
            after = row_text(change.new_row) if change.new_row else change.after
            return ResolvedChange(change, plan.id, None, change.row, Field.ROW, None, after)
        if stored is None:
            return NotApplied(change.text, Reason.ROW_NOT_FOUND)
        measure_id = stored.measure.id
        if change.action is Action.REMOVE:
            before = stored.measure.title
            return ResolvedChange(change, plan.id, measure_id, change.row, Field.ROW, before, None)
        if change.action is Action.RESTATE:
            before = row_text(_stored_row_text(stored))
            after = row_text(change.new_row) if change.new_row else change.after
            if before == after:
                return NotApplied(change.text, Reason.ALREADY_APPLIED)
            return ResolvedChange(change, plan.id, measure_id, change.row, Field.ROW, before, after)
        return self._words_change(change, plan, stored)

    def _words_change(
        self, change: Change, plan: Plan, stored: _StoredRow
    ) -> list[ResolvedChange] | NotApplied:
        """The words replaced in every cell that holds them (the order names the row, not a
        cell, unless it names a column)."""
        before_words, after_words = change.before or "", change.after or ""
        found: list[ResolvedChange] = []
        already = False
        for field_name in _fields_of(change, stored.measure):
            cell = stored.cell(field_name)
            if after_words and already_replaced(cell, before_words, after_words):
                already = True
                continue
            replaced = replace_words(cell, before_words, after_words)
            if replaced is not None:
                found.append(
                    ResolvedChange(
                        change, plan.id, stored.measure.id, change.row, field_name, cell, replaced
                    )
                )
        if found:
            return found
        return NotApplied(
            change.text, Reason.ALREADY_APPLIED if already else Reason.WORDS_NOT_FOUND
        )

    def _appendix_title(self, change: Change, plan: Plan) -> ResolvedChange | NotApplied:
        before, after = plan.title, change.after
        if change.action in (Action.REPLACE, Action.DELETE) and change.before:
            if change.after and already_replaced(plan.title, change.before, change.after):
                return NotApplied(change.text, Reason.ALREADY_APPLIED)
            after = replace_words(plan.title, change.before, change.after or "")
            if after is None:
                return NotApplied(change.text, Reason.WORDS_NOT_FOUND)
        if not after or after == before:
            return NotApplied(change.text, Reason.ALREADY_APPLIED)
        return ResolvedChange(change, plan.id, None, None, Field.TITLE, before, after)


def _stored_row_text(stored: _StoredRow) -> RowText:
    measure = stored.measure
    return RowText(
        number=measure.number.rstrip("."),
        title=measure.title,
        deadline=measure.deadline_text or "",
        executors=stored.executors,
        result=measure.result or "",
    )


def _fields_of(change: Change, measure: Measure) -> tuple[Field, ...]:
    """The cells the words may stand in: the named field, the numbered column, or any."""
    if change.field is not None and change.field is not Field.ROW:
        return (change.field,)
    if change.column is not None:
        layout = [name for name in (measure.source_cells or {}) if name in DEFAULT_COLUMNS]
        if "number" not in layout or len(layout) < change.column:
            layout = list(DEFAULT_COLUMNS)
        if 1 <= change.column <= len(layout):
            name = layout[change.column - 1]
            return (Field(name),) if name != "number" else ()
        return ()
    return CELL_FIELDS


async def find_act(
    session: AsyncSession, roles: Roles, order: AmendmentOrder, plan_id: int | None
) -> tuple[Plan | None, list[PlanChoice]]:
    """The plan the order amends, or the candidates the person chooses from."""
    if not roles.is_coordinator:
        raise Refused(Refusal.COORDINATORS_ONLY)
    if plan_id is not None:
        plan = await session.get(Plan, plan_id)
        if plan is None or plan.is_archived or not roles.coordinates_plan(plan_id):
            raise Refused(Refusal.NOT_AVAILABLE)
        return plan, []
    ids = await coordinated_plan_ids(session, roles)
    plans = list(
        await session.scalars(select(Plan).where(Plan.id.in_(ids)).order_by(Plan.id)) if ids else []
    )
    keys = {title_key(act.title) for act in order.acts if act.title}
    matching = [plan for plan in plans if title_key(plan.title) in keys]
    if len(matching) == 1:
        return matching[0], []
    choices = matching or [plan for plan in plans if plan.act_id is None]
    return None, [PlanChoice(plan.id, plan.title) for plan in choices]


async def applied_before(
    session: AsyncSession, plan_id: int, order: AmendmentOrder
) -> AppliedBefore | None:
    """When and by whom the same order (number and date) was applied to the plan."""
    if not order.number:
        return None
    row = (
        await session.execute(
            select(PlanVersion.created_at, Official.full_name, Official.first_name)
            .outerjoin(Official, Official.id == PlanVersion.created_by_id)
            .where(
                PlanVersion.plan_id == plan_id,
                PlanVersion.kind == VersionKind.ORDER,
                PlanVersion.order_number == order.number,
                PlanVersion.order_date.is_(None)
                if order.date is None
                else PlanVersion.order_date == order.date,
            )
            .order_by(PlanVersion.id)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    created_at, full_name, first_name = row
    return AppliedBefore(created_at.date(), full_name or first_name or None)


def read_appendix(addition: AppendixAddition) -> AppendixPreview:
    """An added appendix's plan, read from the order's appendix text."""
    try:
        result = read_plan(addition.text.encode(), "appendix.txt", title=addition.title or None)
    except ImportFailure:
        return AppendixPreview(addition, 0, None)
    return AppendixPreview(addition, result.measure_count, result)


async def preview_order(
    session: AsyncSession,
    roles: Roles,
    order: AmendmentOrder,
    *,
    plan_id: int | None,
    today: date,
) -> AmendmentPreview:
    """What applying the order would do to the stored plan; nothing is written."""
    act, candidates = await find_act(session, roles, order, plan_id)
    preview = AmendmentPreview(
        order=order,
        not_applied=[NotApplied(item.text, item.reason) for item in order.not_understood],
    )
    if act is None:
        preview.candidates = candidates
        return preview
    preview.plan = PlanChoice(act.id, act.title)
    preview.applied_before = await applied_before(session, act.id, order)
    if preview.applied_before is not None:
        return preview
    resolver = _Resolver(session, roles, act)
    for change in order.changes:
        resolved = await resolver.resolve(change)
        if isinstance(resolved, NotApplied):
            preview.not_applied.append(resolved)
        else:
            preview.changes.extend(resolved)
    for addition in order.appendices:
        if await resolver.appendix_plan(addition.number, None) is not None:
            preview.not_applied.append(
                NotApplied(addition.statement or addition.title, Reason.ALREADY_APPLIED)
            )
            continue
        preview.appendices.append(read_appendix(addition))
    for successor in order.successors:
        text = successor.text or f"{successor.body} → {successor.successor}"
        body = await resolver.succeeded_body(successor)
        problem = (
            Reason.BODY_NOT_FOUND
            if body is None
            else await _succession_problem(session, roles, body, successor)
        )
        if problem is not None:
            preview.not_applied.append(NotApplied(text, problem))
        else:
            assert body is not None
            preview.successors.append(ResolvedSuccessor(successor, body.id, body.full_name))
    return preview


async def _succession_problem(
    session: AsyncSession, roles: Roles, body: Organization, successor: Successor
) -> Reason | None:
    """Why the body's measures may not pass on by this order: a body serving other
    coordinators' plans is an administrator's to pass on; a successor that is the body itself
    (renamed already: its old name is kept) or that passes back to it is not passed again."""
    try:
        await governed_body(session, roles, body.id)
    except Refused:
        return Reason.SHARED_BODY
    named = await find_named_body(session, successor.successor)
    if named is None:
        return None
    if named.id == body.id or (
        body.successor_id == named.id and body.successor_since == successor.since
    ):
        return Reason.ALREADY_APPLIED
    if await succession_loops(session, body.id, named.id):
        return Reason.SUCCESSION_LOOP
    return None
