"""The reminder scan: writes the reminders due now into the outbox, once each, in one transaction.

The database is the source of truth: `ReminderMark` remembers every point already given to a
person about a measure, so a restart neither loses nor repeats a reminder, and a point missed
while the bot was down is given once (only the latest point per measure, see
`bot.reminder_policy.next_reminder`). Everything due for one person at one scan goes into one
message. The sender (scheduler.sender) delivers the outbox.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import person_timezone
from bot.due_lists import OPEN_STATUSES
from bot.reminder_policy import (
    DEFAULT_POLICY,
    Audience,
    ReminderPolicy,
    ScheduledReminder,
    next_reminder,
)
from models.queries import Recipient, plan_reviewers
from models.tables import (
    Assignment,
    Measure,
    Membership,
    Notification,
    Official,
    Organization,
    Plan,
    ReminderMark,
    Role,
)

logger = logging.getLogger(__name__)

REMINDER_KIND = "reminder"
REMINDABLE_STATUSES = OPEN_STATUSES


@dataclass(slots=True)
class DueItems:
    recipient: Recipient
    timezone: str
    # (measure row, plan title, the point's item fields), rendered by `_reminder_item`
    items: list[tuple[Any, str, dict[str, Any]]] = field(default_factory=list)
    marks: list[tuple[int, str]] = field(default_factory=list)  # (measure_id, point key)
    seen: set[tuple[int, str]] = field(default_factory=set)  # the same marks, to look up


def _due_point(
    scheduled: ScheduledReminder | None, now: datetime
) -> tuple[str, dict[str, Any]] | None:
    if scheduled is None or scheduled.deliver_at > now:
        return None
    point = scheduled.point
    return point.key(), {
        "audience": point.audience.value,
        "kind": point.kind.value,
        "days_before": point.days_before,
        "working_days_overdue": point.working_days_overdue,
    }


def _reminder_item(row: Any, plan_title: str, point_fields: dict[str, Any]) -> dict[str, Any]:
    """One measure of a reminder message, as its renderer reads it."""
    return {
        "measure_id": row.id,
        "plan_id": row.plan_id,
        "plan": plan_title,
        "number": row.number,
        "title": row.title,
        "deadline": row.deadline.isoformat(),
        "result": row.result,
        "body": row.short_name or row.full_name,
        **point_fields,
    }


async def _plan_policies(
    session: AsyncSession,
) -> dict[int, tuple[str, str | None, ReminderPolicy]]:
    plans = {}
    for plan_id, title, timezone, stored in await session.execute(
        select(Plan.id, Plan.title, Plan.timezone, Plan.reminder_policy).where(
            Plan.is_archived.is_(False)
        )
    ):
        try:
            policy = ReminderPolicy.from_json(stored)
        except ValueError as error:
            logger.error(
                "Plan %s has a broken reminder policy (%s); defaults apply", plan_id, error
            )
            policy = DEFAULT_POLICY
        plans[plan_id] = (title, timezone, policy)
    return plans


async def write_due_reminders(
    session: AsyncSession,
    *,
    now: datetime,
    default_timezone: str,
    admin_telegram_ids: frozenset[int] = frozenset(),
) -> int:
    """Add to the outbox every reminder due at `now`; returns how many messages were written."""
    plans = await _plan_policies(session)
    enabled = {plan_id for plan_id, (_, _, policy) in plans.items() if policy.enabled}
    if not enabled:
        return 0
    horizon = max((max(plans[p][2].before_days, default=0) for p in enabled), default=0)
    # Deadlines further away than the longest "days before" cannot be due anywhere on Earth.
    latest_deadline = (now + timedelta(days=horizon + 2)).date()
    candidates = (
        await session.execute(
            select(
                Measure.id,
                Measure.plan_id,
                Measure.number,
                Measure.title,
                Measure.deadline,
                Measure.result,
                Assignment.organization_id,
                Organization.full_name,
                Organization.short_name,
                Organization.timezone,
            )
            .join(Assignment, Assignment.measure_id == Measure.id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(
                Measure.done_on.is_(None),
                Measure.removed_at.is_(None),
                Measure.deadline.is_not(None),
                Measure.deadline <= latest_deadline,
                Measure.plan_id.in_(enabled),
                Assignment.valid_until.is_(None),
                Assignment.status.in_(REMINDABLE_STATUSES),
            )
        )
    ).all()
    if not candidates:
        return 0

    organization_ids = {row.organization_id for row in candidates}
    members: dict[int, list[tuple[Role, Recipient]]] = defaultdict(list)
    for organization_id, role, official_id, telegram_id, timezone in await session.execute(
        select(
            Membership.organization_id,
            Membership.role,
            Official.id,
            Official.telegram_id,
            Official.timezone,
        )
        .join(Official, Official.id == Membership.official_id)
        .where(
            Membership.organization_id.in_(organization_ids),
            Membership.role.in_([Role.OFFICIAL, Role.HEAD]),
            Membership.is_active.is_(True),
            Official.is_active.is_(True),
            Official.blocked_bot_at.is_(None),
        )
    ):
        members[organization_id].append((role, Recipient(official_id, telegram_id, timezone)))
    with_head = {
        organization_id
        for organization_id, people in members.items()
        if any(role is Role.HEAD for role, _ in people)
    }
    coordinators = await plan_reviewers(
        session, {row.plan_id for row in candidates}, admin_telegram_ids
    )

    due: dict[int, DueItems] = {}
    # Thousands of measures share a deadline: what is due is worked out once for each plan,
    # audience, deadline, time zone and ladder, as (point key, the point's item fields), or
    # None when nothing is to be delivered now.
    points: dict[tuple[int, Audience, date, str, bool], tuple[str, dict[str, Any]] | None] = {}
    for row in candidates:
        plan_title, plan_timezone, policy = plans[row.plan_id]
        body_has_head = row.organization_id in with_head
        audiences: list[tuple[Audience, Recipient]] = [
            (Audience.HEAD if role is Role.HEAD else Audience.EXECUTOR, person)
            for role, person in members.get(row.organization_id, [])
        ]
        audiences += [
            (Audience.COORDINATOR, person) for person in coordinators.get(row.plan_id, [])
        ]
        for audience, person in audiences:
            timezone = person_timezone(
                person.timezone, row.timezone, plan_timezone, default_timezone
            )
            schedule_key = (row.plan_id, audience, row.deadline, timezone, body_has_head)
            if schedule_key in points:
                due_point = points[schedule_key]
            else:
                due_point = points[schedule_key] = _due_point(
                    next_reminder(
                        policy, audience, row.deadline, now, timezone, body_has_head=body_has_head
                    ),
                    now,
                )
            if due_point is None:
                continue
            point_key, point_fields = due_point
            entry = due.get(person.official_id)
            if entry is None:
                entry = due[person.official_id] = DueItems(person, timezone)
            mark = (row.id, point_key)
            if mark in entry.seen:
                continue  # the same point through two bodies of one person
            entry.seen.add(mark)
            entry.marks.append(mark)
            entry.items.append((row, plan_title, point_fields))
    if not due:
        return 0

    given = await _given_marks(session, due)
    messages: list[tuple[dict[str, Any], list[tuple[int, str]]]] = []
    for official_id, entry in due.items():
        fresh = [
            (_reminder_item(*item), mark)
            for item, mark in zip(entry.items, entry.marks, strict=True)
            if (official_id, *mark) not in given
        ]
        if not fresh:
            continue
        marks = sorted(mark for _, mark in fresh)
        digest = hashlib.sha256("|".join(f"{m}:{k}" for m, k in marks).encode()).hexdigest()[:32]
        row = {
            "recipient_id": official_id,
            "chat_id": entry.recipient.telegram_id,
            "kind": REMINDER_KIND,
            "dedup_key": f"{REMINDER_KIND}:{official_id}:{digest}",
            "payload": {"items": [item for item, _ in fresh], "timezone": entry.timezone},
            "not_before": now,
        }
        messages.append((row, marks))
    if not messages:
        return 0
    # Thousands of messages after a large import: one bulk insert each for the outbox rows and
    # their marks (a plain executemany: RETURNING ids in parameter order would make SQLite insert
    # row by row), then the new ids by their unique dedup keys. A concurrent scan (another
    # process) writing the same key makes this transaction fail on the unique dedup key and roll
    # back whole; the next scan retries.
    await session.execute(insert(Notification.__table__), [row for row, _ in messages])
    keys = [row["dedup_key"] for row, _ in messages]
    ids: dict[str, int] = {}
    for start in range(0, len(keys), IN_CHUNK):
        ids.update(
            (key, notification_id)
            for notification_id, key in await session.execute(
                select(Notification.id, Notification.dedup_key).where(
                    Notification.dedup_key.in_(keys[start : start + IN_CHUNK])
                )
            )
        )
    await session.execute(
        insert(ReminderMark.__table__),
        [
            {
                "recipient_id": row["recipient_id"],
                "measure_id": measure_id,
                "point_key": key,
                "notification_id": ids[row["dedup_key"]],
            }
            for row, marks in messages
            for measure_id, key in marks
        ],
    )
    return len(messages)


IN_CHUNK = 5000  # SQLite binds at most 32,766 parameters per statement


async def _given_marks(
    session: AsyncSession, due: dict[int, DueItems]
) -> set[tuple[int, int, str]]:
    """The points already given, of the measures and people due now."""
    measure_ids = sorted({measure_id for entry in due.values() for measure_id, _ in entry.marks})
    given: set[tuple[int, int, str]] = set()
    for start in range(0, len(measure_ids), IN_CHUNK):
        rows = await session.execute(
            select(
                ReminderMark.recipient_id, ReminderMark.measure_id, ReminderMark.point_key
            ).where(ReminderMark.measure_id.in_(measure_ids[start : start + IN_CHUNK]))
        )
        given.update(
            (row.recipient_id, row.measure_id, row.point_key)
            for row in rows
            if row.recipient_id in due
        )
    return given


async def scan_reminders(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    default_timezone: str,
    admin_telegram_ids: frozenset[int] = frozenset(),
) -> int:
    """One scan in one transaction; the job of the scheduler."""
    async with sessionmaker() as session, session.begin():
        written = await write_due_reminders(
            session,
            now=now,
            default_timezone=default_timezone,
            admin_telegram_ids=admin_telegram_ids,
        )
    if written:
        logger.info("Reminder scan wrote %d message(s) to the outbox", written)
    return written
