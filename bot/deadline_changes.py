"""A coordinator moves a measure's deadline at once, with a reason (an applied DeadlineChange).

`apply_deadline` is the move itself, shared with an approved request (bot/deadline_requests.py):
the measure, the audit trail and the announcement to the bodies concerned. The reminder
schedule follows by itself: its points are keyed by the deadline (bot/reminder_policy.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.change_announcements import MeasureChange, announce_changes
from bot.change_notices import ChangeKind
from bot.refusals import Refusal, Refused
from bot.scope import changeable_measure, coordinated_measure
from models.tables import DeadlineChange, DeadlineChangeStatus, Measure

REASON_LIMIT = 1000
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
DAY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})")


@dataclass(frozen=True, slots=True)
class DeadlineMoved:
    old: date | None
    new: date


def parse_day(text: str) -> date | None:
    """A date as people type it: 31.12.2025, 1.2.26, 01/02/2026; None if it is not one."""
    match = DAY.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        year += 2000
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clean_reason(text: str) -> str:
    """The reason of a deadline move as typed; refused when empty or too long."""
    reason = text.strip()
    if not reason:
        raise Refused(Refusal.NO_REASON)
    if len(reason) > REASON_LIMIT:
        raise Refused(Refusal.REASON_TOO_LONG, limit=REASON_LIMIT)
    return reason


def applied_change(
    measure: Measure,
    old: date | None,
    new: date,
    *,
    reason: str,
    actor_id: int | None,
    now: datetime,
) -> DeadlineChange:
    """The record of a deadline moved at once by `actor_id` (asked and decided by them), not
    yet added to a session."""
    return DeadlineChange(
        measure_id=measure.id,
        status=DeadlineChangeStatus.APPLIED,
        old_deadline=old,
        new_deadline=new,
        reason=reason,
        requested_by_id=actor_id,
        decided_by_id=actor_id,
        decided_at=now,
    )


async def measure_to_move(session: AsyncSession, roles: Roles, measure_id: int) -> Measure:
    """The measure whose new deadline is being typed, if the person still coordinates it."""
    try:
        return await coordinated_measure(session, roles, measure_id)
    except Refused:
        raise Refused(Refusal.MEASURE_NOT_AVAILABLE) from None


async def check_new_deadline(
    session: AsyncSession, roles: Roles, measure_id: int, new_deadline: date
) -> Measure:
    """The measure, if its deadline may be moved to this day."""
    measure = await changeable_measure(session, roles, measure_id)
    if measure.deadline == new_deadline:
        raise Refused(Refusal.SAME_DEADLINE)
    return measure


async def change_deadline(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    measure_id: int,
    new_deadline: date,
    reason: str,
    now: datetime,
) -> DeadlineMoved:
    """Move the deadline at once: the measure, an applied DeadlineChange and the audit trail."""
    reason = clean_reason(reason)
    measure = await check_new_deadline(session, roles, measure_id, new_deadline)
    change = applied_change(
        measure, measure.deadline, new_deadline, reason=reason, actor_id=actor_id, now=now
    )
    session.add(change)
    await session.flush()
    return await apply_deadline(
        session,
        measure,
        new_deadline,
        actor_id=actor_id,
        change_set=f"deadline:{change.id}",
        now=now,
    )


async def apply_deadline(
    session: AsyncSession,
    measure: Measure,
    new_deadline: date,
    *,
    actor_id: int,
    change_set: str,
    now: datetime,
    not_told: tuple[int, ...] = (),
) -> DeadlineMoved:
    """Move the measure's deadline: the audit trail, and the bodies answering for it told
    (not `actor_id`, nor `not_told`)."""
    old = measure.deadline
    measure.deadline = new_deadline
    await record_change(
        session,
        actor_id=actor_id,
        action="deadline_changed",
        entity=measure,
        field="deadline",
        old=old,
        new=new_deadline,
    )
    await announce_changes(
        session,
        [MeasureChange(measure.id, ChangeKind.DEADLINE, old=old, new=new_deadline)],
        actor_id=actor_id,
        change_set=change_set,
        now=now,
        not_told=not_told,
    )
    return DeadlineMoved(old, new_deadline)
