"""Engine and session factories; SQLite gets WAL, a busy timeout, foreign keys and a begin mode.

Engines hide statement parameters in their errors and logs (`hide_parameters`): a failing
statement names its SQL, never the values (names, comments, file names) it carried.

Background jobs (scan, sender, documents) read then write, so their SQLite transactions take
the write lock up front (BEGIN IMMEDIATE). The sessions of updates begin DEFERRED (plain BEGIN):
a read-only update (/my, a card) never takes the write lock, and one that writes takes it only
at its first write (see create_update_sessionmaker).
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.util import await_

from models.sqlite_inline import InlineConnection, inline_connector

SQLITE_BUSY_TIMEOUT_MS = 30_000
# WAL readers do not wait for each other, and writers wait for the write lock holding a
# connection: enough connections that waiting writers never starve the readers of a busy bot.
SQLITE_POOL_SIZE = 10
SQLITE_POOL_OVERFLOW = 40
# The pool hands out the connection returned last (pool_use_lifo): each connection keeps its own
# page cache, and a few warm connections answer a burst instead of every one in turn.
# Every commit reaches the disk before it returns (the WAL is synced on each commit). With WAL,
# NORMAL syncs only at checkpoints: a power cut may lose the last commits though they returned,
# such as a reminder marked sent after Telegram took it, which would then never be sent again
# or be sent twice. FULL costs a sync per commit (README: "Durable state").
SQLITE_SYNCHRONOUS = "FULL"
# Execution option read when a transaction begins on SQLite: "immediate" (default) or "deferred".
SQLITE_BEGIN_OPTION = "sqlite_begin"


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the folder of an SQLite database file so that the first start just works."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        if dbapi_connection.isolation_level is not None:
            dbapi_connection.isolation_level = None
        # An inline connection waits for the write lock itself, without blocking the event
        # loop (models.sqlite_inline); SQLite's own busy handler must then not wait at all.
        inline = getattr(dbapi_connection.driver_connection, "waits_asynchronously", False)
        busy_timeout = 0 if inline else SQLITE_BUSY_TIMEOUT_MS
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # By default take the write lock up front: a read-then-write transaction in WAL mode
        # otherwise fails with "database is locked" whatever the busy timeout, when another
        # writer got in between. Updates begin deferred and retry on that instead.
        if connection.get_execution_options().get(SQLITE_BEGIN_OPTION) == "deferred":
            sql = "BEGIN"
        else:
            sql = "BEGIN IMMEDIATE"
        driver = connection.connection.driver_connection
        if isinstance(driver, InlineConnection):
            # Every update begins one: straight to the driver (waiting for the write lock as
            # every statement does), past a statement execution's machinery. A deferred BEGIN
            # takes no lock, so it has nothing to wait for: run at once, not handed to the loop.
            try:
                if sql == "BEGIN":
                    driver.sqlite.execute(sql)
                else:
                    await_(driver.patiently(driver.sqlite.execute, sql))
            except sqlite3.Error as error:
                raise DBAPIError.instance(
                    sql, (), error, sqlite3.Error, hide_parameters=True
                ) from error
        else:
            connection.exec_driver_sql(sql)


def _reset_on_return(dbapi_connection: Any, _record: Any, _state: Any) -> None:
    """A connection given back to the pool is rolled back only when it is still in a
    transaction. Most come back after their commit; SQLAlchemy's own reset would roll each
    of those back again (a round trip through the async adapter for nothing)."""
    driver = dbapi_connection.driver_connection
    if driver.open and driver.in_transaction:
        driver.rollback_now()


def create_engine(url: str | URL, *, echo: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """An async engine; `foreign_keys=False` is for migrations only (SQLite batch mode copies
    tables, and dropping the old copy must not cascade into the rows that refer to it)."""
    ensure_sqlite_directory(url)
    if is_sqlite(url):
        database = make_url(url).database or ":memory:"
        engine = create_async_engine(
            url,
            echo=echo,
            async_creator=inline_connector(database, SQLITE_BUSY_TIMEOUT_MS),
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=SQLITE_POOL_OVERFLOW,
            pool_use_lifo=True,
            # Reset by `_reset_on_return` instead (the "reset" event takes over when this is
            # None).
            pool_reset_on_return=None,
            hide_parameters=True,
        )
        event.listen(engine.sync_engine, "reset", _reset_on_return)
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)


def create_sessionmaker(
    engine: AsyncEngine, sync_session_class: type[Session] = Session
) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=True, sync_session_class=sync_session_class
    )


def create_update_sessionmaker(
    engine: AsyncEngine, sync_session_class: type[Session] = Session
) -> async_sessionmaker[AsyncSession]:
    """Sessions for handling updates: on SQLite they begin DEFERRED, so reading takes no write
    lock. A transaction that read and then writes may then fail with "database is locked" when
    another writer committed in between; the caller retries (see bot.entry.middlewares). Other
    databases ignore the option."""
    return create_sessionmaker(
        engine.execution_options(**{SQLITE_BEGIN_OPTION: "deferred"}), sync_session_class
    )


def begin_immediately_from_now(session: AsyncSession) -> None:
    """The session's next transactions take SQLite's write lock as they begin (and so wait
    their turn instead of failing with "database is locked" when they read, then write).

    For an update that cannot be handled again from the start: it met a locked database, or it
    has talked to Telegram. Its transactions still end before each Telegram call."""
    bind = session.sync_session.bind
    if (
        isinstance(bind, Engine)
        and bind.get_execution_options().get(SQLITE_BEGIN_OPTION) == "deferred"
    ):
        immediate = _immediate_variants.get(bind)
        if immediate is None:
            immediate = bind.execution_options(**{SQLITE_BEGIN_OPTION: "immediate"})
            _immediate_variants[bind] = immediate
        session.sync_session.bind = immediate


# The "immediate" variant of each deferred update engine, made once (making one per update
# cost more than the update's queries).
_immediate_variants: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def is_database_locked(error: BaseException) -> bool:
    """SQLite's SQLITE_BUSY ("database is locked"), as raised through SQLAlchemy."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def conflict_insert(session: AsyncSession) -> Callable[..., Any]:
    """`insert` of the session's database, with its ON CONFLICT clauses
    (`on_conflict_do_nothing`, `on_conflict_do_update`): PostgreSQL's or SQLite's."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


Result = TypeVar("Result")
Other = TypeVar("Other")


async def _inline_connection(session: AsyncSession) -> InlineConnection | None:
    """The session's SQLite connection (None on other databases)."""
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    return driver if isinstance(driver, InlineConnection) else None


@asynccontextmanager
async def off_the_loop(session: AsyncSession) -> AsyncIterator[None]:
    """Inside, the session's SQLite statements run in a worker thread: a read that takes a
    large share of a second (a summary over 100,000 measures) leaves the event loop answering
    everyone else. PostgreSQL's driver already waits without holding the loop."""
    inline = await _inline_connection(session)
    if inline is None:
        yield
        return
    inline.offloaded += 1
    try:
        yield
    finally:
        inline.offloaded -= 1


async def _has_written(session: AsyncSession) -> bool:
    """Whether the session's transaction has changed rows that other connections cannot see."""
    inline = await _inline_connection(session)
    if inline is not None:
        return inline.wrote
    if session.get_bind().dialect.name == "postgresql":
        written = await session.execute(text("SELECT pg_current_xact_id_if_assigned()"))
        return written.scalar() is not None
    return True  # unknown: assume so, and read in the session


async def read_beside(
    session: AsyncSession,
    reading: Callable[[AsyncSession], Awaitable[Result]],
    beside: Callable[[AsyncSession], Awaitable[Other]],
) -> tuple[Result, Other]:
    """Two independent reads at once: `reading` in the session, `beside` in a second,
    read-only session on another connection (both off the event loop on SQLite), so that two
    passes over a large plan take two cores instead of one after the other.

    The second connection sees what is committed; so when the session has written (its rows
    are not visible elsewhere), or is bound to one connection (not an engine), both run in the
    session, one after the other. Two connections may read a moment apart: for counts that are
    shown side by side (a plan's totals and its bodies), never for a change."""
    bind = session.bind
    if isinstance(bind, AsyncConnection) or not isinstance(bind, AsyncEngine):
        return await reading(session), await beside(session)
    if await _has_written(session):
        return await reading(session), await beside(session)

    async def read_apart() -> Other:
        engine = bind
        if bind.get_execution_options().get(SQLITE_BEGIN_OPTION) != "deferred":
            # A reader must not queue for SQLite's write lock.
            engine = bind.execution_options(**{SQLITE_BEGIN_OPTION: "deferred"})
        async with AsyncSession(engine, expire_on_commit=False) as other, off_the_loop(other):
            try:
                return await beside(other)
            finally:
                await other.rollback()

    async def read_here() -> Result:
        async with off_the_loop(session):
            return await reading(session)

    # Both end before anything is raised: the session is never left with a read running.
    first, second = await asyncio.gather(read_here(), read_apart(), return_exceptions=True)
    if isinstance(first, BaseException):
        raise first
    if isinstance(second, BaseException):
        raise second
    return first, second
