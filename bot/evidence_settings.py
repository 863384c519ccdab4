"""A plan's evidence setting, as its coordinators set it with /evidence: whether a report may
stand on the proving document's requisites and its reference in the region's document system,
without the file (`Plan.requisites_without_file`, off by default)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.audit import record_change
from bot.refusals import Refusal, Refused
from models.queries import live_plan, plain_rows
from models.tables import Plan


@dataclass(frozen=True, slots=True)
class PlanEvidence:
    plan_id: int
    title: str
    requisites_without_file: bool


async def plans_evidence(session: AsyncSession, roles: Roles) -> list[PlanEvidence]:
    """The live plans the person coordinates (every plan, for an administrator), oldest first."""
    require_coordinator(roles)
    statement = (
        select(Plan.id, Plan.title, Plan.requisites_without_file)
        .where(live_plan())
        .order_by(Plan.id)
    )
    if not roles.is_admin:
        statement = statement.where(Plan.id.in_(sorted(roles.coordinator_plan_ids)))
    return [
        PlanEvidence(plan_id, title, bool(allowed))
        for plan_id, title, allowed in await plain_rows(session, statement)
    ]


async def set_requisites_without_file(
    session: AsyncSession, roles: Roles, plan_id: int, allowed: bool, actor_id: int | None
) -> PlanEvidence:
    """Turn the setting on or off for a plan the person coordinates; refused otherwise."""
    plan = await session.get(Plan, plan_id)
    if plan is None or plan.is_archived or not roles.coordinates_plan(plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    if plan.requisites_without_file != allowed:
        await record_change(
            session,
            actor_id=actor_id,
            action="evidence_setting_changed",
            entity=plan,
            field="requisites_without_file",
            old=plan.requisites_without_file,
            new=allowed,
        )
        plan.requisites_without_file = allowed
    return PlanEvidence(plan.id, plan.title, allowed)
