"""The part of a measure a person's body answers for, as that person asks the coordinators
about it (a new deadline, a question, "not ours"): one lookup for every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.clock import person_timezone
from bot.refusals import Refusal, Refused
from models.queries import active_assignment, live_plan, plain_rows
from models.tables import Assignment, AssignmentStatus, Measure, Organization, Plan


@dataclass(frozen=True, slots=True)
class AskingPart:
    """The measure as the asking body's person sees it: their body's part of it."""

    measure_id: int
    plan_id: int
    number: str
    title: str
    deadline: date | None
    plan_title: str
    assignment_id: int
    organization_id: int
    organization_name: str
    timezone: str  # the body's (else the plan's): where the deadline's "today" is counted
    status: AssignmentStatus  # the body's part: in progress, submitted, accepted, returned


async def asking_part(session: AsyncSession, roles: Roles, measure_id: int) -> AskingPart:
    """The person's body's current part of the measure (the lead part first, if they serve
    several of its bodies): refused when they serve none of its executing bodies, when it is
    removed from the plan or done."""
    ids = sorted(roles.organization_ids)
    rows = []
    if ids:
        rows = await plain_rows(
            session,
            select(
                Measure.id,
                Measure.plan_id,
                Measure.number,
                Measure.title,
                Measure.deadline,
                Plan.title,
                Assignment.id,
                Organization.id,
                Organization.full_name,
                Organization.timezone,
                Plan.timezone,
                Measure.removed_at,
                Measure.done_on,
                Assignment.status,
            )
            .join(Plan, Plan.id == Measure.plan_id)
            .join(Assignment, Assignment.measure_id == Measure.id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(
                Measure.id == measure_id,
                Assignment.organization_id.in_(ids),
                active_assignment(),
                live_plan(),
            )
            .order_by(Assignment.is_lead.desc(), Assignment.position, Assignment.id),
        )
    if not rows:
        raise Refused(Refusal.MEASURE_NOT_AVAILABLE)
    *values, body_zone, plan_zone, removed_at, done_on, status = rows[0]
    if removed_at is not None:
        raise Refused(Refusal.MEASURE_REMOVED)
    if done_on is not None:
        raise Refused(Refusal.MEASURE_DONE)
    return AskingPart(*values, timezone=person_timezone(None, body_zone, plan_zone), status=status)
