"""Database upkeep that a long-running SQLite process needs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine


async def optimize_sqlite(engine: AsyncEngine) -> None:
    """`PRAGMA optimize`: SQLite's advice for long-lived connections, every few hours, so
    the query planner keeps statistics for the indexes the scans and summaries use."""
    async with engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA optimize")
