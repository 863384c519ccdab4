"""Cross-cutting concerns of every update: database session, current person, language."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import people
from bot.access import Roles
from bot.i18n import pick_locale

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdatesInFlight:
    """Knows which updates are being handled, so that a stop can wait for them to finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.last_update_id: int | None = None

    @contextlib.asynccontextmanager
    async def track(self, update_id: int) -> AsyncIterator[None]:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._idle.clear()
        try:
            yield
        finally:
            self._tasks.discard(task)
            if self.last_update_id is None or update_id > self.last_update_id:
                self.last_update_id = update_id
            if not self._tasks:
                self._idle.set()

    @property
    def count(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> int:
        """Wait for running updates; cancel (and so roll back) those still running after
        `timeout` seconds. Returns how many had to be cancelled."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return 0
        except TimeoutError:
            pending = list(self._tasks)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            return len(pending)


class PerPersonOrder:
    """Updates of one person are handled one after another, in the order they arrived.

    Updates are handled concurrently; without this, a quick second tap could read the database
    before the first one's transaction committed (a language switch, then /help in the old one).
    """

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def turn(self, user_id: int | None) -> AsyncIterator[None]:
        if user_id is None:
            yield
            return
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._users[user_id] = self._users.get(user_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[user_id] -= 1
            if not self._users[user_id]:
                del self._users[user_id]
                del self._locks[user_id]


class DbSessionMiddleware(BaseMiddleware):
    """One session and one transaction per update: commit on success, roll back on error.

    Updates of one person take turns (see PerPersonOrder), each in its own transaction.
    """

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], in_flight: UpdatesInFlight
    ) -> None:
        self.sessionmaker = sessionmaker
        self.in_flight = in_flight
        self.order = PerPersonOrder()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        async with (
            self.in_flight.track(event.update_id),
            self.order.turn(user.id if user is not None else None),
            self.sessionmaker() as session,
            session.begin(),
        ):
            data["session"] = session
            return await handler(event, data)


class CurrentPersonMiddleware(BaseMiddleware):
    """Puts the sender as `official` (stored person) and their `roles` into handler data."""

    def __init__(self, admin_telegram_ids: frozenset[int]) -> None:
        self.admin_telegram_ids = admin_telegram_ids

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            data["official"] = None
            data["roles"] = Roles()
            return await handler(event, data)
        session: AsyncSession = data["session"]
        official = await people.recognise(
            session,
            people.TelegramPerson(
                telegram_id=user.id,
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                language_code=user.language_code,
            ),
            datetime.now(UTC),
        )
        data["official"] = official
        data["roles"] = await people.roles_of(session, official, self.admin_telegram_ids)
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    """The person's chosen language, else their Telegram client's, else Russian.

    The chosen locale is also left in `data["locale"]` for the error handler, which runs
    outside this middleware's context.
    """

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        official = data.get("official")
        user: User | None = data.get("event_from_user")
        locale = pick_locale(
            official.locale if official is not None else None,
            user.language_code if user is not None else None,
        )
        data["locale"] = locale
        return locale


class ClockMiddleware(BaseMiddleware):
    """One `now` per update (Settings.now(): UTC, with the clock shift), read once, so every
    handler and domain rule of the update agrees on the moment and on "today"."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["now"] = self.clock()
        return await handler(event, data)
