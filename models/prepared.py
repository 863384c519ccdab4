"""Hot constant statements, prepared once and run past SQLAlchemy's execution machinery.

Every update runs the same few statements (the person and their memberships, the
conversation's step, /my's measures, the card): built once, at import. Executing one through
`Connection.execute` costs more than SQLite takes to run it (the compiled cache lookup, the
execution context, the cursor result's metadata, the Row objects: about 0.2 ms of Python for a
query SQLite answers in 0.05 ms). A statement marked with `prepared` is compiled once per
dialect, and on SQLite (our inline connection, models.sqlite_inline) it runs on the driver
connection in the session's own transaction, its parameters and columns going through the
same bind and result processors SQLAlchemy would apply (dates, booleans, enums, JSON), so the
rows hold the same values; each row is a named tuple (index, unpacking and attribute access as
on a Row). Other databases, and a statement SQLAlchemy must render per execution (an expanding
IN list, a literal parameter), take the normal path.

Errors are raised as SQLAlchemy raises them (`sqlalchemy.exc.OperationalError` for "database
is locked"), so the update's retry (bot.entry.middlewares) sees them the same way.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

from models.sqlite_inline import InlineConnection

Statement = TypeVar("Statement", bound=Executable)

_NO_VALUE = object()

# A parameter's place in the SQL: its name, its bind processor, and the value built into the
# statement (already processed; _NO_VALUE when the caller must give one).
_Slot = tuple[str, Callable[[Any], Any] | None, Any]


class _Compiled:
    """A statement compiled for one dialect, with what running it on the driver needs."""

    __slots__ = ("processed", "row", "slots", "sql")

    def __init__(self, compiled: SQLCompiler, given: frozenset[str]) -> None:
        # The SQL as SQLAlchemy would send it: IN lists and literal parameters built into the
        # statement rendered now, once (the caller's own parameters are never among them).
        expanded = compiled.construct_expanded_state(dict.fromkeys(given))
        self.sql = expanded.statement
        self.slots: list[_Slot] = []
        for name in expanded.positiontup or ():
            processor = expanded.processors.get(name) or compiled._bind_processors.get(name)
            if name in given:
                self.slots.append((name, processor, _NO_VALUE))
            else:
                value = expanded.parameters[name]
                self.slots.append((name, processor, processor(value) if processor else value))
        # (index, result processor) of the columns that have one.
        self.processed = [
            (index, processor)
            for index, column in enumerate(compiled._result_columns)
            if (processor := column.type._cached_result_processor(compiled.dialect, None))
            is not None
        ]
        self.row = namedtuple(  # type: ignore[misc]
            "PreparedRow", [column.keyname for column in compiled._result_columns], rename=True
        )

    def parameters(self, given: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, processor, built_in in self.slots:
            if name in given:
                value = given[name]
                values.append(processor(value) if processor is not None else value)
            elif built_in is not _NO_VALUE:
                values.append(built_in)
            else:
                raise KeyError(f"A value is required for bind parameter {name!r}")
        return values

    def rows(self, raw: list[tuple[Any, ...]]) -> list[Any]:
        make = self.row._make
        processed = self.processed
        if not processed:
            return [make(row) for row in raw]
        rows = []
        for row in raw:
            values = list(row)
            for index, processor in processed:
                values[index] = processor(values[index])
            rows.append(make(values))
        return rows


class _Prepared:
    __slots__ = ("by_dialect", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self.by_dialect: dict[str, _Compiled | None] = {}

    def compiled_for(self, dialect: Dialect) -> _Compiled | None:
        try:
            return self.by_dialect[dialect.name]
        except KeyError:
            pass
        compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        prepared = None
        if isinstance(compiled, SQLCompiler):
            binds = compiled.binds.values()
            # Parameters the caller gives: those without a value in the statement.
            given = frozenset(bind.key for bind in binds if bind.required and bind.value is None)
            rendered_late = compiled.literal_execute_params | compiled.post_compile_params
            if (
                compiled.positional
                and compiled._result_columns
                and not compiled.escaped_bind_names
                and not any(bind.callable is not None for bind in binds)
                and not any(bind.key in given for bind in rendered_late)
            ):
                prepared = _Compiled(compiled, given)
        self.by_dialect[dialect.name] = prepared
        return prepared


# Prepared statements by id(): each is kept here (so its id stays its own) for the process.
_PREPARED: dict[int, _Prepared] = {}


def prepared(statement: Statement) -> Statement:
    """Mark a statement built once (a module constant) as one `plain_rows` runs on the fast
    path; returns the statement itself."""
    _PREPARED.setdefault(id(statement), _Prepared(statement))
    return statement


def prepared_statements() -> list[Executable]:
    """Every statement marked `prepared` so far (for tests)."""
    return [entry.statement for entry in _PREPARED.values()]


async def fast_rows(
    connection: AsyncConnection, statement: Executable, parameters: Mapping[str, Any] | None
) -> Sequence[Any] | None:
    """The rows of a prepared statement run on the driver connection, or None when it takes
    the normal path (not prepared, not SQLite's inline connection, not plain SQL)."""
    entry = _PREPARED.get(id(statement))
    if entry is None or entry.statement is not statement:
        return None
    driver = connection.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    if not isinstance(driver, InlineConnection):
        return None
    compiled = entry.compiled_for(connection.dialect)
    if compiled is None:
        return None
    values = compiled.parameters(parameters or {})
    try:
        cursor = await driver.patiently(driver.sqlite.execute, compiled.sql, values)
        raw = cursor.fetchall()
    except sqlite3.Error as error:
        raise DBAPIError.instance(
            compiled.sql, values, error, sqlite3.Error, hide_parameters=True
        ) from error
    return compiled.rows(raw)


async def connection_rows(
    connection: AsyncConnection, statement: Executable, parameters: Mapping[str, Any] | None
) -> Sequence[Any]:
    """All rows of a statement on this connection: on the fast path when it is prepared and
    the connection allows, else as `connection.execute(...).all()`."""
    rows = await fast_rows(connection, statement, parameters)
    if rows is not None:
        return rows
    return (await connection.execute(statement, parameters)).all()


_CONNECTION = "prepared_connection"


async def session_connection(session: AsyncSession) -> AsyncConnection:
    """`await session.connection()`, kept for the session's transaction: asking the session
    again (a greenlet and a proxy lookup) cost half of a small prepared read."""
    transaction = session.sync_session.get_transaction()
    if transaction is not None and transaction.is_active:
        kept = session.info.get(_CONNECTION)
        if kept is not None and kept[0] is transaction:
            return kept[1]
    connection = await session.connection()
    session.info[_CONNECTION] = (session.sync_session.get_transaction(), connection)
    return connection
