"""The outbox sender: drains `notifications` into Telegram, once each, within Telegram's limits.

A drain works in three steps so that no transaction is open while Telegram is called:

1. claim: one short transaction moves due `pending` rows to `sending` (attempts + 1), so that
   only one process sends a row (scheduler.outbox);
2. send each claimed message with no transaction open, at most `global_per_second` messages
   per second overall and one per `per_chat_interval` seconds to one chat
   (scheduler.rate_limit);
3. record each outcome in a short transaction: failures and retries one by one, and sent
   messages in batches (every message sent while the previous batch was being written goes
   into the next one), so that a slow commit neither holds a sending slot nor lowers the rate.

A process killed between 1 and 3 leaves rows in `sending`; `recover_stuck` (run at the start of
every drain) puts rows claimed long ago back to `pending`. So nothing is lost, and only the
messages in flight at a crash may be delivered twice.

A notification with pictures (the weekly digest's charts) sends them first, then its text; it
counts as delivered when the text is. A picture Telegram refuses is left out and the text still
sent; any other failure of a picture is that of the notification (retried, failed, blocked),
so a retry, or a crash between a picture and the text, may send the picture again, never
loses the text. Each picture takes its slot of the rate limits like a text.

Telegram's answers other than success are handled in scheduler.telegram_answers (429 pauses,
403 applies the blocked-recipient rule of bot.delivery_rules, a refused message is sent once
more in its safe form from scheduler.rendering, anything else is retried later).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, LinkPreviewOptions
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import utc_now
from scheduler.notifications import UnknownKindError
from scheduler.outbox import Claimed, OutboxStore, Sent, SentLog
from scheduler.rate_limit import RateLimiter
from scheduler.rendering import NotificationRenderer
from scheduler.telegram_answers import Batch, DrainStats, Outgoing, TelegramAnswers

logger = logging.getLogger(__name__)

__all__ = ["DrainStats", "OutboxSender", "RateLimiter"]


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
        self.batch_size = batch_size
        self.stuck_after = stuck_after
        self.max_inline_retry_after = max_inline_retry_after
        self.concurrency = max(1, concurrency)
        self.drain_budget = drain_budget
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._stopping = False
        self.renderer = NotificationRenderer(i18n, default_locale, clock)
        self.outbox = OutboxStore(sessionmaker, max_attempts=max_attempts, clock=clock, sleep=sleep)
        self._sent = SentLog(lambda batch: self._record_sent(batch))
        self.limiter = RateLimiter(
            global_per_second,
            per_chat_interval,
            monotonic,
            max_per_second=max_per_second,
            sleep=sleep,
        )
        self.answers = TelegramAnswers(
            outbox=self.outbox,
            limiter=self.limiter,
            renderer=self.renderer,
            sent_log=self._sent,
            admin_ids=admin_ids,
            max_attempts=max_attempts,
            max_inline_retry_after=max_inline_retry_after,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            stopping=lambda: self._stopping,
        )

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
            total.recovered = await self.outbox.recover_stuck(self.stuck_after)
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
        """Put rows left in `sending` before `older_than` ago back to `pending` (see
        `OutboxStore.recover_stuck`); returns the count put back."""
        return await self.outbox.recover_stuck(older_than)

    # --- one batch ------------------------------------------------------------------------

    async def _drain_batch(self, deadline: float) -> DrainStats:
        stats = DrainStats()
        claimed = await self.outbox.claim(self.batch_size)
        stats.claimed = len(claimed)
        if not claimed:
            return stats
        queue = list(claimed)
        batch = Batch(stats, {row.id for row in claimed})
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
                    await self._wait_for_slot(in_flight, queue)
                    continue
                queue.remove(row)
                if row.recipient_id in batch.blocked:
                    continue  # cancelled when the recipient turned out to have blocked the bot
                task = asyncio.create_task(self._deliver_logged(row, batch))
                in_flight[task] = row.chat_id
        finally:
            if in_flight:
                await asyncio.shield(asyncio.gather(*in_flight, return_exceptions=True))
            await self._sent.flush()
            remaining = [row.id for row in queue if row.recipient_id not in batch.blocked]
            if remaining:
                stats.released = await asyncio.shield(self.outbox.release(remaining))
        return stats

    async def _wait_for_slot(
        self, in_flight: dict[asyncio.Task[None], int], queue: Sequence[Claimed]
    ) -> None:
        """Wait until a message in flight is answered or a waiting chat may get one."""
        timeout: float | None
        if len(in_flight) >= self.concurrency:
            # Every slot is busy: nothing can start before one of them finishes.
            timeout = None
        else:
            busy = set(in_flight.values())
            waiting = [r for r in queue if r.chat_id not in busy]
            ready_at = min(
                (self.limiter.chat_ready_at(r.chat_id) for r in waiting),
                default=self._monotonic() + 1.0,
            )
            timeout = max(0.0, ready_at - self._monotonic())
        if in_flight:
            await asyncio.wait(set(in_flight), timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for task in [t for t in in_flight if t.done()]:
                del in_flight[task]
        else:
            await self._sleep(timeout)

    async def _deliver_logged(self, row: Claimed, batch: Batch) -> None:
        try:
            await self._deliver(row, batch)
        except Exception:
            # Never let one row stop the drain; the row stays `sending` and is recovered later.
            logger.exception("Notification %s (%s): unexpected error", row.id, row.kind)

    def _next_ready(self, queue: Sequence[Claimed]) -> Claimed | None:
        """The first row whose chat may get a message now (a chat's rows keep their order)."""
        now = self._monotonic()
        for row in queue:
            if self.limiter.chat_ready_at(row.chat_id) <= now:
                return row
        return None

    # --- one message ----------------------------------------------------------------------

    async def _deliver(self, row: Claimed, batch: Batch) -> None:
        message = await self._prepare(row, batch.stats)
        if message is None or not await self._send_photos(row, message, batch):
            return
        while True:
            await self.limiter.acquire(row.chat_id)
            try:
                sent = await self.bot.send_message(
                    chat_id=row.chat_id,
                    text=message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except (TelegramAPIError, TimeoutError, OSError) as error:
                self.limiter.done(row.chat_id)
                if not await self.answers.answer(row, message, error, batch):
                    return
            else:
                self.limiter.done(row.chat_id)
                self._sent.add(Sent(row.id, message.attempts, sent.message_id, self._clock()))
                batch.stats.sent += 1
                return

    async def _send_photos(self, row: Claimed, message: Outgoing, batch: Batch) -> bool:
        """Send the pictures before the text, each within the rate limits; False when the row
        is done with (handed back to the outbox, failed, or its recipient blocked the bot)."""
        while message.photos:
            photo = message.photos[0]
            await self.limiter.acquire(row.chat_id)
            try:
                await self.bot.send_photo(
                    chat_id=row.chat_id,
                    photo=BufferedInputFile(photo.png, filename="chart.png"),
                    caption=photo.caption,
                    parse_mode=ParseMode.HTML,
                )
            except (TelegramAPIError, TimeoutError, OSError) as error:
                self.limiter.done(row.chat_id)
                again = await self.answers.answer_photo(row, message, error, batch)
                if again is None:
                    message.photos.pop(0)
                elif not again:
                    return False
            else:
                self.limiter.done(row.chat_id)
                message.photos.pop(0)
        return True

    async def _prepare(self, row: Claimed, stats: DrainStats) -> Outgoing | None:
        """The message to send (see `NotificationRenderer.first_form`); None, the row recorded
        as failed, if none can be built."""
        try:
            rendered, safe = self.renderer.first_form(row)
        except UnknownKindError:
            logger.error("Notification %s: unknown kind %r, not sent", row.id, row.kind)
            await self.outbox.record_failed(row, row.attempts, f"unknown kind {row.kind!r}")
            stats.failed += 1
            return None
        if rendered is None:
            await self.outbox.record_failed(row, row.attempts, "rendering failed")
            stats.failed += 1
            return None
        text, markup = rendered
        return Outgoing(text, markup, safe, row.attempts, await self.renderer.photos(row))

    async def _record_sent(self, batch: list[Sent]) -> None:
        await self.outbox.record_sent(batch)
