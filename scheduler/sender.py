"""The outbox sender: drains `notifications` into Telegram, once each, within Telegram's limits.

A drain works in three steps so that no transaction is open while Telegram is called:

1. claim: one short transaction moves due `pending` rows to `sending` (attempts + 1); the
   `UPDATE … WHERE status = 'pending'` (plus `FOR UPDATE SKIP LOCKED` on PostgreSQL, and
   `BEGIN IMMEDIATE` on SQLite) lets only one process claim a row;
2. send each claimed message with no transaction open, at most `global_per_second` messages
   per second overall and one per `per_chat_interval` seconds to one chat;
3. record each outcome in a short transaction: failures and retries one by one, and sent
   messages in batches (every message sent while the previous batch was being written goes
   into the next one), so that a slow commit neither holds a sending slot nor lowers the rate.

A process killed between 1 and 3 leaves rows in `sending`; `recover_stuck` (run at the start of
every drain) puts rows claimed long ago back to `pending`. So nothing is lost, and only the
messages in flight at a crash may be delivered twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import I18n
from sqlalchemy import Select, String, and_, bindparam, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.text_limits import (
    CALLBACK_DATA_LIMIT,
    KEYBOARD_BUTTON_LIMIT,
    MESSAGE_LIMIT,
    fits_message,
    plain_text,
    shorten,
    utf16_length,
    visible_length,
)
from models.base import utc_now
from models.queries import Recipient, enqueue_notification, plan_reviewers
from models.tables import (
    Assignment,
    Measure,
    Membership,
    Notification,
    NotificationStatus,
    Official,
    Organization,
    Plan,
    ReminderMark,
    Role,
)
from scheduler.notifications import (
    UNREACHABLE,
    Delivery,
    Rendered,
    ReplyMarkup,
    UnknownKindError,
    renderer_for,
)
from scheduler.rate_limit import RateLimiter

logger = logging.getLogger(__name__)

__all__ = ["DrainStats", "OutboxSender", "RateLimiter"]

PENDING = NotificationStatus.PENDING
SENDING = NotificationStatus.SENDING
SENT = NotificationStatus.SENT
FAILED = NotificationStatus.FAILED
CANCELLED = NotificationStatus.CANCELLED

MAX_ERROR_LENGTH = 1000


@dataclass
class DrainStats:
    """What one drain did (counts of notifications)."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0  # handed back to the outbox for a later attempt
    failed: int = 0
    cancelled: int = 0  # other notifications of recipients who blocked the bot
    recovered: int = 0  # stuck in `sending` after a crash, put back to `pending`
    enqueued: int = 0  # "unreachable" notices added for coordinators
    released: int = 0  # claimed but not tried (stop, long flood wait), back to `pending`
    skipped: bool = False  # another drain was running, or the sender is paused by flood control

    def add(self, other: DrainStats) -> None:
        for name in (
            "claimed",
            "sent",
            "retried",
            "failed",
            "cancelled",
            "recovered",
            "enqueued",
            "released",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True, slots=True)
class _Sent:
    id: int
    attempts: int
    message_id: int
    sent_at: datetime


class _SentLog:
    """Sent messages waiting to be recorded, written by one background task in batches.

    `add` never waits; `flush` waits until everything added so far is written (or given up:
    a batch that cannot be written after retries is logged, and its rows stay `sending` until
    `recover_stuck` puts them back, which may repeat those messages)."""

    def __init__(self, write: Callable[[list[_Sent]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[_Sent] = []
        self._writer: asyncio.Task[None] | None = None

    def add(self, sent: _Sent) -> None:
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


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    recipient_id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    locale: str | None


class OutboxSender:
    """Sends due notifications of the outbox; see the module docstring."""

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        *,
        default_locale: str = "ru",
        admin_ids: Iterable[int] = (),
        # Under the 25 a second the issue allows in any one-second window (a late send may be
        # followed at once by the next), and still at least 24 sustained.
        global_per_second: float = 24.5,
        max_per_second: int | None = 25,
        per_chat_interval: float = 1.0,
        batch_size: int = 500,
        max_attempts: int = 8,
        stuck_after: timedelta = timedelta(minutes=5),
        backoff_base: float = 2.0,
        backoff_cap: float = 300.0,
        max_inline_retry_after: float = 30.0,
        concurrency: int = 4,
        drain_budget: float = 60.0,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.i18n = i18n
        self.default_locale = default_locale
        self.admin_ids = frozenset(admin_ids)
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.stuck_after = stuck_after
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_inline_retry_after = max_inline_retry_after
        self.concurrency = max(1, concurrency)
        # The sender's own transactions take turns: concurrent deliveries would otherwise
        # contend for SQLite's single writer lock and sleep in its busy handler.
        self._writing = asyncio.Lock()
        self._sent = _SentLog(lambda batch: self._record_sent(batch))
        self.drain_budget = drain_budget
        self.limiter = RateLimiter(
            global_per_second,
            per_chat_interval,
            monotonic,
            max_per_second=max_per_second,
            sleep=sleep,
        )
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._stopping = False

    # --- public API -----------------------------------------------------------------------

    def request_stop(self) -> None:
        """Make a running drain stop after the message in flight (the rest go back to
        `pending`); later drains do nothing."""
        self._stopping = True

    async def run_forever(self, stop_event: asyncio.Event, interval: float = 2.0) -> None:
        """Drain every `interval` seconds (at once again after a full batch) until stopped."""
        while not stop_event.is_set() and not self._stopping:
            try:
                stats = await self.drain_once()
            except Exception:
                logger.exception("Outbox drain failed")
                stats = DrainStats()
            if stats.claimed >= self.batch_size and not stats.skipped:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), timeout=interval)

    async def drain_once(self) -> DrainStats:
        """Recover stuck rows, then send due notifications batch by batch (within a time
        budget). Concurrent calls in one process do not overlap: a second one returns at once."""
        if self._lock.locked() or self._stopping:
            return DrainStats(skipped=True)
        async with self._lock:
            total = DrainStats()
            if self.limiter.paused_for() > 0:
                # Flood control still holds: claiming now would only keep rows in `sending`.
                total.skipped = True
                return total
            total.recovered = await self.recover_stuck(self.stuck_after)
            started = self._monotonic()
            while not self._stopping:
                stats = await self._drain_batch(deadline=started + self.drain_budget)
                total.add(stats)
                if (
                    stats.claimed < self.batch_size
                    or stats.released
                    or self._monotonic() - started >= self.drain_budget
                ):
                    break
            return total

    async def recover_stuck(self, older_than: timedelta) -> int:
        """Put rows left in `sending` (claimed before `older_than` ago) back to `pending`;
        rows that have used up their attempts this way become `failed`. Returns the count
        put back."""
        now = self._clock()
        cutoff = now - older_than
        stuck = and_(Notification.status == SENDING, Notification.updated_at < cutoff)
        async with self._writing, self.sessionmaker() as session, session.begin():
            given_up = list(
                (
                    await session.scalars(
                        select(Notification.id).where(
                            stuck, Notification.attempts >= self.max_attempts
                        )
                    )
                ).all()
            )
            await _release_marks(session, given_up)
            exhausted = await session.execute(
                update(Notification)
                .where(stuck, Notification.attempts >= self.max_attempts)
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

    # --- one batch ------------------------------------------------------------------------

    async def _drain_batch(self, deadline: float) -> DrainStats:
        stats = DrainStats()
        claimed = await self._claim()
        stats.claimed = len(claimed)
        if not claimed:
            return stats
        queue = list(claimed)
        batch_ids = {row.id for row in claimed}
        blocked: set[int] = set()
        # A few messages are in flight at once (each waits for its slot from the limiter), so
        # the network round trip and the recording commit do not lower the rate; one chat never
        # has two in flight, so its messages keep their order and their interval.
        in_flight: dict[asyncio.Task[None], int] = {}
        try:
            while queue:
                if self._stopping or self._monotonic() >= deadline:
                    break
                if self.limiter.paused_for() > self.max_inline_retry_after:
                    break
                busy = set(in_flight.values())
                row = (
                    self._next_ready([r for r in queue if r.chat_id not in busy])
                    if len(in_flight) < self.concurrency
                    else None
                )
                if row is None:
                    timeout: float | None
                    if len(in_flight) >= self.concurrency:
                        # Every slot is busy: nothing can start before one of them finishes.
                        timeout = None
                    else:
                        waiting = [r for r in queue if r.chat_id not in busy]
                        ready_at = min(
                            (self.limiter.chat_ready_at(r.chat_id) for r in waiting),
                            default=self._monotonic() + 1.0,
                        )
                        timeout = max(0.0, ready_at - self._monotonic())
                    if in_flight:
                        await asyncio.wait(
                            set(in_flight), timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                        )
                        for task in [t for t in in_flight if t.done()]:
                            del in_flight[task]
                    else:
                        await self._sleep(timeout)
                    continue
                queue.remove(row)
                if row.recipient_id in blocked:
                    continue  # cancelled when the recipient turned out to have blocked the bot
                task = asyncio.create_task(self._deliver_logged(row, stats, batch_ids, blocked))
                in_flight[task] = row.chat_id
        finally:
            if in_flight:
                await asyncio.shield(asyncio.gather(*in_flight, return_exceptions=True))
            await self._sent.flush()
            remaining = [row.id for row in queue if row.recipient_id not in blocked]
            if remaining:
                stats.released = await asyncio.shield(self._release(remaining))
        return stats

    async def _deliver_logged(
        self, row: _Claimed, stats: DrainStats, batch_ids: set[int], blocked: set[int]
    ) -> None:
        try:
            await self._deliver(row, stats, batch_ids, blocked)
        except Exception:
            # Never let one row stop the drain; the row stays `sending` and is recovered later.
            logger.exception("Notification %s (%s): unexpected error", row.id, row.kind)

    def _next_ready(self, queue: Sequence[_Claimed]) -> _Claimed | None:
        """The first row whose chat may get a message now (a chat's rows keep their order)."""
        now = self._monotonic()
        for row in queue:
            if self.limiter.chat_ready_at(row.chat_id) <= now:
                return row
        return None

    async def _claim(self) -> list[_Claimed]:
        now = self._clock()
        async with self._writing, self.sessionmaker() as session, session.begin():
            query = (
                select(Notification.id)
                .where(Notification.status == PENDING, Notification.not_before <= now)
                .order_by(Notification.not_before, Notification.id)
                .limit(self.batch_size)
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
            recipients = {row.recipient_id for row in rows}
            locales = dict(
                (
                    await session.execute(
                        select(Official.id, Official.locale).where(Official.id.in_(recipients))
                    )
                ).all()
            )
        order = {row_id: index for index, row_id in enumerate(ids)}
        claimed = [
            _Claimed(
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

    async def _release(self, ids: Collection[int]) -> int:
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

    # --- one message ----------------------------------------------------------------------

    def _render(self, row: _Claimed, *, compact: bool = False) -> Rendered:
        """The message of `row` in the recipient's language, as of the sender's clock now."""
        renderer = renderer_for(row.kind)
        locale = row.locale if row.locale in self.i18n.available_locales else self.default_locale
        i18n = self.i18n

        def gettext(message: str) -> str:
            return i18n.gettext(message, locale=locale)

        def ngettext(singular: str, plural: str, n: int) -> str:
            return i18n.gettext(singular, plural, n, locale=locale)

        delivery = Delivery(now=self._clock(), compact=compact)
        # Outside an update there is no i18n context: renderers that use aiogram's `_` need one.
        with i18n.context(), i18n.use_locale(locale):
            return renderer(row.payload, gettext, ngettext, delivery)

    def _render_safe(self, row: _Claimed) -> Rendered | None:
        """The safe form: the renderer's compact form, or, if even that does not fit, the text
        cut to fit and the buttons Telegram would accept; None if it cannot be rendered."""
        try:
            text, markup = self._render(row, compact=True)
        except Exception:
            logger.exception("Notification %s (%s): the compact form failed", row.id, row.kind)
            return None
        if _fits(text, markup):
            return text, markup
        logger.error(
            "Notification %s (%s): the compact form does not fit either (%d characters, %d "
            "buttons); sending it cut",
            row.id,
            row.kind,
            visible_length(text),
            _button_count(markup),
        )
        return _cut_to_fit(text), _keyboard_that_fits(markup)

    async def _deliver(
        self, row: _Claimed, stats: DrainStats, batch_ids: set[int], blocked: set[int]
    ) -> None:
        safe = False  # the safe form (see `_render_safe`) is tried once, after a refusal
        rendered: Rendered | None
        try:
            rendered = self._render(row)
        except UnknownKindError:
            logger.error("Notification %s: unknown kind %r, not sent", row.id, row.kind)
            await self._record_failed(row, row.attempts, f"unknown kind {row.kind!r}")
            stats.failed += 1
            return
        except Exception:
            logger.exception("Notification %s (%s): rendering failed", row.id, row.kind)
            rendered, safe = self._render_safe(row), True
        else:
            if not _fits(*rendered):
                # A message the bot built that Telegram would refuse: a bug, and not a reason
                # to leave the person unreminded.
                logger.error(
                    "Notification %s (%s) does not fit Telegram (%d characters, %d buttons); "
                    "sending its safe form",
                    row.id,
                    row.kind,
                    visible_length(rendered[0]),
                    _button_count(rendered[1]),
                )
                rendered, safe = self._render_safe(row), True
        if rendered is None:
            await self._record_failed(row, row.attempts, "rendering failed")
            stats.failed += 1
            return
        text, markup = rendered

        attempts = row.attempts
        while True:
            await self.limiter.acquire(row.chat_id)
            try:
                message = await self.bot.send_message(
                    chat_id=row.chat_id,
                    text=text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except TelegramRetryAfter as error:
                self.limiter.done(row.chat_id)
                self.limiter.pause(error.retry_after)
                logger.warning(
                    "Flood control: pausing the sender %ss (notification %s)",
                    error.retry_after,
                    row.id,
                )
                if attempts >= self.max_attempts:
                    await self._record_failed(row, attempts, _describe(error))
                    stats.failed += 1
                    return
                if error.retry_after <= self.max_inline_retry_after and not self._stopping:
                    attempts += 1  # the retry is an attempt of its own
                    continue
                await self._record_retry(row, attempts, _describe(error), error.retry_after)
                stats.retried += 1
                return
            except TelegramForbiddenError as error:
                self.limiter.done(row.chat_id)
                cancelled, enqueued = await self._record_blocked(
                    row, attempts, _describe(error), batch_ids
                )
                blocked.add(row.recipient_id)
                stats.failed += 1
                stats.cancelled += cancelled
                stats.enqueued += enqueued
                logger.warning(
                    "Notification %s (%s): recipient %s blocked the bot; %d cancelled, "
                    "%d coordinator notice(s) enqueued",
                    row.id,
                    row.kind,
                    row.recipient_id,
                    cancelled,
                    enqueued,
                )
                return
            except (
                TelegramBadRequest,
                TelegramNotFound,
                TelegramEntityTooLarge,
                TelegramMigrateToChat,
            ) as error:
                self.limiter.done(row.chat_id)
                # Telegram refused a message the bot built: a bug. Once, the safe form.
                logger.error(
                    "Notification %s (%s) refused by Telegram (%s form, %d characters, "
                    "%d buttons): %s",
                    row.id,
                    row.kind,
                    "safe" if safe else "full",
                    visible_length(text),
                    _button_count(markup),
                    _describe(error),
                )
                refused = isinstance(error, TelegramBadRequest | TelegramEntityTooLarge)
                retry = None if safe or not refused or self._stopping else self._render_safe(row)
                if retry is not None:
                    (text, markup), safe = retry, True
                    attempts += 1  # the retry is an attempt of its own
                    continue
                await self._record_failed(row, attempts, _describe(error))
                stats.failed += 1
                return
            except (TelegramAPIError, TimeoutError, OSError) as error:
                # Server errors, restarts, network errors and timeouts (aiogram wraps the last
                # two in TelegramNetworkError), and anything else Telegram says: try later.
                self.limiter.done(row.chat_id)
                if attempts >= self.max_attempts:
                    logger.error(
                        "Notification %s (%s) failed after %d attempts: %s",
                        row.id,
                        row.kind,
                        attempts,
                        type(error).__name__,
                    )
                    await self._record_failed(row, attempts, _describe(error))
                    stats.failed += 1
                    return
                delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempts - 1))
                logger.warning(
                    "Notification %s (%s): %s, retrying in %ss",
                    row.id,
                    row.kind,
                    type(error).__name__,
                    delay,
                )
                await self._record_retry(row, attempts, _describe(error), delay)
                stats.retried += 1
                return
            else:
                self.limiter.done(row.chat_id)
                self._sent.add(_Sent(row.id, attempts, message.message_id, self._clock()))
                stats.sent += 1
                return

    # --- recording outcomes (one short transaction each) ------------------------------------

    async def _record_sent(self, batch: list[_Sent]) -> None:
        # The messages are out: record them even if a recovery put a row back meanwhile, so
        # that none is sent again. A failure to record is retried, since it would mean repeats.
        table = Notification.__table__
        statement = (
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
                    await session.execute(statement, parameters)
                return
            except Exception:
                if attempt == 2:
                    raise
                logger.warning("Recording %d sent notification(s) failed, retrying", len(batch))
                await self._sleep(0.5 * (attempt + 1))

    async def _record_failed(self, row: _Claimed, attempts: int, error: str) -> None:
        """The row ends `failed`; the reminder points it carried are given back, so that the
        next scan reminds of them again (a point is only spent on a delivered message)."""
        now = self._clock()
        async with self._writing, self.sessionmaker() as session, session.begin():
            await session.execute(
                update(Notification)
                .where(Notification.id == row.id, Notification.status == SENDING)
                .values(status=FAILED, attempts=attempts, last_error=error, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            released = await _release_marks(session, [row.id])
        if released:
            logger.warning(
                "Notification %s (%s) failed: %d reminder point(s) released for the next scan",
                row.id,
                row.kind,
                released,
            )

    async def _record_retry(self, row: _Claimed, attempts: int, error: str, delay: float) -> None:
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

    async def _record_blocked(
        self, row: _Claimed, attempts: int, error: str, batch_ids: Collection[int]
    ) -> tuple[int, int]:
        """The recipient blocked the bot (or is deactivated): fail this row, mark them, cancel
        their other notifications and tell the coordinators of their bodies' plans."""
        # Their messages already out must be recorded as sent before the others are cancelled.
        await self._sent.flush()
        now = self._clock()
        async with self._writing, self.sessionmaker() as session, session.begin():
            await session.execute(
                update(Notification)
                .where(Notification.id == row.id, Notification.status == SENDING)
                .values(status=FAILED, attempts=attempts, last_error=error, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            await session.execute(
                update(Official)
                .where(Official.id == row.recipient_id, Official.blocked_bot_at.is_(None))
                .values(blocked_bot_at=now)
                .execution_options(synchronize_session=False)
            )
            others = [row_id for row_id in batch_ids if row_id != row.id]
            cancelled = await session.execute(
                update(Notification)
                .where(
                    Notification.recipient_id == row.recipient_id,
                    Notification.id != row.id,
                    or_(
                        Notification.status == PENDING,
                        and_(Notification.status == SENDING, Notification.id.in_(others)),
                    ),
                )
                .values(status=CANCELLED, last_error="recipient blocked the bot", updated_at=now)
                .execution_options(synchronize_session=False)
            )
            # Nothing of theirs was delivered: should they unblock the bot, they hear of it.
            await _release_marks(
                session,
                select(Notification.id).where(
                    Notification.recipient_id == row.recipient_id,
                    Notification.status.in_((FAILED, CANCELLED)),
                ),
            )
            enqueued = await self._enqueue_unreachable(session, row.recipient_id, now)
        return cancelled.rowcount or 0, enqueued

    async def _enqueue_unreachable(
        self, session: AsyncSession, official_id: int, now: datetime
    ) -> int:
        official = await session.get(Official, official_id)
        if official is None:
            return 0
        body_rows = await session.execute(
            select(Organization.id, Organization.short_name, Organization.full_name)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(
                Membership.official_id == official_id,
                Membership.is_active.is_(True),
                Membership.role.in_((Role.OFFICIAL, Role.HEAD)),
            )
        )
        bodies = {body_id: short or full for body_id, short, full in body_rows.all()}
        if not bodies:
            return 0
        today = now.date()
        plan_bodies = (
            await session.execute(
                select(Measure.plan_id, Assignment.organization_id)
                .join(Measure, Measure.id == Assignment.measure_id)
                .join(Plan, Plan.id == Measure.plan_id)
                .where(
                    Assignment.organization_id.in_(bodies),
                    or_(Assignment.valid_until.is_(None), Assignment.valid_until >= today),
                    Measure.removed_at.is_(None),
                    Plan.is_archived.is_(False),
                )
                .distinct()
            )
        ).all()
        bodies_by_plan: dict[int, set[int]] = {}
        for plan_id, body_id in plan_bodies:
            bodies_by_plan.setdefault(plan_id, set()).add(body_id)
        if not bodies_by_plan:
            return 0

        # The official is marked as having blocked the bot by now, so they are nobody's reviewer.
        reviewers = await plan_reviewers(session, set(bodies_by_plan), self.admin_ids)
        recipients: dict[Recipient, set[int]] = {}
        for plan_id, plan_body_ids in bodies_by_plan.items():
            for recipient in reviewers.get(plan_id, []):
                if recipient.official_id != official_id:
                    recipients.setdefault(recipient, set()).update(plan_body_ids)
        enqueued = 0
        for recipient, body_ids in sorted(recipients.items(), key=lambda item: item[0].official_id):
            enqueued += await enqueue_notification(
                session,
                recipient=recipient,
                kind=UNREACHABLE,
                dedup_key=_unreachable_key(official_id, recipient.official_id, today),
                payload={
                    "official_id": official_id,
                    "person": official.display_name,
                    "bodies": sorted(bodies[body_id] for body_id in body_ids),
                },
                now=now,
            )
        return enqueued


async def _release_marks(
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


def _button_count(markup: ReplyMarkup | None) -> int:
    if isinstance(markup, InlineKeyboardMarkup):
        return sum(len(row) for row in markup.inline_keyboard)
    if isinstance(markup, ReplyKeyboardMarkup):
        return sum(len(row) for row in markup.keyboard)
    return 0


def _callback_fits(button: InlineKeyboardButton) -> bool:
    data = button.callback_data
    return data is None or 0 < len(data.encode()) <= CALLBACK_DATA_LIMIT


def _fits(text: str, markup: ReplyMarkup | None) -> bool:
    """Whether Telegram would take this message: its text, its number of buttons and each
    button's callback data within the limits."""
    if not fits_message(text) or _button_count(markup) > KEYBOARD_BUTTON_LIMIT:
        return False
    if isinstance(markup, InlineKeyboardMarkup):
        return all(_callback_fits(button) for row in markup.inline_keyboard for button in row)
    return True


def _cut_to_fit(text: str) -> str:
    """The text as plain text (tags dropped), cut with "…" to fit a message, escaped."""
    plain = plain_text(text).strip() or "—"
    limit = MESSAGE_LIMIT
    cut = shorten(plain, limit)
    while utf16_length(cut) > MESSAGE_LIMIT:
        limit -= utf16_length(cut) - MESSAGE_LIMIT
        cut = shorten(plain, limit)
    return html.escape(cut, quote=False)


def _keyboard_that_fits(markup: ReplyMarkup | None) -> ReplyMarkup | None:
    """The inline buttons Telegram would accept, at most KEYBOARD_BUTTON_LIMIT of them."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return markup if _button_count(markup) <= KEYBOARD_BUTTON_LIMIT else None
    rows: list[list[InlineKeyboardButton]] = []
    left = KEYBOARD_BUTTON_LIMIT
    for row in markup.inline_keyboard:
        kept = [button for button in row if _callback_fits(button)][:left]
        if kept:
            rows.append(kept)
            left -= len(kept)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _unreachable_key(official_id: int, recipient_id: int, day: date) -> str:
    return f"unreachable:{official_id}:{recipient_id}:{day.isoformat()}"


def _describe(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error)
    return f"{type(error).__name__}: {message}"[:MAX_ERROR_LENGTH]
