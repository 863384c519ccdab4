"""The daily pass of successions that have come: a body's measures go to its successor on the
day an order set (bot.successors). The successions live in the bodies' table, so a restart
loses none; passing is idempotent, so scanning more often than daily does no harm."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import today_in
from bot.successors import pass_due_successions

logger = logging.getLogger(__name__)


async def scan_successions(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    default_timezone: str,
    admin_telegram_ids: frozenset[int] = frozenset(),
) -> int:
    """One scan in one transaction, "today" in the installation's zone; parts passed."""
    async with sessionmaker() as session, session.begin():
        passed = await pass_due_successions(session, today=today_in(default_timezone, now), now=now)
    if passed:
        logger.info("Succession scan passed %d part(s) to successors", passed)
    return passed
