"""Keeps a copy of every report document under DATA_DIR/documents.

Telegram keeps the files and the bot re-sends them by file id, but a file id is valid only for
this bot, and coordinators pass documents upward: so each one is also downloaded once, with its
SHA-256. The database says which are still missing; a job fetches them a few at a time, with no
transaction open during a download, and writes the file under a temporary name first, so a crash
leaves no half-written document behind. A file Telegram refuses to give (over 20 MB through the
cloud API) is tried `max_attempts` times and then left as the file id only.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.redaction import redact
from models.tables import Document

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 100
MAX_ERROR_LENGTH = 500


def safe_file_name(name: str | None, document_id: int, kind: str) -> str:
    """A file name safe on any file system, keeping what can be kept of the original."""
    if kind == "photo" or not name:
        return f"{document_id}-photo.jpg" if kind == "photo" else f"{document_id}-document"
    base = os.path.basename(name.replace("\\", "/"))
    cleaned = re.sub(r"[^\w.\-() ]+", "_", base).strip(" .") or "document"
    stem, dot, extension = cleaned.rpartition(".")
    if dot and len(extension) <= 10:
        stem = stem[: MAX_NAME_LENGTH - len(extension) - 1]
        cleaned = f"{stem}.{extension}"
    else:
        cleaned = cleaned[:MAX_NAME_LENGTH]
    return f"{document_id}-{cleaned}"


def _sync(stream: BinaryIO) -> None:
    stream.flush()
    os.fsync(stream.fileno())


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 16):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@dataclass(frozen=True, slots=True)
class _Missing:
    document_id: int
    report_id: int
    file_id: str
    file_name: str | None
    kind: str
    attempts: int


@dataclass(slots=True)
class FetchStats:
    fetched: int = 0
    failed: int = 0
    skipped: bool = False


class DocumentFetcher:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        directory: Path,
        *,
        batch_size: int = 10,
        max_attempts: int = 5,
        download_timeout: float = 600,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.directory = directory
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.download_timeout = download_timeout
        self._clock = clock
        self._lock = asyncio.Lock()

    async def fetch_once(self) -> FetchStats:
        """Download the documents still missing, one batch. Concurrent calls do not overlap."""
        if self._lock.locked():
            return FetchStats(skipped=True)
        async with self._lock:
            stats = FetchStats()
            async with self.sessionmaker() as session, session.begin():
                missing = [
                    _Missing(*row)
                    for row in await session.execute(
                        select(
                            Document.id,
                            Document.report_id,
                            Document.telegram_file_id,
                            Document.file_name,
                            Document.kind,
                            Document.fetch_attempts,
                        )
                        .where(
                            Document.storage_path.is_(None),
                            Document.fetch_attempts < self.max_attempts,
                        )
                        .order_by(Document.id)
                        .limit(self.batch_size)
                    )
                ]
            for document in missing:
                if await self._fetch(document):
                    stats.fetched += 1
                else:
                    stats.failed += 1
            return stats

    async def _fetch(self, document: _Missing) -> bool:
        relative = Path(str(document.report_id)) / safe_file_name(
            document.file_name, document.document_id, document.kind
        )
        target = self.directory / relative
        partial = target.with_name(target.name + ".part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as stream:
                await self.bot.download(
                    document.file_id, destination=stream, timeout=self.download_timeout
                )
                # Flushing and hashing a large file must not hold up the event loop.
                await asyncio.to_thread(_sync, stream)
            digest, size = await asyncio.to_thread(_digest, partial)
            os.replace(partial, target)
        except asyncio.CancelledError:
            partial.unlink(missing_ok=True)
            raise
        except Exception as error:
            partial.unlink(missing_ok=True)
            give_up = isinstance(error, TelegramBadRequest)  # "file is too big", a bad file id
            await self._record_failure(document, error, give_up=give_up)
            return False
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                update(Document)
                .where(Document.id == document.document_id)
                .values(
                    storage_path=relative.as_posix(),
                    sha256=digest,
                    size=size,
                    fetch_error=None,
                    fetched_at=self._clock(),
                )
                .execution_options(synchronize_session=False)
            )
        logger.info(
            "Document %s of report %s kept (%d bytes)",
            document.document_id,
            document.report_id,
            size,
        )
        return True

    async def _record_failure(
        self, document: _Missing, error: BaseException, *, give_up: bool
    ) -> None:
        # aiohttp's error names the download URL, which holds the bot token.
        message = redact(f"{type(error).__name__}: {getattr(error, 'message', None) or error}")
        attempts = self.max_attempts if give_up else document.attempts + 1
        level = logging.ERROR if attempts >= self.max_attempts else logging.WARNING
        logger.log(
            level,
            "Document %s of report %s could not be downloaded (attempt %d of %d): %s",
            document.document_id,
            document.report_id,
            attempts,
            self.max_attempts,
            message,
        )
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                update(Document)
                .where(Document.id == document.document_id)
                .values(fetch_attempts=attempts, fetch_error=message[:MAX_ERROR_LENGTH])
                .execution_options(synchronize_session=False)
            )
