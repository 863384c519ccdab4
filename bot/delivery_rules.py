"""What the bot does when a message cannot reach a person any more.

Telegram answers 403 when a person blocked the bot (or their account is gone). The sender only
recognises that answer; the rule is here: the person is marked as having blocked the bot
(`Official.blocked_bot_at`; writing to the bot again clears it, see `bot.people`), nothing more
is sent to them, the reminder points their undelivered messages carried are given back (should
they unblock the bot, they hear of those measures again), and the coordinators of the plans
their bodies work on are told that those bodies cannot be reached through them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notification_kinds import UNREACHABLE, UnreachableNotice
from models.queries import (
    Recipient,
    active_assignment,
    active_membership,
    cancel_notifications_of,
    enqueue_notification,
    live_measure,
    live_plan,
    plan_reviewers,
    release_reminder_marks,
)
from models.tables import (
    Assignment,
    Measure,
    Membership,
    Notification,
    NotificationStatus,
    Official,
    Organization,
    Plan,
    Role,
)

__all__ = ["BlockedOutcome", "recipient_blocked_bot"]

BLOCKED_REASON = "recipient blocked the bot"


@dataclass(frozen=True, slots=True)
class BlockedOutcome:
    cancelled: int  # the person's other notifications, not to be sent
    enqueued: int  # "unreachable" notices written for coordinators


async def recipient_blocked_bot(
    session: AsyncSession,
    official_id: int,
    *,
    notification_id: int,
    claimed: Collection[int],
    now: datetime,
    admin_telegram_ids: Iterable[int],
) -> BlockedOutcome:
    """Apply the rule above when notification `notification_id` met a block; `claimed` are
    the notifications the sender has taken to send (those of this person are cancelled too).
    Runs in the caller's transaction, after the sender recorded that notification's failure
    and every message of theirs already delivered."""
    await session.execute(
        update(Official)
        .where(Official.id == official_id, Official.blocked_bot_at.is_(None))
        .values(blocked_bot_at=now)
        .execution_options(synchronize_session=False)
    )
    cancelled = await cancel_notifications_of(
        session,
        official_id,
        except_id=notification_id,
        claimed=claimed,
        reason=BLOCKED_REASON,
        now=now,
    )
    # Nothing of theirs was delivered: should they unblock the bot, they hear of it.
    await release_reminder_marks(
        session,
        select(Notification.id).where(
            Notification.recipient_id == official_id,
            Notification.status.in_((NotificationStatus.FAILED, NotificationStatus.CANCELLED)),
        ),
    )
    enqueued = await _tell_coordinators(session, official_id, now, frozenset(admin_telegram_ids))
    return BlockedOutcome(cancelled, enqueued)


async def _bodies_of(session: AsyncSession, official_id: int) -> dict[int, str]:
    """The bodies the person serves as official or head: id -> name."""
    rows = await session.execute(
        select(Organization.id, Organization.short_name, Organization.full_name)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(
            Membership.official_id == official_id,
            active_membership(),
            Membership.role.in_((Role.OFFICIAL, Role.HEAD)),
        )
    )
    return {body_id: short or full for body_id, short, full in rows.all()}


async def _bodies_by_plan(session: AsyncSession, body_ids: Collection[int]) -> dict[int, set[int]]:
    """The live plans these bodies have measures in: plan id -> the bodies. Only assignments
    in force count (an assignment ended today is history, as everywhere else)."""
    rows = await session.execute(
        select(Measure.plan_id, Assignment.organization_id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .where(
            Assignment.organization_id.in_(body_ids),
            active_assignment(),
            live_measure(),
            live_plan(),
        )
        .distinct()
    )
    bodies_by_plan: dict[int, set[int]] = {}
    for plan_id, body_id in rows.all():
        bodies_by_plan.setdefault(plan_id, set()).add(body_id)
    return bodies_by_plan


async def _tell_coordinators(
    session: AsyncSession, official_id: int, now: datetime, admin_telegram_ids: frozenset[int]
) -> int:
    """One "unreachable" notice a day to each coordinator of the person's bodies' plans (the
    administrators for a plan without one), naming the bodies; returns how many were written."""
    official = await session.get(Official, official_id)
    if official is None:
        return 0
    bodies = await _bodies_of(session, official_id)
    if not bodies:
        return 0
    bodies_by_plan = await _bodies_by_plan(session, list(bodies))
    if not bodies_by_plan:
        return 0
    # The official is marked as having blocked the bot by now, so they are nobody's reviewer.
    reviewers = await plan_reviewers(session, set(bodies_by_plan), admin_telegram_ids)
    recipients: dict[Recipient, set[int]] = {}
    for plan_id, plan_body_ids in bodies_by_plan.items():
        for recipient in reviewers.get(plan_id, []):
            if recipient.official_id != official_id:
                recipients.setdefault(recipient, set()).update(plan_body_ids)
    today = now.date()
    enqueued = 0
    for recipient, body_ids in sorted(recipients.items(), key=lambda item: item[0].official_id):
        enqueued += await enqueue_notification(
            session,
            recipient=recipient,
            kind=UNREACHABLE,
            dedup_key=_unreachable_key(official_id, recipient.official_id, today),
            payload=UnreachableNotice(
                official_id=official_id,
                person=official.display_name,
                bodies=tuple(sorted(bodies[body_id] for body_id in body_ids)),
            ).to_json(),
            now=now,
        )
    return enqueued


def _unreachable_key(official_id: int, recipient_id: int, day: date) -> str:
    return f"unreachable:{official_id}:{recipient_id}:{day.isoformat()}"
