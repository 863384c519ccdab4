"""Reports waiting for review: the reviewer's list (/review) and a measure card's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.refusals import Refusal, Refused
from bot.scope import in_coordinated_plans
from models.prepared import prepared
from models.queries import active_assignment, live_measure, live_plan, plain_rows
from models.tables import Assignment, Measure, Organization, Plan, Report, ReportStatus


@dataclass(frozen=True, slots=True)
class WaitingReport:
    report_id: int
    number: str
    title: str
    organization_name: str
    submitted_at: datetime


def _waiting_statement() -> Select[Any]:
    """Reports waiting for review, with what a list of them shows, oldest first."""
    return (
        select(
            Report.id,
            Measure.number,
            Measure.title,
            Organization.short_name,
            Organization.full_name,
            Report.submitted_at,
        )
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(Report.status == ReportStatus.SUBMITTED)
        .order_by(Report.submitted_at, Report.id)
    )


async def _waiting(
    session: AsyncSession, statement: Select[Any], parameters: dict[str, int] | None = None
) -> list[WaitingReport]:
    return [
        WaitingReport(report_id, number, title, short or full, submitted_at)
        for report_id, number, title, short, full, submitted_at in await plain_rows(
            session, statement, parameters
        )
    ]


async def reports_waiting(
    session: AsyncSession, roles: Roles, reviewer_id: int
) -> list[WaitingReport]:
    """Reports the person may review: waiting, in the plans they coordinate, not their own,
    of bodies still executing measures still in the plan; oldest first. Refused to anyone who
    coordinates nothing."""
    if not roles.is_coordinator:
        raise Refused(Refusal.NOT_AVAILABLE)
    statement = _waiting_statement().where(
        live_plan(),
        active_assignment(),
        live_measure(),
        Report.author_id != reviewer_id,
    )
    statement = statement.where(in_coordinated_plans(roles))
    return await _waiting(session, statement)


# Built once: every card asks for the reports waiting on its measure.
_WAITING_ON_MEASURE = prepared(
    _waiting_statement().where(Assignment.measure_id == bindparam("measure_id"))
)
_WAITING_ON_MEASURE_OF_BODY = prepared(
    _WAITING_ON_MEASURE.where(Assignment.organization_id == bindparam("organization_id"))
)


async def measure_reports_waiting(
    session: AsyncSession, roles: Roles, measure_id: int, plan_id: int
) -> list[WaitingReport]:
    """Reports on this measure waiting for review that the person may open: all of them for
    a coordinator of the plan, their own bodies' for an official or head."""
    if roles.coordinates_plan(plan_id):
        return await _waiting(session, _WAITING_ON_MEASURE, {"measure_id": measure_id})
    if not roles.is_executor:
        return []
    bodies = sorted(roles.organization_ids)
    if len(bodies) == 1:
        return await _waiting(
            session,
            _WAITING_ON_MEASURE_OF_BODY,
            {"measure_id": measure_id, "organization_id": bodies[0]},
        )
    statement = _WAITING_ON_MEASURE.where(Assignment.organization_id.in_(bodies))
    return await _waiting(session, statement, {"measure_id": measure_id})
