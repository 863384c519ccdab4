"""The reminder scan: writes the reminders due now into the outbox, once each, in one transaction.

The database is the source of truth: `ReminderMark` remembers every point already given to a
person about a measure, so a restart neither loses nor repeats a reminder, and a point missed
while the bot was down is given once (only the latest point per measure, see
`bot.reminder_policy.next_reminder`). Everything due for one person at one scan goes into one
message. The sender (scheduler.sender) delivers the outbox.

A body with nobody to remind (no active official or head who has not blocked the bot) does not
lose its reminders: each executor's point that had no one to go to is told to the plan's
coordinators instead, all of a scan in one message per coordinator (kind NOBODY_TO_REMIND),
each point once (a `ReminderMark` of the coordinator with the key `nobody:<body>:<point>`), so
the next scan is silent and the next point of the schedule is told again. Once someone
registers with the body, its reminders go to them from the next scan on.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import person_timezone
from bot.notification_kinds import NOBODY_TO_REMIND, REMINDER, ReminderItem, ReminderNotice
from bot.reminder_policy import (
    DEFAULT_POLICY,
    Audience,
    ReminderPoint,
    ReminderPolicy,
    ScheduledReminder,
    next_reminder,
)
from models.queries import (
    OPEN_STATUSES,
    Recipient,
    active_assignment,
    active_membership,
    active_official,
    live_plan,
    open_measure,
    plan_reviewers,
)
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

REMINDER_KIND = REMINDER
IN_CHUNK = 5000  # SQLite binds at most 32,766 parameters per statement

# A point due now for a schedule (plan, audience, deadline, time zone, whether the body has a
# head): its key and the point itself, or None when nothing is to be delivered now.
DuePoint = tuple[str, ReminderPoint] | None
ScheduleKey = tuple[int, Audience, date, str, bool]
Mark = tuple[int, str]  # (measure id, point key)


@dataclass(slots=True)
class DueItems:
    """What is due for one person: the measures with their points, each point once."""

    recipient: Recipient
    timezone: str
    # (measure row, plan title, the point), made into `ReminderItem`s if not given yet
    items: list[tuple[Any, str, ReminderPoint]] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    seen: set[Mark] = field(default_factory=set)  # the same marks, to look up


@dataclass(slots=True)
class Audiences:
    """Who hears of the measures of the candidate rows: the bodies' officials and heads, and
    the plans' coordinators (administrators for a plan without one)."""

    members: dict[int, list[tuple[Role, Recipient]]]  # by body
    with_head: set[int]  # bodies that have a head
    coordinators: dict[int, list[Recipient]]  # by plan

    def nobody_at(self, row: Any) -> bool:
        """The row's body has nobody to remind: its executor's points go to no one."""
        return not self.members.get(row.organization_id)

    def of(self, row: Any) -> list[tuple[Audience, Recipient]]:
        people = [
            (Audience.HEAD if role is Role.HEAD else Audience.EXECUTOR, person)
            for role, person in self.members.get(row.organization_id, [])
        ]
        return people + [
            (Audience.COORDINATOR, person) for person in self.coordinators.get(row.plan_id, [])
        ]


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    row: dict[str, Any]  # the `notifications` row to insert
    marks: list[Mark]  # the points it carries


def _due_point(scheduled: ScheduledReminder | None, now: datetime) -> DuePoint:
    if scheduled is None or scheduled.deliver_at > now:
        return None
    return scheduled.point.key(), scheduled.point


def _cached_point(
    points: dict[ScheduleKey, DuePoint], key: ScheduleKey, policy: ReminderPolicy, now: datetime
) -> DuePoint:
    """The point due now for a schedule, worked out once per scan: thousands of measures
    share a deadline."""
    if key not in points:
        _, audience, deadline, timezone, body_has_head = key
        points[key] = _due_point(
            next_reminder(policy, audience, deadline, now, timezone, body_has_head=body_has_head),
            now,
        )
    return points[key]


def _reminder_item(row: Any, plan_title: str, point: ReminderPoint) -> ReminderItem:
    """One measure of a reminder message, as its renderer reads it."""
    return ReminderItem.of_point(
        point,
        measure_id=row.id,
        plan_id=row.plan_id,
        plan=plan_title,
        number=row.number,
        title=row.title,
        deadline=row.deadline,
        result=row.result,
        body=row.short_name or row.full_name,
    )


async def _plan_policies(
    session: AsyncSession,
) -> dict[int, tuple[str, str | None, ReminderPolicy]]:
    plans = {}
    for plan_id, title, timezone, stored in await session.execute(
        select(Plan.id, Plan.title, Plan.timezone, Plan.reminder_policy).where(live_plan())
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
    candidates = await _candidates(session, enabled, latest_deadline)
    if not candidates:
        return 0
    audiences = await _audiences(session, candidates, admin_telegram_ids)
    due = _due_now(candidates, plans, audiences, now, default_timezone)
    unreached = _unreached_now(candidates, plans, audiences, now, default_timezone)
    if not due and not unreached:
        return 0
    given = await _given_marks(session, [due, unreached])
    messages = _fresh_messages(due, given, now) + _fresh_messages(
        unreached, given, now, kind=NOBODY_TO_REMIND
    )
    if messages:
        await _write(session, messages)
    return len(messages)


async def _candidates(
    session: AsyncSession, plan_ids: set[int], latest_deadline: date
) -> Sequence[Any]:
    """Open assignments of live measures of these plans due by `latest_deadline`."""
    return (
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
                open_measure(),
                Measure.deadline.is_not(None),
                Measure.deadline <= latest_deadline,
                Measure.plan_id.in_(plan_ids),
                active_assignment(),
                Assignment.status.in_(OPEN_STATUSES),
            )
        )
    ).all()


async def _audiences(
    session: AsyncSession, candidates: Sequence[Any], admin_telegram_ids: frozenset[int]
) -> Audiences:
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
            active_membership(),
            active_official(),
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
    return Audiences(members, with_head, coordinators)


def _due_now(
    candidates: Sequence[Any],
    plans: dict[int, tuple[str, str | None, ReminderPolicy]],
    audiences: Audiences,
    now: datetime,
    default_timezone: str,
) -> dict[int, DueItems]:
    """What is due now for each person (by official id), each point once."""
    due: dict[int, DueItems] = {}
    # Thousands of measures share a deadline: what is due is worked out once for each plan,
    # audience, deadline, time zone and ladder.
    points: dict[ScheduleKey, DuePoint] = {}
    for row in candidates:
        plan_title, plan_timezone, policy = plans[row.plan_id]
        body_has_head = row.organization_id in audiences.with_head
        for audience, person in audiences.of(row):
            timezone = person_timezone(
                person.timezone, row.timezone, plan_timezone, default_timezone
            )
            schedule_key = (row.plan_id, audience, row.deadline, timezone, body_has_head)
            due_point = _cached_point(points, schedule_key, policy, now)
            if due_point is None:
                continue
            entry = due.get(person.official_id)
            if entry is None:
                entry = due[person.official_id] = DueItems(person, timezone)
            _add_point(entry, row, plan_title, due_point)
    return due


def _unreached_now(
    candidates: Sequence[Any],
    plans: dict[int, tuple[str, str | None, ReminderPolicy]],
    audiences: Audiences,
    now: datetime,
    default_timezone: str,
) -> dict[int, DueItems]:
    """The executors' points due now at bodies with nobody to remind, for each of the plan's
    coordinators (by official id), counted in the coordinator's zone."""
    unreached: dict[int, DueItems] = {}
    points: dict[ScheduleKey, DuePoint] = {}
    for row in candidates:
        if not audiences.nobody_at(row):
            continue
        plan_title, plan_timezone, policy = plans[row.plan_id]
        for person in audiences.coordinators.get(row.plan_id, []):
            timezone = person_timezone(
                person.timezone, row.timezone, plan_timezone, default_timezone
            )
            schedule_key = (row.plan_id, Audience.EXECUTOR, row.deadline, timezone, False)
            due_point = _cached_point(points, schedule_key, policy, now)
            if due_point is None:
                continue
            entry = unreached.get(person.official_id)
            if entry is None:
                entry = unreached[person.official_id] = DueItems(person, timezone)
            point_key, point = due_point
            # One mark per body: a measure of two bodies without people is missed at each.
            _add_point(entry, row, plan_title, (nobody_key(row.organization_id, point_key), point))
    return unreached


def nobody_key(organization_id: int, point_key: str) -> str:
    """The mark of an executor's point told to a coordinator because the body had nobody."""
    return f"nobody:{organization_id}:{point_key}"


def _add_point(
    entry: DueItems, row: Any, plan_title: str, due_point: tuple[str, ReminderPoint]
) -> None:
    point_key, point = due_point
    mark = (row.id, point_key)
    if mark in entry.seen:
        return  # the same point through two bodies of one person
    entry.seen.add(mark)
    entry.marks.append(mark)
    entry.items.append((row, plan_title, point))


def _fresh_messages(
    due: dict[int, DueItems],
    given: set[tuple[int, int, str]],
    now: datetime,
    *,
    kind: str = REMINDER,
) -> list[OutboxMessage]:
    """One message of `kind` per person with the points not given yet, named after those
    points."""
    messages: list[OutboxMessage] = []
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
        notice = ReminderNotice(items=tuple(item for item, _ in fresh), timezone=entry.timezone)
        row = {
            "recipient_id": official_id,
            "chat_id": entry.recipient.telegram_id,
            "kind": kind,
            "dedup_key": f"{kind}:{official_id}:{digest}",
            "payload": notice.to_json(),
            "not_before": now,
        }
        messages.append(OutboxMessage(row, marks))
    return messages


async def _write(session: AsyncSession, messages: list[OutboxMessage]) -> None:
    """The outbox rows and the marks of the points they carry.

    Thousands of messages after a large import: one bulk insert each for the outbox rows and
    their marks (a plain executemany: RETURNING ids in parameter order would make SQLite insert
    row by row), then the new ids by their unique dedup keys. A concurrent scan (another
    process) writing the same key makes this transaction fail on the unique dedup key and roll
    back whole; the next scan retries."""
    await session.execute(insert(Notification.__table__), [message.row for message in messages])
    keys = [message.row["dedup_key"] for message in messages]
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
                "recipient_id": message.row["recipient_id"],
                "measure_id": measure_id,
                "point_key": key,
                "notification_id": ids[message.row["dedup_key"]],
            }
            for message in messages
            for measure_id, key in message.marks
        ],
    )


async def _given_marks(
    session: AsyncSession, dues: Sequence[dict[int, DueItems]]
) -> set[tuple[int, int, str]]:
    """The points already given, of the measures and people due now."""
    measure_ids = sorted(
        {measure_id for due in dues for entry in due.values() for measure_id, _ in entry.marks}
    )
    people = {official_id for due in dues for official_id in due}
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
            if row.recipient_id in people
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
