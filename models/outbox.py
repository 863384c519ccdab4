"""The outbox table as the domain and the sender change it: enqueueing a notification, giving
back the reminder points of one not delivered, cancelling a recipient's pending ones. Query
functions like `models.queries` (which re-exports them): they never commit."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, String, and_, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.engine import conflict_insert
from models.tables import Notification, NotificationStatus, ReminderMark

if TYPE_CHECKING:
    from models.queries import Recipient


async def enqueue_notification(
    session: AsyncSession,
    *,
    recipient: Recipient,
    kind: str,
    dedup_key: str,
    payload: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Put one message into the outbox unless its dedup key is there already (then False).

    It goes out with the transaction that wrote it, or not at all."""
    insert = conflict_insert(session)
    result = await session.execute(
        insert(Notification)
        .values(
            recipient_id=recipient.official_id,
            chat_id=recipient.telegram_id,
            kind=kind,
            dedup_key=dedup_key,
            payload=dict(payload),
            status=NotificationStatus.PENDING,
            attempts=0,
            not_before=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Notification.dedup_key])
    )
    return bool(result.rowcount)


async def release_reminder_marks(
    session: AsyncSession, notification_ids: Collection[int] | Select[tuple[int]]
) -> int:
    """Forget the reminder points carried by these notifications (not delivered), so that the
    next scan gives them again; returns how many were released."""
    if isinstance(notification_ids, Collection) and not notification_ids:
        return 0
    carriers = list(
        (
            await session.scalars(
                select(ReminderMark.notification_id)
                .where(ReminderMark.notification_id.in_(notification_ids))
                .distinct()
            )
        ).all()
    )
    if not carriers:
        return 0
    result = await session.execute(
        delete(ReminderMark)
        .where(ReminderMark.notification_id.in_(carriers))
        .execution_options(synchronize_session=False)
    )
    # The scan names a message after the points it carries: the row that did not deliver
    # them gives its key up, so that the same points can be written again.
    await session.execute(
        update(Notification)
        .where(Notification.id.in_(carriers))
        .values(dedup_key=Notification.dedup_key + ":undelivered:" + cast(Notification.id, String))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def cancel_notifications_of(
    session: AsyncSession,
    recipient_id: int,
    *,
    except_id: int,
    claimed: Collection[int],
    reason: str,
    now: datetime,
) -> int:
    """Cancel the recipient's notifications still to be sent: every pending one, and those of
    `claimed` (being sent by the caller), but not `except_id`; returns how many."""
    result = await session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == recipient_id,
            Notification.id != except_id,
            or_(
                Notification.status == NotificationStatus.PENDING,
                and_(
                    Notification.status == NotificationStatus.SENDING,
                    Notification.id.in_([row_id for row_id in claimed if row_id != except_id]),
                ),
            ),
        )
        .values(status=NotificationStatus.CANCELLED, last_error=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
