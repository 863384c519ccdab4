"""Telegram's answers to the sender, one handler each: what becomes of the notification.

429 (flood control) pauses the whole sender: a short wait is waited and the message sent
again, a long one hands the row back to the outbox. 403 (the person blocked the bot) applies
the domain rule of bot.delivery_rules. A refused message (400 and the like, a bug of the bot)
is sent once more in its safe form; a refused picture (sent before a text) is left out and
the text sent. Anything else (server and network errors, timeouts) is retried later with a
growing backoff until the attempts are used up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)

from bot.presentation.fits import button_count
from bot.presentation.text_limits import visible_length
from scheduler.notifications import Photo, ReplyMarkup
from scheduler.outbox import Claimed, OutboxStore, SentLog
from scheduler.rate_limit import RateLimiter
from scheduler.rendering import NotificationRenderer

logger = logging.getLogger(__name__)

__all__ = ["Batch", "DrainStats", "Outgoing", "TelegramAnswers", "describe"]

MAX_ERROR_LENGTH = 1000
# Telegram refused a message the bot built (a bug): sent once more in the safe form.
REFUSED = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge, TelegramMigrateToChat)


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


@dataclass(slots=True)
class Batch:
    """One claimed batch being sent: its counts, its rows, and whose rows are cancelled."""

    stats: DrainStats
    claimed_ids: set[int]
    blocked: set[int] = field(default_factory=set)  # recipients who turned out to block the bot


@dataclass(slots=True)
class Outgoing:
    """The message of one notification as it is being tried."""

    text: str
    markup: ReplyMarkup | None
    # The safe form (see `NotificationRenderer.render_safe`), tried once, after a refusal.
    safe: bool
    attempts: int
    # Pictures still to send before the text, first to last.
    photos: list[Photo] = field(default_factory=list)


class TelegramAnswers:
    """Handles an error Telegram (or the network) answered a send with. `answer` returns True
    when the message is to be sent again at once, False when the row is done with."""

    def __init__(
        self,
        *,
        outbox: OutboxStore,
        limiter: RateLimiter,
        renderer: NotificationRenderer,
        sent_log: SentLog,
        admin_ids: Iterable[int],
        max_attempts: int,
        max_inline_retry_after: float,
        backoff_base: float,
        backoff_cap: float,
        stopping: Callable[[], bool],
    ) -> None:
        self.outbox = outbox
        self.limiter = limiter
        self.renderer = renderer
        self._sent_log = sent_log
        self.admin_ids = frozenset(admin_ids)
        self.max_attempts = max_attempts
        self.max_inline_retry_after = max_inline_retry_after
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._stopping = stopping

    async def answer(
        self, row: Claimed, message: Outgoing, error: BaseException, batch: Batch
    ) -> bool:
        if isinstance(error, TelegramRetryAfter):
            return await self._flood_control(row, message, error, batch.stats)
        if isinstance(error, TelegramForbiddenError):
            await self._recipient_blocked(row, message, error, batch)
            return False
        if isinstance(error, REFUSED):
            return await self._refused(row, message, error, batch.stats)
        # Server errors, restarts, network errors and timeouts (aiogram wraps the last two in
        # TelegramNetworkError), and anything else Telegram says: try later.
        await self._try_later(row, message, error, batch.stats)
        return False

    async def answer_photo(
        self, row: Claimed, message: Outgoing, error: BaseException, batch: Batch
    ) -> bool | None:
        """An error answered to a picture sent before the text: as `answer` (True: send it
        again now, False: the row is done with), but a refused picture (a bug) is left out,
        logged, and the text goes on (None)."""
        if isinstance(error, REFUSED):
            logger.error(
                "Notification %s (%s): picture refused by Telegram, the text goes without it: %s",
                row.id,
                row.kind,
                describe(error),
            )
            return None
        return await self.answer(row, message, error, batch)

    async def _flood_control(
        self, row: Claimed, message: Outgoing, error: TelegramRetryAfter, stats: DrainStats
    ) -> bool:
        """429: the whole sender pauses; a short wait is waited here, a long one in the outbox."""
        self.limiter.pause(error.retry_after)
        logger.warning(
            "Flood control: pausing the sender %ss (notification %s)", error.retry_after, row.id
        )
        if message.attempts >= self.max_attempts:
            await self.outbox.record_failed(row, message.attempts, describe(error))
            stats.failed += 1
            return False
        if error.retry_after <= self.max_inline_retry_after and not self._stopping():
            message.attempts += 1  # the retry is an attempt of its own
            return True
        await self.outbox.record_retry(row, message.attempts, describe(error), error.retry_after)
        stats.retried += 1
        return False

    async def _recipient_blocked(
        self, row: Claimed, message: Outgoing, error: TelegramForbiddenError, batch: Batch
    ) -> None:
        """403: the person blocked the bot (or is deactivated); bot.delivery_rules says what
        follows. Their messages already out are recorded as sent before the rest is cancelled."""
        await self._sent_log.flush()
        outcome = await self.outbox.record_blocked(
            row,
            message.attempts,
            describe(error),
            claimed=batch.claimed_ids,
            admin_telegram_ids=self.admin_ids,
        )
        batch.blocked.add(row.recipient_id)
        batch.stats.failed += 1
        batch.stats.cancelled += outcome.cancelled
        batch.stats.enqueued += outcome.enqueued
        logger.warning(
            "Notification %s (%s): recipient %s blocked the bot; %d cancelled, "
            "%d coordinator notice(s) enqueued",
            row.id,
            row.kind,
            row.recipient_id,
            outcome.cancelled,
            outcome.enqueued,
        )

    async def _refused(
        self, row: Claimed, message: Outgoing, error: TelegramAPIError, stats: DrainStats
    ) -> bool:
        """Telegram refused a message the bot built: a bug. Once more, in the safe form."""
        logger.error(
            "Notification %s (%s) refused by Telegram (%s form, %d characters, %d buttons): %s",
            row.id,
            row.kind,
            "safe" if message.safe else "full",
            visible_length(message.text),
            button_count(message.markup),
            describe(error),
        )
        refused = isinstance(error, TelegramBadRequest | TelegramEntityTooLarge)
        retry = (
            None
            if message.safe or not refused or self._stopping()
            else self.renderer.render_safe(row)
        )
        if retry is not None:
            (message.text, message.markup), message.safe = retry, True
            message.attempts += 1  # the retry is an attempt of its own
            return True
        await self.outbox.record_failed(row, message.attempts, describe(error))
        stats.failed += 1
        return False

    async def _try_later(
        self, row: Claimed, message: Outgoing, error: BaseException, stats: DrainStats
    ) -> None:
        """A passing failure: back off and try again, until the attempts are used up."""
        attempts = message.attempts
        if attempts >= self.max_attempts:
            logger.error(
                "Notification %s (%s) failed after %d attempts: %s",
                row.id,
                row.kind,
                attempts,
                type(error).__name__,
            )
            await self.outbox.record_failed(row, attempts, describe(error))
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
        await self.outbox.record_retry(row, attempts, describe(error), delay)
        stats.retried += 1


def describe(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error)
    return f"{type(error).__name__}: {message}"[:MAX_ERROR_LENGTH]
