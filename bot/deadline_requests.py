"""An official asks the coordinators to move a measure's deadline; a coordinator decides.

The request is a DeadlineChange in status REQUESTED for the official's body (its assignment):
one open request per body and measure (checked here, guaranteed by a partial unique index).
The plan's coordinators are told through the outbox; the first decision counts (a conditional
update), the official is told of it, and an approval moves the deadline as a coordinator's own
move does (`bot.deadline_changes.apply_deadline`).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.asking_parts import AskingPart, asking_part
from bot.audit import record_change
from bot.change_notices import (
    DEADLINE_DECIDED,
    DEADLINE_REQUESTED,
    DeadlineDecidedNotice,
    DeadlineRequestedNotice,
)
from bot.deadline_changes import DeadlineMoved, apply_deadline
from bot.reasons import clean_reason
from bot.refusals import Refusal, Refused
from bot.report_notifications import reviewers_of
from models.engine import conflict_insert
from models.queries import (
    Recipient,
    enqueue_notification,
    plain_rows,
)
from models.tables import (
    AssignmentStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    Measure,
    Official,
)

# --- Dates ----------------------------------------------------------------------------------


class QuickDate(enum.StrEnum):
    WEEK = "w"  # a week later
    MONTH = "m"  # a month later
    QUARTER = "q"  # the end of the quarter


def _month_later(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of_quarter(day: date) -> date:
    last_month = (day.month - 1) // 3 * 3 + 3
    return date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])


def quick_dates(deadline: date | None, today: date) -> dict[QuickDate, date]:
    """The quick choices: a week and a month after the current deadline while it is ahead
    (after today once it has passed), and the end of that quarter (of the next one when the
    deadline is its last day)."""
    start = deadline if deadline is not None and deadline >= today else today
    quarter = _end_of_quarter(start)
    if quarter <= start:
        quarter = _end_of_quarter(start + timedelta(days=1))
    return {
        QuickDate.WEEK: start + timedelta(days=7),
        QuickDate.MONTH: _month_later(start),
        QuickDate.QUARTER: quarter,
    }


def check_requested_day(deadline: date | None, day: date, today: date) -> None:
    """A new deadline is asked for a later day: after today and after the current deadline
    (finishing earlier needs nobody's consent)."""
    if day <= today:
        raise Refused(Refusal.DEADLINE_NOT_AFTER_TODAY)
    if deadline is not None and day <= deadline:
        raise Refused(Refusal.DEADLINE_NOT_LATER, deadline=deadline.isoformat())


# --- The request ----------------------------------------------------------------------------


async def request_target(session: AsyncSession, roles: Roles, measure_id: int) -> AskingPart:
    """The person's body's part of the measure (`bot.asking_parts`), if a new deadline may be
    asked for it: the part is not accepted yet, and no request of that body waits for a
    decision."""
    target = await asking_part(session, roles, measure_id)
    if target.status is AssignmentStatus.ACCEPTED:
        raise Refused(Refusal.ACCEPTED)
    waiting = await session.scalar(
        select(DeadlineChange.new_deadline).where(
            DeadlineChange.assignment_id == target.assignment_id,
            DeadlineChange.status == DeadlineChangeStatus.REQUESTED,
        )
    )
    if waiting is not None:
        raise Refused(Refusal.REQUEST_OPEN, deadline=waiting.isoformat())
    return target


async def check_request(
    session: AsyncSession, roles: Roles, measure_id: int, day: date, today: date
) -> AskingPart:
    """The measure, if this day may be asked for it."""
    target = await request_target(session, roles, measure_id)
    check_requested_day(target.deadline, day, today)
    return target


@dataclass(frozen=True, slots=True)
class DeadlineRequested:
    target: AskingPart
    change_id: int
    day: date
    coordinators_told: int


async def request_deadline(
    session: AsyncSession,
    roles: Roles,
    *,
    official: Official,
    measure_id: int,
    day: date,
    reason: str | None,
    today: date,
    now: datetime,
    admin_telegram_ids: frozenset[int],
) -> DeadlineRequested:
    """Record the request and tell the plan's coordinators (the administrators, for a plan
    without one)."""
    reason = clean_reason(reason)
    target = await check_request(session, roles, measure_id, day, today)
    # A second request of the same body at the same moment meets the partial unique index.
    change_id = await session.scalar(
        conflict_insert(session)(DeadlineChange)
        .values(
            measure_id=target.measure_id,
            assignment_id=target.assignment_id,
            status=DeadlineChangeStatus.REQUESTED,
            old_deadline=target.deadline,
            new_deadline=day,
            reason=reason,
            requested_by_id=official.id,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(DeadlineChange.id)
    )
    if change_id is None:
        raise Refused(Refusal.REQUEST_OPEN, deadline=day.isoformat())
    change = await session.get_one(DeadlineChange, change_id)
    await record_change(
        session,
        actor_id=official.id,
        action="deadline_requested",
        entity=change,
        field="deadline",
        old=target.deadline,
        new=day,
    )
    payload = DeadlineRequestedNotice(
        change_id=change_id,
        measure_id=target.measure_id,
        number=target.number,
        title=target.title,
        plan=target.plan_title,
        body=target.organization_name,
        person=official.display_name,
        deadline=target.deadline,
        requested=day,
        reason=reason,
    ).to_json()
    told = 0
    for coordinator in await reviewers_of(session, target.plan_id, official.id, admin_telegram_ids):
        told += await enqueue_notification(
            session,
            recipient=coordinator,
            kind=DEADLINE_REQUESTED,
            dedup_key=f"{DEADLINE_REQUESTED}:{change_id}:{coordinator.official_id}",
            payload=payload,
            now=now,
        )
    return DeadlineRequested(target, change_id, day, told)


# --- The decision ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request as the deciding coordinator sees it."""

    change_id: int
    measure_id: int
    number: str
    title: str
    requested: date
    requested_by_id: int | None


async def decidable_request(session: AsyncSession, roles: Roles, change_id: int) -> RequestView:
    """The request, if the person coordinates its measure's plan and it waits for a decision."""
    rows = await plain_rows(
        session,
        select(
            DeadlineChange.id,
            Measure.id,
            Measure.number,
            Measure.title,
            DeadlineChange.new_deadline,
            DeadlineChange.requested_by_id,
            DeadlineChange.status,
            Measure.plan_id,
        )
        .join(Measure, Measure.id == DeadlineChange.measure_id)
        .where(DeadlineChange.id == change_id),
    )
    if not rows or not roles.coordinates_plan(rows[0][7]):
        raise Refused(Refusal.NOT_AVAILABLE)
    *values, status, _ = rows[0]
    if status is not DeadlineChangeStatus.REQUESTED:
        raise Refused(Refusal.ALREADY_DECIDED)
    return RequestView(*values)


@dataclass(frozen=True, slots=True)
class RequestDecided:
    request: RequestView
    approved: bool
    moved: DeadlineMoved | None


async def decide_request(
    session: AsyncSession,
    roles: Roles,
    *,
    coordinator: Official,
    change_id: int,
    approve: bool,
    reason: str | None = None,
    now: datetime,
) -> RequestDecided:
    """Approve (the deadline moves) or decline (with a reason) a request; whoever decides
    first wins, the second is refused. The official who asked is told."""
    view = await decidable_request(session, roles, change_id)
    measure = await session.get_one(Measure, view.measure_id)
    if approve and measure.removed_at is not None:
        raise Refused(Refusal.MEASURE_REMOVED)
    if approve and measure.done_on is not None:
        raise Refused(Refusal.MEASURE_DONE)
    if approve and measure.deadline is not None and view.requested <= measure.deadline:
        # Moved since the request (by a coordinator): approving must never bring it back.
        raise Refused(Refusal.REQUEST_OVERTAKEN, deadline=measure.deadline.isoformat())
    decision_reason = None if approve else clean_reason(reason)
    decided = await session.execute(
        update(DeadlineChange)
        .where(
            DeadlineChange.id == change_id,
            DeadlineChange.status == DeadlineChangeStatus.REQUESTED,
        )
        .values(
            status=DeadlineChangeStatus.APPLIED if approve else DeadlineChangeStatus.REJECTED,
            old_deadline=measure.deadline if approve else DeadlineChange.old_deadline,
            decided_by_id=coordinator.id,
            decided_at=now,
            decision_reason=decision_reason,
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise Refused(Refusal.ALREADY_DECIDED)
    asker = tuple(filter(None, [view.requested_by_id]))
    moved = None
    if approve:
        moved = await apply_deadline(
            session,
            measure,
            view.requested,
            actor_id=coordinator.id,
            change_set=f"deadline:{change_id}",
            now=now,
            not_told=asker,
        )
    else:
        await record_change(
            session,
            actor_id=coordinator.id,
            action="deadline_request_declined",
            entity=await session.get_one(DeadlineChange, change_id),
            field="status",
            old=DeadlineChangeStatus.REQUESTED,
            new=DeadlineChangeStatus.REJECTED,
        )
    await _tell_asker(session, view, coordinator, approve, decision_reason or "", now)
    return RequestDecided(view, approve, moved)


async def _tell_asker(
    session: AsyncSession,
    view: RequestView,
    coordinator: Official,
    approved: bool,
    reason: str,
    now: datetime,
) -> None:
    asker = await session.get(Official, view.requested_by_id) if view.requested_by_id else None
    if asker is None or not asker.is_active or asker.blocked_bot_at is not None:
        return
    await enqueue_notification(
        session,
        recipient=Recipient(asker.id, asker.telegram_id, asker.timezone),
        kind=DEADLINE_DECIDED,
        dedup_key=f"{DEADLINE_DECIDED}:{view.change_id}",
        payload=DeadlineDecidedNotice(
            measure_id=view.measure_id,
            number=view.number,
            title=view.title,
            approved=approved,
            requested=view.requested,
            reason=reason,
            coordinator=coordinator.display_name,
        ).to_json(),
        now=now,
    )
