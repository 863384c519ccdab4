"""SQLite without a thread hop: the aiosqlite-shaped connection SQLAlchemy's async dialect drives,
running each statement on the event loop's own thread.

aiosqlite gives every connection a worker thread and hands it each call (cursor, execute, fetch,
close: four round trips per SELECT), each hop waking the thread and then the event loop, both
competing for the GIL. An SQLite statement on a local file takes microseconds, far less than
the hop; so here the calls run inline. The one call that may wait long is a write meeting
another connection's write lock: SQLite's own busy handler would sleep inside the call and
freeze the event loop, so the connection's busy timeout is 0 and the wait happens here instead,
with `asyncio.sleep` between attempts (up to `busy_timeout_ms`), while every other update runs.

A commit that wrote goes to a worker thread: with synchronous=FULL it waits for the disk
(models.engine), and the event loop must not wait with it.

A long run of statements (a plan import stores thousands of rows) would hold the event loop as
long as it runs: a connection that has worked for `SLICE_SECONDS` since it last let others run
yields once (`asyncio.sleep(0)`) before its next statement.

Only plain SQLITE_BUSY is retried (a statement that met it had no effect, so it may run again).
SQLITE_BUSY_SNAPSHOT (a deferred transaction whose snapshot went stale cannot take the write
lock however long it waits) is raised at once; the update is then handled again from the start
(see bot.middlewares).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

SQLITE_BUSY = 5
SQLITE_BUSY_SNAPSHOT = 517  # SQLITE_BUSY | (2 << 8)
_FIRST_PAUSE, _LONGEST_PAUSE = 0.001, 0.05
SLICE_SECONDS = 0.02

Result = TypeVar("Result")


class InlineCursor:
    """The subset of aiosqlite.Cursor that SQLAlchemy's adapter uses."""

    __slots__ = ("_connection", "_cursor")

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection.sqlite.cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        if parameters is None:
            await self._connection.patiently(self._cursor.execute, sql)
        else:
            await self._connection.patiently(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        rows = list(parameters)  # a retry needs the rows again
        await self._connection.patiently(self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """The subset of aiosqlite.Connection that SQLAlchemy's adapter uses, run inline."""

    # SQLAlchemy's engine setup asks the connection for this (see models.engine).
    waits_asynchronously = True

    def __init__(self, sqlite: sqlite3.Connection, busy_timeout_ms: int) -> None:
        self.sqlite = sqlite
        self.busy_timeout_ms = busy_timeout_ms
        self._closed = False
        # A run of statements lasts until the event loop next turns: a callback scheduled at
        # its start (`_loop_turned`) ends it.
        self._run_started = time.monotonic()
        self._in_run = False
        # sqlite3's count of changed rows when the last transaction ended: a commit with more
        # has writes to make durable.
        self._changes_settled = sqlite.total_changes
        # While above 0, statements run in a worker thread (`models.engine.off_the_loop`): a
        # long read leaves the event loop to others, and two connections read on two cores.
        self.offloaded = 0

    @property
    def open(self) -> bool:
        """Not closed yet."""
        return not self._closed

    @property
    def _connection(self) -> sqlite3.Connection | None:
        # SQLAlchemy's adapter skips commit/rollback on a closed aiosqlite connection by
        # reading its private `_connection`; the same answer here.
        return None if self._closed else self.sqlite

    async def patiently(self, call: Callable[..., Result], *args: Any) -> Result:
        """`call(*args)`, waiting out another connection's write lock without blocking the
        event loop, and letting other work run first when this connection has held the loop
        for a slice."""
        if not self._in_run:
            self._in_run = True
            self._run_started = time.monotonic()
            asyncio.get_running_loop().call_soon(self._loop_turned)
        elif time.monotonic() - self._run_started >= SLICE_SECONDS:
            await asyncio.sleep(0)  # the loop turns: other updates run, the run ends
        return await self._waiting_for_the_lock(call, *args, in_thread=self.offloaded > 0)

    @property
    def wrote(self) -> bool:
        """Whether the transaction under way has changed rows (others cannot see them yet)."""
        return self.sqlite.total_changes != self._changes_settled

    def _loop_turned(self) -> None:
        self._in_run = False

    async def _waiting_for_the_lock(
        self, call: Callable[..., Result], *args: Any, in_thread: bool = False
    ) -> Result:
        deadline = None
        pause = _FIRST_PAUSE
        while True:
            try:
                if in_thread:
                    return await asyncio.to_thread(call, *args)
                return call(*args)
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) != SQLITE_BUSY:
                    raise
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self.busy_timeout_ms / 1000
                if now >= deadline:
                    raise
                await asyncio.sleep(min(pause, deadline - now))
                pause = min(pause * 2, _LONGEST_PAUSE)

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = InlineCursor(self)
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        if self.wrote:
            # A commit that wrote waits for the disk (synchronous=FULL: a few milliseconds):
            # in a worker thread, so the event loop goes on meanwhile.
            await self._waiting_for_the_lock(self.sqlite.commit, in_thread=True)
        else:
            await self.patiently(self.sqlite.commit)
        self._changes_settled = self.sqlite.total_changes

    async def rollback(self) -> None:
        self.rollback_now()

    def rollback_now(self) -> None:
        """`rollback`, which never waits: also for a caller outside the event loop's tasks
        (the pool, giving the connection back)."""
        self.sqlite.rollback()
        self._changes_settled = self.sqlite.total_changes

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        self._closed = True
        self.sqlite.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self.sqlite.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self.sqlite.isolation_level

    @property
    def in_transaction(self) -> bool:
        return self.sqlite.in_transaction


def inline_connector(database: str, busy_timeout_ms: int) -> Callable[[], Any]:
    """The `async_creator` for create_async_engine: connections that never leave the loop's
    thread. Transactions are begun by SQLAlchemy's "begin" event (isolation_level None)."""

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(
            database,
            timeout=0,
            isolation_level=None,
            check_same_thread=False,
            uri=database.startswith("file:"),
        )
        return InlineConnection(connection, busy_timeout_ms)

    return connect
