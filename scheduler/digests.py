"""The weekly digest scan: writes the digests due now into the outbox, once per person and week.

Who gets one: each live plan's coordinators (the administrators, for a plan without one, as
reminders escalate: `models.queries.plan_reviewers`), one digest for all their plans. When:
`bot.digest_schedule.due_digest` over the person's `digest_subscriptions` row (no row: Monday
09:00, on) in their time zone. What: per plan its summary (counted as /summary counts it), the
data of its chart, and what changed (`bot.digest_content`), stored in the payload; the sender
renders the text and draws the chart at send time (`scheduler.digest_messages`).

Exactly once: in one transaction the scan first claims the week (moves `last_sent_on` with an
update conditional on it still lying before the week's Monday, or inserts the row; a
concurrent scan finds nothing to update, or the row there, and skips the person), then writes
the notifications with dedup keys named after the person and the week. A restart repeats
nothing; a digest missed while the bot was down goes when it is back, the same week.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import person_timezone
from bot.digest_content import PlanStanding, plan_digest, plan_standing
from bot.digest_schedule import DEFAULT_SETTING, DigestSetting, DueDigest, due_digest, week_of
from bot.notification_kinds import WEEKLY_DIGEST, WeeklyDigestNotice
from bot.presentation.chart_payload import chart_to_json
from bot.presentation.status_chart import summary_chart
from models.engine import conflict_insert
from models.outbox import enqueue_notification
from models.queries import Recipient, live_plan, plan_reviewers, zone_candidates
from models.tables import DigestSubscription, Plan

logger = logging.getLogger(__name__)

# Plans per message: a coordinator of many plans gets their digest in several messages.
PLANS_PER_MESSAGE = 3
# The changes of a first digest reach this far back.
FIRST_PERIOD = timedelta(days=7)


@dataclass(slots=True)
class Candidate:
    recipient: Recipient
    plans: list[tuple[int, str]]  # (id, title), by title
    plan_zone: str | None  # the zone of their first plan, for a person without one of their own
    setting: DigestSetting = DEFAULT_SETTING
    stored: bool = False
    last_sent_on: date | None = None
    last_sent_at: datetime | None = None


async def _candidates(
    session: AsyncSession, admin_telegram_ids: frozenset[int]
) -> dict[int, Candidate]:
    plans = {
        plan_id: (title, zone)
        for plan_id, title, zone in await session.execute(
            select(Plan.id, Plan.title, Plan.timezone).where(live_plan()).order_by(Plan.title)
        )
    }
    reviewers = await plan_reviewers(session, set(plans), admin_telegram_ids)
    candidates: dict[int, Candidate] = {}
    for plan_id, (title, zone) in plans.items():
        for person in reviewers.get(plan_id, ()):
            candidate = candidates.get(person.official_id)
            if candidate is None:
                candidate = candidates[person.official_id] = Candidate(person, [], zone)
            candidate.plans.append((plan_id, title))
    for row in await session.scalars(
        select(DigestSubscription).where(DigestSubscription.official_id.in_(list(candidates)))
    ):
        candidate = candidates[row.official_id]
        candidate.setting = DigestSetting(row.weekday, row.local_time, row.enabled)
        candidate.stored = True
        candidate.last_sent_on = row.last_sent_on
        candidate.last_sent_at = row.last_sent_at
    return candidates


async def _timezone(session: AsyncSession, candidate: Candidate, default_timezone: str) -> str:
    """The person's zone as `bot.clock.timezone_of` finds it (their own, their body's, their
    plan's), else their first plan's, else the default."""
    found = await zone_candidates(session, candidate.recipient.official_id)
    return person_timezone(
        found.own, found.body, found.plan or candidate.plan_zone, default_timezone
    )


def _surely_sent_this_week(candidate: Candidate, now: datetime) -> bool:
    """Sent this week in every zone (local dates are at most a day ahead of UTC in Russia): no
    zone needs looking up."""
    if not candidate.setting.enabled:
        return True
    last = candidate.last_sent_on
    return last is not None and last >= week_of(now.date() + timedelta(days=1))


async def claim_week(
    session: AsyncSession, candidate: Candidate, due: DueDigest, now: datetime
) -> bool:
    """Mark the week as sent for the person, unless someone did already (then False)."""
    official_id = candidate.recipient.official_id
    values = {"last_sent_on": due.local_date, "last_sent_at": now}
    if candidate.stored:
        result = await session.execute(
            update(DigestSubscription)
            .where(
                DigestSubscription.official_id == official_id,
                DigestSubscription.enabled.is_(True),
                or_(
                    DigestSubscription.last_sent_on.is_(None),
                    DigestSubscription.last_sent_on < due.week,
                ),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)
    insert = conflict_insert(session)
    result = await session.execute(
        insert(DigestSubscription)
        .values(official_id=official_id, created_at=now, **values)
        .on_conflict_do_nothing(index_elements=[DigestSubscription.official_id])
    )
    return bool(result.rowcount)


class Standings:
    """Where each plan stands, and its chart's data, counted once per scan whoever of its
    coordinators gets a digest."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[PlanStanding, dict[str, Any]]] = {}

    async def of(
        self, session: AsyncSession, plan_id: int, now: datetime, default_timezone: str
    ) -> tuple[PlanStanding, dict[str, Any]]:
        if plan_id not in self._known:
            standing = await plan_standing(
                session, plan_id, end=now, default_timezone=default_timezone
            )
            chart = chart_to_json(summary_chart(standing.summary, standing.deadlines))
            self._known[plan_id] = (standing, chart)
        return self._known[plan_id]


async def _enqueue(
    session: AsyncSession,
    standings: Standings,
    candidate: Candidate,
    due: DueDigest,
    timezone: str,
    now: datetime,
    default_timezone: str,
) -> int:
    start = candidate.last_sent_at or now - FIRST_PERIOD
    digests = []
    for plan_id, _title in candidate.plans:
        standing, chart = await standings.of(session, plan_id, now, default_timezone)
        digest = await plan_digest(
            session, standing, start=start, end=now, default_timezone=default_timezone
        )
        digests.append(replace(digest, chart=chart))
    chunks = [
        digests[index : index + PLANS_PER_MESSAGE]
        for index in range(0, len(digests), PLANS_PER_MESSAGE)
    ]
    written = 0
    for part, chunk in enumerate(chunks, 1):
        notice = WeeklyDigestNotice(
            plan_ids=tuple(plan.plan_id for plan in chunk),
            period_start=candidate.last_sent_at,
            period_end=now,
            timezone=timezone,
            plans=tuple(chunk),
            part=part,
            parts=len(chunks),
        )
        official_id = candidate.recipient.official_id
        written += await enqueue_notification(
            session,
            recipient=candidate.recipient,
            kind=WEEKLY_DIGEST,
            dedup_key=f"{WEEKLY_DIGEST}:{official_id}:{due.week.isoformat()}:{part}",
            payload=notice.to_json(),
            now=now,
        )
    return written


async def write_due_digests(
    session: AsyncSession,
    *,
    now: datetime,
    default_timezone: str,
    admin_telegram_ids: frozenset[int] = frozenset(),
) -> int:
    """Add to the outbox every weekly digest due at `now`; returns how many messages."""
    written = 0
    standings = Standings()
    for candidate in (await _candidates(session, admin_telegram_ids)).values():
        if _surely_sent_this_week(candidate, now):
            continue
        timezone = await _timezone(session, candidate, default_timezone)
        due = due_digest(
            candidate.setting, timezone=timezone, last_sent_on=candidate.last_sent_on, now=now
        )
        if due is None or not await claim_week(session, candidate, due, now):
            continue
        written += await _enqueue(
            session, standings, candidate, due, timezone, now, default_timezone
        )
    return written


async def scan_digests(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    default_timezone: str,
    admin_telegram_ids: frozenset[int] = frozenset(),
) -> int:
    """One scan in one transaction; the job of the scheduler."""
    async with sessionmaker() as session, session.begin():
        written = await write_due_digests(
            session,
            now=now,
            default_timezone=default_timezone,
            admin_telegram_ids=admin_telegram_ids,
        )
    if written:
        logger.info("Digest scan wrote %d message(s) to the outbox", written)
    return written
