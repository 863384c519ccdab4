"""A plan's reminder policy, as its coordinators set it with /reminders."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.reminder_policy import DEFAULT_POLICY, ReminderPolicy
from models.queries import live_plan
from models.tables import Plan

# Ready-made schedules a coordinator picks from; "standard" is the default.
PRESETS: dict[str, ReminderPolicy] = {
    "standard": DEFAULT_POLICY,
    "rare": ReminderPolicy(
        before_days=(7, 1, 0), overdue_every_working_days=3, escalation_every_working_days=5
    ),
    "frequent": ReminderPolicy(
        before_days=(14, 7, 5, 3, 2, 1, 0),
        overdue_every_working_days=1,
        escalation_every_working_days=3,
    ),
}
CHOICES = (*PRESETS, "off", "on")


class NotYourPlan(Exception):
    """The plan does not exist or the person does not coordinate it (the same answer)."""


@dataclass(frozen=True, slots=True)
class PlanReminders:
    plan_id: int
    title: str
    policy: ReminderPolicy


def stored_policy(plan: Plan) -> ReminderPolicy:
    try:
        return ReminderPolicy.from_json(plan.reminder_policy)
    except ValueError:
        return DEFAULT_POLICY


async def plans_reminders(session: AsyncSession, roles: Roles) -> list[PlanReminders]:
    plans = await session.scalars(select(Plan).where(live_plan()).order_by(Plan.id))
    return [
        PlanReminders(plan.id, plan.title, stored_policy(plan))
        for plan in plans
        if roles.coordinates_plan(plan.id)
    ]


def chosen_policy(current: ReminderPolicy, choice: str) -> ReminderPolicy:
    """The policy after a choice: a preset keeps the on/off switch, "off"/"on" flip only it."""
    if choice == "off":
        return dataclasses.replace(current, enabled=False)
    if choice == "on":
        return dataclasses.replace(current, enabled=True)
    if choice not in PRESETS:
        raise ValueError(f"unknown reminder choice {choice!r}")
    return dataclasses.replace(PRESETS[choice], enabled=current.enabled)


async def choose(
    session: AsyncSession, roles: Roles, plan_id: int, choice: str, actor_id: int | None
) -> PlanReminders:
    plan = await session.get(Plan, plan_id)
    if plan is None or plan.is_archived or not roles.coordinates_plan(plan_id):
        raise NotYourPlan(plan_id)
    current = stored_policy(plan)
    policy = chosen_policy(current, choice)
    if policy != current:
        stored = policy.to_json(overrides_only=True) or None
        await record_change(
            session,
            actor_id=actor_id,
            action="reminder_policy_changed",
            entity=plan,
            field="reminder_policy",
            old=plan.reminder_policy,
            new=stored,
        )
        plan.reminder_policy = stored
    return PlanReminders(plan.id, plan.title, policy)
