"""SQLite on the event loop's thread: a write waits for another's lock without freezing the bot."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text

from models import sqlite_inline
from models.engine import create_engine, is_sqlite
from models.sqlite_inline import inline_connector


@pytest.fixture
def database(tmp_path) -> str:
    path = str(tmp_path / "inline.sqlite3")
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    return path


async def test_a_writer_waits_for_the_lock_while_other_updates_go_on(database_url):
    if not is_sqlite(database_url):
        pytest.skip("SQLite only")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as setup:
            await setup.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
            await setup.commit()
        holder = await engine.connect()
        await holder.begin()  # BEGIN IMMEDIATE: holds the write lock
        await holder.execute(text("INSERT INTO notes (body) VALUES ('first')"))

        async def second_writer() -> None:
            async with engine.begin() as writer:  # waits for the lock
                await writer.execute(text("INSERT INTO notes (body) VALUES ('second')"))

        waiting = asyncio.create_task(second_writer())
        beats = 0
        while beats < 20:  # the event loop runs while the writer waits
            await asyncio.sleep(0.005)
            beats += 1
        assert not waiting.done()
        await holder.commit()
        await holder.close()
        await waiting
        async with engine.connect() as reader:
            bodies = (await reader.execute(text("SELECT body FROM notes ORDER BY id"))).scalars()
            assert list(bodies) == ["first", "second"]
    finally:
        await engine.dispose()


async def test_a_writer_gives_up_after_the_busy_timeout(database):
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = await inline_connector(database, busy_timeout_ms=30)()
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await waiter.execute("BEGIN IMMEDIATE")
    finally:
        holder.rollback()
        holder.close()
        await waiter.close()


async def test_a_stale_snapshot_is_not_waited_for(database, monkeypatch):
    """A deferred transaction that read before another writer committed can never take the
    write lock: it fails at once (the update is then handled again from the start)."""
    pauses = []

    async def counting_sleep(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(sqlite_inline.asyncio, "sleep", counting_sleep)
    reader = await inline_connector(database, busy_timeout_ms=3_600_000)()
    other = sqlite3.connect(database, isolation_level=None)
    try:
        await reader.execute("BEGIN")
        await (await reader.execute("SELECT count(*) FROM notes")).fetchall()
        other.execute("INSERT INTO notes (body) VALUES ('meanwhile')")
        with pytest.raises(sqlite3.OperationalError) as refused:
            await reader.execute("INSERT INTO notes (body) VALUES ('late')")
        assert refused.value.sqlite_errorcode == sqlite_inline.SQLITE_BUSY_SNAPSHOT
        assert pauses == []
    finally:
        await reader.rollback()
        await reader.close()
        other.close()


async def test_a_long_run_of_statements_lets_other_updates_run(database, monkeypatch):
    """A plan import stores thousands of rows: every SLICE_SECONDS of statements without a turn
    of the event loop, the connection lets the loop turn once."""
    clock = [0.0]
    monkeypatch.setattr(sqlite_inline.time, "monotonic", lambda: clock[0])
    connection = await inline_connector(database, busy_timeout_ms=1000)()
    others_ran = []

    async def another_update() -> None:
        others_ran.append(clock[0])

    try:
        other = asyncio.ensure_future(another_update())
        for _ in range(10):  # 10 ms of work each, never yielding on their own
            await connection.execute("INSERT INTO notes (body) VALUES ('row')")
            clock[0] += 0.01
        assert other.done()
        assert others_ran and others_ran[0] <= sqlite_inline.SLICE_SECONDS + 0.01
    finally:
        await connection.close()


async def test_statements_of_a_short_update_do_not_wait_for_others(database, monkeypatch):
    pauses = []

    async def counting_sleep(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(sqlite_inline.asyncio, "sleep", counting_sleep)
    clock = [0.0]
    monkeypatch.setattr(sqlite_inline.time, "monotonic", lambda: clock[0])
    connection = await inline_connector(database, busy_timeout_ms=1000)()
    try:
        for _ in range(5):  # 2 ms each: well within a slice
            clock[0] += 0.002
            await connection.execute("SELECT count(*) FROM notes")
        assert pauses == []
    finally:
        await connection.close()
