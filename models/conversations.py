"""Queries of conversations kept between messages (models.tables.conversations).

They run on the session's connection, in its transaction, past the ORM: a conversation step is
bookkeeping, not a change of the domain (the update's "changes were saved" does not count it).
None of them commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.engine import conflict_insert
from models.prepared import prepared
from models.queries import plain_rows
from models.tables.conversations import (
    NO_BUSINESS_CONNECTION,
    NO_THREAD,
    Conversation,
    PendingImport,
)

EMPTY_DATA = "{}"


@dataclass(frozen=True, slots=True)
class ConversationKey:
    bot_id: int
    chat_id: int
    user_id: int
    thread_id: int | None = None
    business_connection_id: str | None = None
    destiny: str = "default"

    def columns(self) -> dict[str, Any]:
        return {
            "bot_id": self.bot_id,
            "chat_id": self.chat_id,
            "user_id": self.user_id,
            "thread_id": self.thread_id if self.thread_id is not None else NO_THREAD,
            "business_connection_id": self.business_connection_id or NO_BUSINESS_CONNECTION,
            "destiny": self.destiny,
        }

    def matches(self) -> Any:
        return and_(
            *(getattr(Conversation, name) == value for name, value in self.columns().items())
        )


@dataclass(frozen=True, slots=True)
class StoredConversation:
    state: str | None
    data: str
    updated_at: datetime


# Built once: every update reads its conversation (aiogram's FSM middleware asks its state).
_KEY_COLUMNS = (
    "bot_id",
    "chat_id",
    "user_id",
    "thread_id",
    "business_connection_id",
    "destiny",
)
_READ_CONVERSATION = prepared(
    select(Conversation.state, Conversation.data, Conversation.updated_at).where(
        *(getattr(Conversation, name) == bindparam(name) for name in _KEY_COLUMNS),
        Conversation.updated_at >= bindparam("since"),
    )
)


async def read_conversation(
    session: AsyncSession, key: ConversationKey, since: datetime
) -> StoredConversation | None:
    """The conversation under this key, unless untouched since before `since` (expired)."""
    rows = await plain_rows(session, _READ_CONVERSATION, {**key.columns(), "since": since})
    row = rows[0] if rows else None
    return None if row is None else StoredConversation(row.state, row.data, row.updated_at)


async def write_conversation(
    session: AsyncSession, key: ConversationKey, values: Mapping[str, Any], now: datetime
) -> None:
    """Set the state or the data (`values`: `state` and/or `data`, JSON text) under this key.

    A conversation left with no state and no data is removed."""
    connection = await session.connection()
    assert set(values) <= {"state", "data"}, values
    if _is_empty(values):
        # Nothing new to hold: if nothing else is held either, there is nothing to keep.
        await connection.execute(
            update(Conversation).where(key.matches()).values(**values, updated_at=now)
        )
        await connection.execute(
            delete(Conversation).where(
                key.matches(), Conversation.state.is_(None), Conversation.data == EMPTY_DATA
            )
        )
        return
    insert = conflict_insert(session)
    statement = insert(Conversation).values(
        **key.columns(), **{"state": None, "data": EMPTY_DATA, **values}, updated_at=now
    )
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=list(key.columns()), set_={**values, "updated_at": now}
        )
    )


def _is_empty(values: Mapping[str, Any]) -> bool:
    return values.get("state") is None and values.get("data", EMPTY_DATA) == EMPTY_DATA


async def forget_conversations_before(session: AsyncSession, cutoff: datetime) -> int:
    """Remove conversations untouched since before `cutoff`; how many."""
    connection = await session.connection()
    result = await connection.execute(delete(Conversation).where(Conversation.updated_at < cutoff))
    return result.rowcount or 0


# --- Plans waiting for Confirm ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredImport:
    token: str
    owner_telegram_id: int
    file_name: str | None
    sha256: str
    content: bytes
    created_at: datetime


async def keep_pending_import(session: AsyncSession, pending: StoredImport) -> None:
    """Keep a previewed file; the same person's earlier one is replaced by it."""
    connection = await session.connection()
    await connection.execute(
        delete(PendingImport).where(PendingImport.owner_telegram_id == pending.owner_telegram_id)
    )
    await connection.execute(
        PendingImport.__table__.insert().values(
            token=pending.token,
            owner_telegram_id=pending.owner_telegram_id,
            file_name=pending.file_name,
            sha256=pending.sha256,
            content=pending.content,
            created_at=pending.created_at,
        )
    )


async def pending_import(
    session: AsyncSession, token: str, owner_telegram_id: int, since: datetime
) -> StoredImport | None:
    """The previewed file with this token, if it is this person's and not older than `since`."""
    connection = await session.connection()
    row = (
        await connection.execute(
            select(
                PendingImport.token,
                PendingImport.owner_telegram_id,
                PendingImport.file_name,
                PendingImport.sha256,
                PendingImport.content,
                PendingImport.created_at,
            ).where(
                PendingImport.token == token,
                PendingImport.owner_telegram_id == owner_telegram_id,
                PendingImport.created_at >= since,
            )
        )
    ).first()
    return None if row is None else StoredImport(*row)


async def drop_pending_import(session: AsyncSession, token: str) -> bool:
    """Remove the previewed file with this token; False when it was already gone."""
    connection = await session.connection()
    result = await connection.execute(delete(PendingImport).where(PendingImport.token == token))
    return bool(result.rowcount)


async def forget_imports_before(
    session: AsyncSession, cutoff: datetime, owner_telegram_id: int | None = None
) -> int:
    """Remove previewed files kept since before `cutoff` (of one person, when named)."""
    connection = await session.connection()
    condition = PendingImport.created_at < cutoff
    if owner_telegram_id is not None:
        condition = and_(condition, PendingImport.owner_telegram_id == owner_telegram_id)
    result = await connection.execute(delete(PendingImport).where(condition))
    return result.rowcount or 0
