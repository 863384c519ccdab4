"""Imports read and previewed, waiting for the coordinator's Confirm or Cancel.

Nothing of the plan reaches the database before Confirm. The uploaded file itself waits in the
database (table `pending_imports`) for an hour at most, so a restart loses no preview: Confirm
reads the same bytes again and stores what they say, which is what the preview showed.
A newer file of the same person replaces the older preview; older ones are purged
(scheduler.maintenance.purge_conversations).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.plan_import.model import ImportResult
from bot.plan_import.reading import read_plan
from models.conversations import (
    StoredImport,
    drop_pending_import,
    forget_imports_before,
    keep_pending_import,
    pending_import,
)

PENDING_LIFETIME = timedelta(hours=1)
PLAN_TOKEN_BYTES = 8


def is_plan_token(token: str) -> bool:
    """A plan preview's token: 16 hex digits. The table also keeps other previews (the
    directory's, prefixed): a plan's Confirm never takes one of them, whatever a button says."""
    return len(token) == PLAN_TOKEN_BYTES * 2 and all(c in "0123456789abcdef" for c in token)


@dataclass(slots=True)
class PendingImport:
    token: str
    owner_telegram_id: int
    file_name: str | None
    sha256: str
    content: bytes
    result: ImportResult
    created_at: datetime


class PendingImports:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        lifetime: timedelta = PENDING_LIFETIME,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.lifetime = lifetime

    async def add(
        self, owner_telegram_id: int, file_name: str | None, sha256: str, content: bytes
    ) -> str:
        """Keep a previewed file (in a transaction of its own: the preview is made after the
        update that brought the file); the token its buttons carry."""
        now = self.clock()
        token = secrets.token_hex(PLAN_TOKEN_BYTES)
        async with self.sessionmaker() as session, session.begin():
            await forget_imports_before(session, now - self.lifetime)
            await keep_pending_import(
                session,
                StoredImport(token, owner_telegram_id, file_name, sha256, content, now),
            )
        return token

    async def take(
        self, session: AsyncSession, token: str, telegram_id: int, now: datetime
    ) -> PendingImport | None:
        """The waiting import with this token if it belongs to this person, read again; it
        leaves the list (back again if the update's transaction rolls back)."""
        if not is_plan_token(token):
            return None  # another preview kept in the same table (a directory's)
        stored = await pending_import(session, token, telegram_id, now - self.lifetime)
        if stored is None:
            return None
        # The file was read once already, so this succeeds; in a thread, as the preview was.
        result = await asyncio.to_thread(read_plan, stored.content, stored.file_name)
        if not await drop_pending_import(session, token):
            return None  # confirmed or cancelled meanwhile
        return PendingImport(
            token=stored.token,
            owner_telegram_id=stored.owner_telegram_id,
            file_name=stored.file_name,
            sha256=stored.sha256,
            content=stored.content,
            result=result,
            created_at=stored.created_at,
        )

    async def discard(
        self, session: AsyncSession, token: str, telegram_id: int, now: datetime
    ) -> bool:
        """Drop the waiting import with this token if it is this person's; False if none."""
        if not is_plan_token(token):
            return False
        stored = await pending_import(session, token, telegram_id, now - self.lifetime)
        return stored is not None and await drop_pending_import(session, token)
