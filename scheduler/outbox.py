"""Outbox storage for the sender: claiming due notifications and recording what became of them.

Every method is one short transaction of its own, and they take turns (one lock): concurrent
deliveries would otherwise contend for SQLite's single writer lock and sleep in its busy
handler. No transaction is open while Telegram is called (scheduler.sender).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Update, and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery_rules import BlockedOutcome, recipient_blocked_bot
from models.queries import release_reminder_marks
from models.tables import Notification, NotificationStatus, Official

logger = logging.getLogger(__name__)

__all__ = ["Claimed", "OutboxStore", "Sent", "SentLog"]

PENDING = NotificationStatus.PENDING
SENDING = NotificationStatus.SENDING
SENT = NotificationStatus.SENT
FAILED = NotificationStatus.FAILED


@dataclass(frozen=True, slots=True)
class Claimed:
    """A notification taken to be sent (its row is `sending`, this attempt counted)."""

    id: int
    recipient_id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    locale: str | None


@dataclass(frozen=True, slots=True)
class Sent:
    """A notification Telegram took, waiting to be recorded."""

    id: int
    attempts: int
    message_id: int
    sent_at: datetime


class SentLog:
    """Sent messages waiting to be recorded, written by one background task in batches.

    `add` never waits; `flush` waits until everything added so far is written (or given up:
    a batch that cannot be written after retries is logged, and its rows stay `sending` until
    `recover_stuck` puts them back, which may repeat those messages)."""

    def __init__(self, write: Callable[[list[Sent]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[Sent] = []
        self._writer: asyncio.Task[None] | None = None

    def add(self, sent: Sent) -> None:
        self._waiting.append(sent)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())

    async def flush(self) -> None:
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._write(batch)
            except Exception:
                logger.exception(
                    "Recording %d sent notification(s) failed (ids %s); they stay in sending "
                    "and may be sent again after recovery",
                    len(batch),
                    ", ".join(str(sent.id) for sent in batch[:20]),
                )


class OutboxStore:
    """The `notifications` table as the sender sees it."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        max_attempts: int,
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.max_attempts = max_attempts
        self._clock = clock
        self._sleep = sleep
        self._writing = asyncio.Lock()

    async def claim(self, limit: int) -> list[Claimed]:
        """Move up to `limit` due `pending` rows to `sending` (attempts + 1), oldest first.

        The `UPDATE … WHERE status = 'pending'` (plus `FOR UPDATE SKIP LOCKED` on PostgreSQL,
        and `BEGIN IMMEDIATE` on SQLite) lets only one process claim a row."""
        now = self._clock()
        async with self._writing, self.sessionmaker() as session, session.begin():
            query = (
                select(Notification.id)
                .where(Notification.status == PENDING, Notification.not_before <= now)
                .order_by(Notification.not_before, Notification.id)
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = list((await session.scalars(query)).all())
            if not ids:
                return []
            result = await session.execute(
                update(Notification)
                .where(Notification.id.in_(ids), Notification.status == PENDING)
                .values(status=SENDING, attempts=Notification.attempts + 1, updated_at=now)
                .returning(
                    Notification.id,
                    Notification.recipient_id,
                    Notification.chat_id,
                    Notification.kind,
                    Notification.payload,
                    Notification.attempts,
                )
                .execution_options(synchronize_session=False)
            )
            rows = result.all()
            locales = await _locales(session, {row.recipient_id for row in rows})
        order = {row_id: index for index, row_id in enumerate(ids)}
        claimed = [
            Claimed(
                id=row.id,
                recipient_id=row.recipient_id,
                chat_id=row.chat_id,
                kind=row.kind,
                payload=dict(row.payload or {}),
                attempts=row.attempts,
                locale=locales.get(row.recipient_id),
            )
            for row in rows
        ]
        claimed.sort(key=lambda row: order[row.id])
        return claimed

    async def release(self, ids: Collection[int]) -> int:
        """Claimed rows that were not tried go back to `pending`, their attempt not counted."""
        async with self._writing, self.sessionmaker() as session, session.begin():
            result = await session.execute(
                update(Notification)
                .where(Notification.id.in_(ids), Notification.status == SENDING)
                .values(
                    status=PENDING,
                    attempts=Notification.attempts - 1,
                    updated_at=self._clock(),
                )
                .execution_options(synchronize_session=False)
            )
        return result.rowcount or 0

    async def recover_stuck(self, older_than: timedelta) -> int:
        """Put rows left in `sending` (claimed before `older_than` ago) back to `pending`;
        rows that have used up their attempts this way become `failed`. Returns the count
        put back."""
        now = self._clock()
        cutoff = now - older_than
        stuck = and_(Notification.status == SENDING, Notification.updated_at < cutoff)
        used_up = and_(stuck, Notification.attempts >= self.max_attempts)
        async with self._writing, self.sessionmaker() as session, session.begin():
            given_up = list((await session.scalars(select(Notification.id).where(used_up))).all())
            await release_reminder_marks(session, given_up)
            exhausted = await session.execute(
                update(Notification)
                .where(used_up)
                .values(
                    status=FAILED,
                    last_error="interrupted while sending, attempts used up",
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            recovered = await session.execute(
                update(Notification)
                .where(stuck)
                .values(status=PENDING, not_before=now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        if exhausted.rowcount:
            logger.error("%d notification(s) failed: interrupted while sending", exhausted.rowcount)
        if recovered.rowcount:
            logger.warning("Recovered %d notification(s) stuck in sending", recovered.rowcount)
        return recovered.rowcount or 0

    async def record_sent(self, batch: list[Sent]) -> None:
        """The messages are out: record them even if a recovery put a row back meanwhile, so
        that none is sent again. A failure to record is retried, since it would mean repeats."""
        parameters = [
            {
                "sent_id": sent.id,
                "sent_attempts": sent.attempts,
                "sent_message_id": sent.message_id,
                "sent_at": sent.sent_at,
            }
            for sent in batch
        ]
        for attempt in range(3):
            try:
                async with self._writing, self.sessionmaker() as session, session.begin():
                    await session.execute(_MARK_SENT, parameters)
                return
            except Exception:
                if attempt == 2:
                    raise
                logger.warning("Recording %d sent notification(s) failed, retrying", len(batch))
                await self._sleep(0.5 * (attempt + 1))

    async def record_failed(self, row: Claimed, attempts: int, error: str) -> None:
        """The row ends `failed`; the reminder points it carried are given back, so that the
        next scan reminds of them again (a point is only spent on a delivered message)."""
        async with self._writing, self.sessionmaker() as session, session.begin():
            await _mark_failed(session, row, attempts, error, self._clock())
            released = await release_reminder_marks(session, [row.id])
        if released:
            logger.warning(
                "Notification %s (%s) failed: %d reminder point(s) released for the next scan",
                row.id,
                row.kind,
                released,
            )

    async def record_retry(self, row: Claimed, attempts: int, error: str, delay: float) -> None:
        """The row goes back to `pending`, to be tried again after `delay` seconds."""
        now = self._clock()
        async with self._writing, self.sessionmaker() as session, session.begin():
            await session.execute(
                update(Notification)
                .where(Notification.id == row.id, Notification.status == SENDING)
                .values(
                    status=PENDING,
                    attempts=attempts,
                    last_error=error,
                    not_before=now + timedelta(seconds=delay),
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )

    async def record_blocked(
        self,
        row: Claimed,
        attempts: int,
        error: str,
        *,
        claimed: Collection[int],
        admin_telegram_ids: Iterable[int],
    ) -> BlockedOutcome:
        """The recipient blocked the bot: the row ends `failed` and the domain rule
        (bot.delivery_rules) applies, in one transaction. Their messages already out must be
        recorded as sent before this (the caller flushes its SentLog)."""
        now = self._clock()
        async with self._writing, self.sessionmaker() as session, session.begin():
            await _mark_failed(session, row, attempts, error, now)
            return await recipient_blocked_bot(
                session,
                row.recipient_id,
                notification_id=row.id,
                claimed=claimed,
                now=now,
                admin_telegram_ids=admin_telegram_ids,
            )


def _mark_sent_statement() -> Update:
    table = Notification.__table__
    return (
        update(table)
        .where(
            table.c.id == bindparam("sent_id"),
            # Not `in_`: an expanding IN cannot be used with executemany.
            or_(table.c.status == PENDING, table.c.status == SENDING),
        )
        .values(
            status=SENT,
            attempts=bindparam("sent_attempts"),
            sent_message_id=bindparam("sent_message_id"),
            sent_at=bindparam("sent_at"),
            last_error=None,
            updated_at=bindparam("sent_at"),
        )
    )


_MARK_SENT = _mark_sent_statement()


async def _mark_failed(
    session: AsyncSession, row: Claimed, attempts: int, error: str, now: datetime
) -> None:
    await session.execute(
        update(Notification)
        .where(Notification.id == row.id, Notification.status == SENDING)
        .values(status=FAILED, attempts=attempts, last_error=error, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def _locales(session: AsyncSession, official_ids: set[int]) -> dict[int, str | None]:
    rows = await session.execute(
        select(Official.id, Official.locale).where(Official.id.in_(official_ids))
    )
    return dict(rows.all())
