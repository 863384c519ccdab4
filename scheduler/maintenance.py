"""Database upkeep: SQLite's statistics, and forgetting conversations past their lifetime."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.plan_import.pending import PENDING_LIFETIME
from models.conversations import forget_conversations_before, forget_imports_before

logger = logging.getLogger(__name__)


async def optimize_sqlite(engine: AsyncEngine) -> None:
    """`PRAGMA optimize`: SQLite's advice for long-lived connections, every few hours, so
    the query planner keeps statistics for the indexes the scans and summaries use."""
    async with engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA optimize")


async def purge_conversations(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    conversation_lifetime: timedelta,
) -> int:
    """Remove conversations untouched for longer than their lifetime, and previewed imports
    left unconfirmed for longer than theirs; how many."""
    async with sessionmaker() as session, session.begin():
        removed = await forget_conversations_before(session, now - conversation_lifetime)
        removed += await forget_imports_before(session, now - PENDING_LIFETIME)
    if removed:
        logger.info("Forgot %d expired conversation(s) and previewed import(s)", removed)
    return removed
