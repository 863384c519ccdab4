"""Telegram's rate limits for the outbox sender: overall, per chat, and flood-control pauses."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Spaces sends: a token bucket of one token refilled `global_per_second` times a second
    (so never a burst), at most `max_per_second` sends in any one second (with `margin` to
    spare for network jitter), one send per `per_chat_interval` to a chat, and a global pause
    after a 429 (Telegram's flood control counts per bot)."""

    def __init__(
        self,
        global_per_second: float,
        per_chat_interval: float,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        max_per_second: int | None = None,
        margin: float = 0.02,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if global_per_second <= 0:
            raise ValueError("global_per_second must be positive")
        self._interval = 1.0 / global_per_second
        self._per_chat = per_chat_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_by_chat: dict[int, float] = {}
        self._window = 1.0 + margin
        # The start times of the latest `max_per_second` sends.
        self._recent: deque[float] | None = deque(maxlen=max_per_second) if max_per_second else None

    def _window_open_at(self) -> float:
        recent = self._recent
        if recent is None or len(recent) < (recent.maxlen or 0):
            return 0.0
        return recent[0] + self._window

    def chat_ready_at(self, chat_id: int) -> float:
        last = self._last_by_chat.get(chat_id)
        return 0.0 if last is None else last + self._per_chat

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message may go to `chat_id`, and take the global slot."""
        while True:
            now = self._monotonic()
            start = max(
                now,
                self._next_slot,
                self._paused_until,
                self.chat_ready_at(chat_id),
                self._window_open_at(),
            )
            if start <= now:
                break
            await self._sleep(start - now)
        if self._recent is not None:
            self._recent.append(now)
        # Slots follow a schedule rather than the moment a sleep happened to end, so timer
        # lateness does not pile up; a send that was late lets the next one catch up by at most
        # one interval, which keeps the rate and never bursts.
        self._next_slot = max(self._next_slot, now - self._interval) + self._interval

    def done(self, chat_id: int) -> None:
        """A call to `chat_id` has been answered: its per-chat interval starts now (measured
        from the answer, so network jitter cannot bring two sends closer on Telegram's side)."""
        now = self._monotonic()
        self._last_by_chat[chat_id] = now
        if len(self._last_by_chat) > 10_000:
            horizon = now - self._per_chat
            self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if t > horizon}
