"""Cross-cutting concerns of every update: database session, current person, language."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.fsm.context import FSMContext
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session

from bot import people
from bot.access import Roles
from bot.clock import forget_zones
from bot.i18n import pick_locale
from bot.refusals import Refused
from models.engine import begin_immediately_from_now, is_database_locked

logger = logging.getLogger(__name__)

# An update whose deferred transaction met "database is locked" is handled again, this often,
# after a jittered pause growing with each attempt (seconds).
LOCKED_ATTEMPTS = 5
LOCKED_BACKOFF = 0.05

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


class UpdateSession:
    """The session of one update, and what it did: talked to Telegram, saved changes.

    The update's transaction ends before every Telegram call (see CommitBeforeTelegram), so a
    slow call holds no database lock; the session begins a new transaction on its next use.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.task = asyncio.current_task()
        self.open = True
        # True once any Telegram call was made: the update can no longer be handled again.
        self.talked_to_telegram = False
        # True once a transaction that wrote something was committed in this update.
        self.saved_changes = False
        self._wrote = False
        session.info[_UPDATE_SESSION] = self

    def wrote(self) -> None:
        self._wrote = True

    def committed(self) -> None:
        if self._wrote:
            self.saved_changes = True
        self._wrote = False

    def rolled_back(self) -> None:
        self._wrote = False

    async def before_telegram_call(self) -> None:
        """End the open transaction (commit what it wrote) before the bot talks to Telegram."""
        if not self.open or asyncio.current_task() is not self.task:
            # Work started by the update that outlives it, or runs beside it, uses its own
            # sessions; this one belongs to the update's task.
            return
        if self.session.in_nested_transaction():
            logger.warning("A Telegram call inside a savepoint: the transaction stays open")
        elif self.session.in_transaction():
            # May fail on a locked database (writes flushed now): nothing was sent yet then.
            await self.session.commit()
        if not self.talked_to_telegram:
            self.talked_to_telegram = True
            # From now on the update cannot be handled again, so what it writes after this
            # call must not fail on a locked database: it waits for the write lock instead
            # (held only between Telegram calls, never over the network).
            begin_immediately_from_now(self.session)


# session.info key of the UpdateSession that owns a session.
_UPDATE_SESSION = "update_session"


class UpdateBoundSession(Session):
    """The session class of updates: its events, registered once for the class (not per
    update), tell the owning UpdateSession what the transaction did."""


def _owner(session: Session) -> UpdateSession | None:
    return session.info.get(_UPDATE_SESSION)


@event.listens_for(UpdateBoundSession, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    # Whatever was written may change the person's memberships or zones.
    forget_zones(session)
    if (owner := _owner(session)) is not None:
        owner.wrote()


@event.listens_for(UpdateBoundSession, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and (
        owner := _owner(state.session)
    ) is not None:
        forget_zones(state.session)
        owner.wrote()


@event.listens_for(UpdateBoundSession, "after_commit")
def _after_commit(session: Session) -> None:
    if (owner := _owner(session)) is not None:
        owner.committed()


@event.listens_for(UpdateBoundSession, "after_rollback")
def _after_rollback(session: Session) -> None:
    if (owner := _owner(session)) is not None:
        owner.rolled_back()


_update_session: ContextVar[UpdateSession | None] = ContextVar("update_session", default=None)


def current_update_session() -> AsyncSession | None:
    """The session of the update being handled by this task, if any (not of an update whose
    task started this one: work outliving an update uses sessions of its own)."""
    update_session = _update_session.get()
    if (
        update_session is None
        or not update_session.open
        or asyncio.current_task() is not update_session.task
    ):
        return None
    return update_session.session


class CommitBeforeTelegram(BaseRequestMiddleware):
    """Request middleware of the bot's client session: inside an update, the update's
    transaction is committed before the request goes out, so no lock is held over the network."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        update_session = _update_session.get()
        if update_session is not None:
            await update_session.before_telegram_call()
        return await make_request(bot, method)


_sessions_committing_first: weakref.WeakSet[BaseSession] = weakref.WeakSet()


def commit_before_telegram(bot: Bot) -> None:
    """Install CommitBeforeTelegram on the bot's client session (once)."""
    if bot.session not in _sessions_committing_first:
        bot.session.middleware(CommitBeforeTelegram())
        _sessions_committing_first.add(bot.session)


class DbSessionMiddleware(BaseMiddleware):
    """One session per update: committed before each Telegram call and at the end, rolled back
    on error. `data["update_session"]` tells the error handler whether changes were saved.

    The sessionmaker's SQLite transactions begin DEFERRED (models.engine.create_update_
    sessionmaker), so reading takes no write lock. When one that read then writes meets
    "database is locked" (another writer committed in between), the update is handled again
    from the start, provided nothing was sent to Telegram yet, this time taking the write lock
    as it begins; after a Telegram call, likewise (see UpdateSession.before_telegram_call).
    Updates of one person take turns (see PerPersonOrder).
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
        bot: Bot | None = data.get("bot")
        if bot is not None:
            commit_before_telegram(bot)
        async with (
            self.in_flight.track(event.update_id),
            self.order.turn(user.id if user is not None else None),
        ):
            attempt = 1
            while True:
                try:
                    return await self._handle_once(handler, event, data, retry=attempt > 1)
                except OperationalError as error:
                    update_session: UpdateSession = data["update_session"]
                    if (
                        not is_database_locked(error)
                        or update_session.talked_to_telegram
                        or attempt == LOCKED_ATTEMPTS
                    ):
                        raise
                    logger.info(
                        "Update %s met a locked database (attempt %d): handling it again",
                        event.update_id,
                        attempt,
                    )
                    await asyncio.sleep(random.uniform(0.5, 1.5) * LOCKED_BACKOFF * attempt)
                    attempt += 1

    async def _handle_once(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any], *, retry: bool
    ) -> Any:
        session = self.sessionmaker()
        try:
            if retry:
                # It writes, and met another writer: this time it waits for the write lock.
                begin_immediately_from_now(session)
            update_session = UpdateSession(session)
            data["session"] = session
            data["update_session"] = update_session
            token = _update_session.set(update_session)
            try:
                result = await handler(event, data)
                if session.in_transaction() or session.new or session.dirty or session.deleted:
                    # (Most updates ended their transaction before their last Telegram call:
                    # committing nothing costs a transaction's bookkeeping.)
                    await session.commit()
                return result
            except BaseException as error:
                await session.rollback()
                if isinstance(error, Refused) and error.ends_dialog:
                    await _end_dialog(session, data)
                raise
            finally:
                update_session.open = False
                _update_session.reset(token)
        finally:
            await close_session(session)


async def close_session(session: AsyncSession) -> None:
    """`session.close()`, as leaving `async with session` does, without its cost when the
    session holds no transaction (most updates ended theirs before their last Telegram call):
    closing it then gives back no connection and waits for nothing, so it is closed in place
    instead of in a task of its own (shielded from cancellation) and a greenlet."""
    if session.sync_session.in_transaction():
        await asyncio.shield(session.close())
    else:
        session.sync_session.close()


async def _end_dialog(session: AsyncSession, data: dict[str, Any]) -> None:
    """A refusal that ended the person's dialog: the rollback undid its clearing with the rest
    (conversations are kept in the update's transaction), so it is cleared again, alone."""
    state = data.get("state")
    if isinstance(state, FSMContext):
        await state.clear()
        await session.commit()


class CurrentPersonMiddleware(BaseMiddleware):
    """Puts the sender as `official` (stored person) and their `roles` into handler data."""

    def __init__(
        self, admin_telegram_ids: frozenset[int], presence: people.Presence | None = None
    ) -> None:
        self.admin_telegram_ids = admin_telegram_ids
        self.presence = presence

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            data["official"] = None
            data["roles"] = Roles()
            return await handler(event, data)
        session: AsyncSession = data["session"]
        official, roles = await people.recognise_with_roles(
            session,
            people.TelegramPerson(
                telegram_id=user.id,
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                language_code=user.language_code,
            ),
            data["now"],
            self.admin_telegram_ids,
            presence=self.presence,
        )
        data["official"] = official
        data["roles"] = roles
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
