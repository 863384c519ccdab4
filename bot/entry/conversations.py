"""Where conversations are kept between messages: the aiogram FSM storage.

By default the database (table `conversations`, models.conversations); with REDIS_URL set,
aiogram's RedisStorage. Either way a report draft, a typed reason, a pending input or a
registration step survives a restart of the bot and is shared by every process of it.

Inside an update, the storage reads and writes in the update's own session and transaction
(bot.entry.middlewares.DbSessionMiddleware), so a conversation's step and the change it follows
are committed together or not at all, and a step is never left behind by an update that
failed. That transaction ends before every Telegram call (CommitBeforeTelegram), so keeping a
step holds no SQLite write lock over the network. Outside an update (a background task, a
test) it uses a short transaction of its own.

A conversation untouched for CONVERSATION_DAYS days is treated as gone (a draft that old is
dropped; the person starts again) and removed by the hourly purge.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from aiogram.fsm.storage.memory import DisabledEventIsolation
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.entry.middlewares import current_update_session
from models.conversations import (
    ConversationKey,
    read_conversation,
    write_conversation,
)


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage in our database, in the update's transaction when there is one."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        lifetime: timedelta,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.lifetime = lifetime

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        session = current_update_session()
        if session is not None:
            yield session
            return
        async with self.sessionmaker() as own, own.begin():
            yield own

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._session() as session:
            await write_conversation(session, _key(key), {"state": value}, self.clock())

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session() as session:
            stored = await read_conversation(session, _key(key), self._since())
        return None if stored is None else stored.state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        # Refused here, loudly, rather than kept in a form the next process cannot read.
        text = json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"))
        async with self._session() as session:
            await write_conversation(session, _key(key), {"data": text}, self.clock())

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session() as session:
            stored = await read_conversation(session, _key(key), self._since())
        return {} if stored is None else dict(json.loads(stored.data))

    async def close(self) -> None:
        """The engine is the application's: nothing of the storage's own to close."""

    def _since(self) -> datetime:
        return self.clock() - self.lifetime


def _key(key: StorageKey) -> ConversationKey:
    return ConversationKey(
        bot_id=key.bot_id,
        chat_id=key.chat_id,
        user_id=key.user_id,
        thread_id=key.thread_id,
        business_connection_id=key.business_connection_id,
        destiny=key.destiny,
    )


def create_storage(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    """The FSM storage and event isolation the settings ask for: Redis when REDIS_URL is set,
    else the database.

    Within one process a person's updates already take turns (middlewares.PerPersonOrder);
    with Redis, which serves several processes, its lock keeps them in turn across processes."""
    lifetime = timedelta(days=settings.conversation_days)
    if settings.redis_url:
        try:
            from aiogram.fsm.storage.redis import RedisStorage
        except ImportError as error:  # pragma: no cover - depends on the installed extras
            raise RuntimeError(
                'REDIS_URL is set but redis is not installed: pip install ".[redis]"'
            ) from error
        storage = RedisStorage.from_url(settings.redis_url, state_ttl=lifetime, data_ttl=lifetime)
        return storage, storage.create_isolation()
    return DatabaseStorage(sessionmaker, settings.now, lifetime), DisabledEventIsolation()
