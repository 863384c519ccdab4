"""Prepared statements (models.prepared) give the rows SQLAlchemy gives, value for value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import OperationalError

# Imported for the statements they prepare.
import bot.measures
import bot.report_draft
import bot.review_list  # noqa: F401
import models.conversations
import models.queries
from bot.measure_history import history_page
from models.engine import create_update_sessionmaker, is_sqlite
from models.prepared import (
    connection_rows,
    fast_rows,
    prepared,
    prepared_statements,
    session_connection,
)
from models.queries import official_and_memberships, plain_rows
from models.tables import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Conversation,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
)

NOW = datetime(2026, 5, 20, 9, 30, tzinfo=UTC)
TODAY = NOW.date()

# A value for every parameter a prepared statement takes: a new statement's parameter must
# be added here, so that the test runs it.
PARAMETERS: dict[str, Any] = {
    "measure_id": 1,
    "organization_id": 1,
    "plan_id": 1,
    "official_id": 2,
    "telegram_id": 7002,
    "limit": 10,
    "since": NOW - timedelta(days=30),
    "bot_id": 1,
    "chat_id": 7002,
    "user_id": 7002,
    "thread_id": 0,
    "business_connection_id": "",
    "destiny": "default",
}


async def _fill(engine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(Plan), [{"title": "План", "timezone": "Asia/Omsk"}])
        await connection.execute(
            insert(Organization),
            [
                {"full_name": "Министерство", "name_key": "министерство", "timezone": None},
                {"full_name": "Комитет", "name_key": "комитет", "timezone": "Asia/Vladivostok"},
            ],
        )
        await connection.execute(
            insert(Official),
            [
                {
                    "telegram_id": 7001,
                    "first_name": "Анна",
                    "username": "anna",
                    "timezone": None,
                    "last_seen_at": None,
                },
                {
                    "telegram_id": 7002,
                    "first_name": "Борис",
                    "username": None,
                    "timezone": "Europe/Samara",
                    "last_seen_at": NOW - timedelta(hours=3),
                },
            ],
        )
        await connection.execute(
            insert(Membership),
            [
                {"official_id": 1, "role": Role.COORDINATOR, "plan_id": 1, "organization_id": None},
                {"official_id": 2, "role": Role.OFFICIAL, "plan_id": None, "organization_id": 1},
                {"official_id": 2, "role": Role.OFFICIAL, "plan_id": None, "organization_id": 2},
            ],
        )
        await connection.execute(
            insert(Measure),
            [
                {
                    "plan_id": 1,
                    "number": f"{n}.",
                    "number_key": str(n),
                    "sort_key": f"{n:08d}",
                    "title": f"Мероприятие {n}",
                    "deadline": TODAY + timedelta(days=days) if days is not None else None,
                    "done_on": TODAY if n == 3 else None,
                    "result": "отчёт" if n == 1 else None,
                    "source_cells": {},
                }
                for n, days in ((1, -3), (2, 5), (3, 0), (4, None))
            ],
        )
        await connection.execute(
            insert(Assignment),
            [
                {
                    "measure_id": n,
                    "organization_id": 1 + n % 2,
                    "is_lead": n != 4,
                    "status": AssignmentStatus.SUBMITTED
                    if n == 2
                    else AssignmentStatus.IN_PROGRESS,
                }
                for n in (1, 2, 3, 4)
            ]
            + [
                {
                    "measure_id": 1,
                    "organization_id": 1,
                    "is_lead": False,
                    "status": AssignmentStatus.ACCEPTED,
                }
            ],
        )
        await connection.execute(
            insert(AuditEvent),
            [
                {
                    "created_at": NOW - timedelta(days=1),
                    "actor_id": 1,
                    "action": "measure_changed",
                    "entity_type": "measures",
                    "entity_id": 1,
                    "field": "title",
                    "old_value": {"text": "было"},
                    "new_value": "стало",
                }
            ],
        )
        await connection.execute(
            insert(Conversation),
            [
                {
                    "bot_id": 1,
                    "chat_id": 7002,
                    "user_id": 7002,
                    "thread_id": 0,
                    "business_connection_id": "",
                    "destiny": "default",
                    "state": "Report:comment",
                    "data": '{"measure_id": 1}',
                    "updated_at": NOW - timedelta(hours=1),
                }
            ],
        )


def _same_values(fast: Any, slow: Any) -> None:
    assert len(fast) == len(slow)
    for ours, theirs in zip(fast, slow, strict=True):
        assert tuple(ours) == tuple(theirs)
        # The same types too: a date stays a date, a role a Role, a flag a bool.
        assert [type(value) for value in ours] == [type(value) for value in theirs]
        keys = list(theirs._fields)
        for key in {key for key in keys if keys.count(key) == 1}:
            assert getattr(ours, key) == getattr(theirs, key)


async def test_every_prepared_statement_reads_what_sqlalchemy_reads(engine, database_url):
    await _fill(engine)
    async with create_update_sessionmaker(engine)() as session:
        await history_page(session, 1)  # builds (and prepares) the card's counting statement
        statements = prepared_statements()
        assert len(statements) >= 10
        connection = await session.connection()
        rows_seen = 0
        for statement in statements:
            compiled = statement.compile(dialect=connection.dialect)
            given = {
                key: PARAMETERS[key]
                for key, bind in compiled.binds.items()
                if bind.required and bind.value is None
            }
            slow = (await connection.execute(statement, given)).all()
            fast = await fast_rows(connection, statement, given)
            if is_sqlite(database_url):
                assert fast is not None, statement
                _same_values(fast, slow)
            else:
                assert fast is None  # other databases take the normal path
            _same_values(await connection_rows(connection, statement, given), slow)
            rows_seen += len(slow)
        assert rows_seen > 10  # most statements found rows to compare


async def test_the_person_is_the_sessions_object_with_their_memberships(engine):
    await _fill(engine)
    async with create_update_sessionmaker(engine)() as session:
        found = await official_and_memberships(session, 7002)
        assert found is not None
        person = found.official
        assert (person.id, person.first_name, person.timezone) == (2, "Борис", "Europe/Samara")
        assert person.last_seen_at == NOW - timedelta(hours=3)
        assert sorted(found.memberships) == [(Role.OFFICIAL, None, 1), (Role.OFFICIAL, None, 2)]
        assert await session.get(Official, 2) is person  # in the identity map
        assert not session.dirty and not session.new
        # A change is written as for any loaded object.
        person.last_seen_at = NOW
        await session.commit()
    async with create_update_sessionmaker(engine)() as session:
        again = await official_and_memberships(session, 7002)
        assert again is not None and again.official.last_seen_at == NOW
        assert await official_and_memberships(session, 123) is None


async def test_a_person_the_session_already_holds_is_that_object(engine):
    await _fill(engine)
    async with create_update_sessionmaker(engine)() as session:
        held = await session.get(Official, 2)
        assert held is not None
        held.first_name = "Борис Петрович"  # not flushed yet: the read flushes it first
        found = await official_and_memberships(session, 7002)
        assert found is not None and found.official is held
        assert found.official.first_name == "Борис Петрович"
        await session.rollback()


async def test_an_error_is_raised_as_sqlalchemy_raises_it(engine, database_url):
    if not is_sqlite(database_url):
        pytest.skip("the fast path runs on SQLite only")
    await _fill(engine)
    async with create_update_sessionmaker(engine)() as session:
        await session.connection()
        driver = (await session.connection()).sync_connection.connection.driver_connection
        driver.sqlite.execute("DROP TABLE conversations")  # a statement that now fails
        with pytest.raises(OperationalError, match="no such table"):
            await plain_rows(
                session,
                models.conversations._READ_CONVERSATION,
                {key: PARAMETERS[key] for key in models.conversations._KEY_COLUMNS}
                | {"since": PARAMETERS["since"]},
            )
        await session.rollback()


async def test_a_callers_in_list_takes_the_normal_path(engine):
    # An IN list of the caller's values is rendered per execution: SQLAlchemy runs it.
    await _fill(engine)
    statement = prepared(
        select(Measure.number, Measure.deadline)
        .where(Measure.id.in_(bindparam("ids", expanding=True)))
        .order_by(Measure.id)
    )
    async with create_update_sessionmaker(engine)() as session:
        connection = await session.connection()
        assert await fast_rows(connection, statement, {"ids": [1, 2]}) is None
        rows = await plain_rows(session, statement, {"ids": [1, 2]})
        assert [tuple(row) for row in rows] == [
            ("1.", TODAY - timedelta(days=3)),
            ("2.", TODAY + timedelta(days=5)),
        ]


async def test_each_transaction_reads_on_its_own_connection(engine):
    """The kept connection is the transaction's: after a commit the next read sees what
    others committed meanwhile."""
    await _fill(engine)
    sessions = create_update_sessionmaker(engine)
    added = models.queries._ZONE_CANDIDATES
    async with sessions() as reader:
        (before,) = await plain_rows(reader, added, {"official_id": 1})
        first = await session_connection(reader)
        assert await session_connection(reader) is first
        async with sessions() as writer, writer.begin():
            await writer.execute(
                update(Official).where(Official.id == 1).values(timezone="Asia/Omsk")
            )
        await reader.commit()
        (after,) = await plain_rows(reader, added, {"official_id": 1})
        assert (before[0], after[0]) == (None, "Asia/Omsk")
        assert await session_connection(reader) is not first
