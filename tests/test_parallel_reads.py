"""Two long reads at once (a summary's measures and bodies): what they see, and where they run."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from models.engine import create_update_sessionmaker, is_sqlite, off_the_loop, read_beside


async def _setup(engine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
        await connection.execute(text("INSERT INTO notes (body) VALUES ('one'), ('two')"))


async def _count(session: AsyncSession) -> int:
    return (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one()


async def test_two_reads_at_once_count_what_is_committed(engine):
    await _setup(engine)
    async with create_update_sessionmaker(engine)() as session:
        await session.execute(text("SELECT 1"))  # the update has read already
        assert await read_beside(session, _count, _count) == (2, 2)


async def test_a_session_that_wrote_sees_its_own_rows_in_both_reads(engine):
    await _setup(engine)
    async with create_update_sessionmaker(engine)() as session:
        await session.execute(text("INSERT INTO notes (body) VALUES ('three')"))
        # Not committed: another connection would not see it, so both read in the session.
        assert await read_beside(session, _count, _count) == (3, 3)
        await session.rollback()


async def test_a_failing_read_beside_fails_the_whole(engine):
    await _setup(engine)

    async def broken(session: AsyncSession) -> int:
        await session.execute(text("SELECT missing FROM notes"))
        return 0

    async with create_update_sessionmaker(engine)() as session:
        with pytest.raises(Exception, match="missing"):
            await read_beside(session, _count, broken)
        await session.rollback()
        assert await _count(session) == 2  # the session is still usable


async def test_long_reads_run_beside_the_event_loop_on_sqlite(engine, database_url):
    if not is_sqlite(database_url):
        pytest.skip("SQLite runs statements on the event loop's thread unless told otherwise")
    await _setup(engine)

    @event.listens_for(engine.sync_engine, "connect")
    def _probe(dbapi_connection, _record) -> None:
        dbapi_connection.driver_connection.sqlite.create_function(
            "thread_id", 0, threading.get_ident
        )

    await engine.dispose()  # new connections get the probe

    async def thread_of(session: AsyncSession) -> int:
        return (await session.execute(text("SELECT thread_id()"))).scalar_one()

    loop_thread = threading.get_ident()
    async with create_update_sessionmaker(engine)() as session:
        assert await thread_of(session) == loop_thread  # a short statement stays inline
        async with off_the_loop(session):
            assert await thread_of(session) != loop_thread
        assert await thread_of(session) == loop_thread
        here, beside = await read_beside(session, thread_of, thread_of)
        assert loop_thread not in (here, beside)
