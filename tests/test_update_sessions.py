"""The session of an update ends with the update and gives its connection back, whichever way
the update ended: answered, failed, or cancelled while its transaction was open."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.types import Update, User
from sqlalchemy import text

from bot.entry.middlewares import (
    DbSessionMiddleware,
    UpdateBoundSession,
    UpdatesInFlight,
    close_session,
)
from models.engine import create_update_sessionmaker

PERSON = User(id=7, is_bot=False, first_name="U")


def _update(update_id: int = 1) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": 3,
                "date": 1_700_000_000,
                "chat": {"id": PERSON.id, "type": "private"},
                "text": "/my",
            },
        }
    )


def _middleware(engine) -> DbSessionMiddleware:
    return DbSessionMiddleware(
        create_update_sessionmaker(engine, UpdateBoundSession), UpdatesInFlight()
    )


async def test_a_session_with_its_transaction_open_is_rolled_back_and_gives_the_connection_back(
    engine,
):
    session = create_update_sessionmaker(engine, UpdateBoundSession)()
    await session.execute(text("SELECT 1"))
    assert session.sync_session.in_transaction()
    await close_session(session)
    assert not session.sync_session.in_transaction()
    assert engine.pool.checkedout() == 0


async def test_a_session_whose_transaction_ended_is_closed_in_place(engine):
    session = create_update_sessionmaker(engine, UpdateBoundSession)()
    await session.execute(text("SELECT 1"))
    await session.commit()
    await close_session(session)
    assert engine.pool.checkedout() == 0
    # Closed, not merely left: it can begin again and end the same way.
    await session.execute(text("SELECT 1"))
    await close_session(session)
    assert engine.pool.checkedout() == 0


@pytest.mark.parametrize("ending", ["answered", "failed", "after_commit"])
async def test_every_update_gives_its_connection_back(engine, ending):
    async def handler(event, data):
        await data["session"].execute(text("SELECT 1"))
        if ending == "after_commit":
            await data["session"].commit()
        if ending == "failed":
            raise RuntimeError("the handler failed")

    middleware = _middleware(engine)
    for update_id in range(1, 6):
        if ending == "failed":
            with pytest.raises(RuntimeError):
                await middleware(handler, _update(update_id), {"event_from_user": PERSON})
        else:
            await middleware(handler, _update(update_id), {"event_from_user": PERSON})
        assert engine.pool.checkedout() == 0


async def test_an_update_cancelled_with_its_transaction_open_gives_its_connection_back(engine):
    reading = asyncio.Event()

    async def handler(event, data):
        await data["session"].execute(text("SELECT 1"))
        reading.set()
        await asyncio.sleep(60)

    task = asyncio.create_task(_middleware(engine)(handler, _update(), {"event_from_user": PERSON}))
    await reading.wait()
    assert engine.pool.checkedout() == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engine.pool.checkedout() == 0


async def test_a_connection_given_back_in_a_transaction_is_rolled_back(engine, monkeypatch):
    """SQLite: what was written and not committed never reaches the next user of the
    connection, and a connection given back after its commit is not rolled back again."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the pool's own reset is kept on other databases")
    from models.sqlite_inline import InlineConnection

    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    rollbacks = []
    rollback_now = InlineConnection.rollback_now

    def counted(self) -> None:
        rollbacks.append(self)
        rollback_now(self)

    monkeypatch.setattr(InlineConnection, "rollback_now", counted)

    committed = create_update_sessionmaker(engine, UpdateBoundSession)()
    await committed.execute(text("INSERT INTO notes (body) VALUES ('saved')"))
    await committed.commit()
    await close_session(committed)
    assert rollbacks == []

    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        # Written past SQLAlchemy: only the pool's reset can undo it.
        driver.sqlite.execute("BEGIN")
        driver.sqlite.execute("INSERT INTO notes (body) VALUES ('not saved')")
    assert rollbacks == [driver]
    assert not driver.in_transaction
    async with engine.connect() as connection:
        bodies = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()
    assert bodies == ["saved"]
