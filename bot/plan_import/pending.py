"""Imports read and previewed, waiting for the coordinator's Confirm or Cancel.

Nothing reaches the database before Confirm: the understood plan waits here, in memory, for
an hour at most. A restart forgets it, and the coordinator is asked to send the file again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.plan_import.model import ImportResult

PENDING_LIFETIME = timedelta(hours=1)


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
    def __init__(self, lifetime: timedelta = PENDING_LIFETIME) -> None:
        self.lifetime = lifetime
        self._items: dict[str, PendingImport] = {}

    def add(
        self,
        owner_telegram_id: int,
        file_name: str | None,
        sha256: str,
        content: bytes,
        result: ImportResult,
        now: datetime | None = None,
    ) -> PendingImport:
        now = now or datetime.now(UTC)
        self._expire(now)
        # One waiting import per person: a newer file replaces the older preview.
        for token, item in list(self._items.items()):
            if item.owner_telegram_id == owner_telegram_id:
                del self._items[token]
        pending = PendingImport(
            token=secrets.token_hex(8),
            owner_telegram_id=owner_telegram_id,
            file_name=file_name,
            sha256=sha256,
            content=content,
            result=result,
            created_at=now,
        )
        self._items[pending.token] = pending
        return pending

    def take(
        self, token: str, telegram_id: int, now: datetime | None = None
    ) -> PendingImport | None:
        """The waiting import with this token if it belongs to this person; it leaves the list."""
        self._expire(now or datetime.now(UTC))
        pending = self._items.get(token)
        if pending is None or pending.owner_telegram_id != telegram_id:
            return None
        del self._items[token]
        return pending

    def put_back(self, pending: PendingImport) -> None:
        """After a failed Confirm the same preview may be confirmed again."""
        self._items[pending.token] = pending

    def _expire(self, now: datetime) -> None:
        for token, item in list(self._items.items()):
            if now - item.created_at > self.lifetime:
                del self._items[token]

    def __len__(self) -> int:
        return len(self._items)
