"""Conversations are kept in the database: what a person started survives the process, and a
conversation left alone for CONVERSATION_DAYS is dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.config import Settings
from bot.entry.conversations import DatabaseStorage, create_storage
from bot.plan_import.pending import PendingImports
from models.tables import Conversation, PendingImport, Report
from scheduler.maintenance import purge_conversations
from tests.test_coordination import OFFICIAL_A, user
from tests.test_reports import PDF, open_my_card, start_draft, world  # noqa: F401

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)
LIFETIME = timedelta(days=14)


class Steps(StatesGroup):
    reason = State()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(sessionmaker, clock) -> DatabaseStorage:
    return DatabaseStorage(sessionmaker, clock, LIFETIME)


async def test_state_and_data_are_read_back_by_another_storage(storage, sessionmaker, clock):
    await storage.set_state(KEY, Steps.reason)
    await storage.set_data(KEY, {"measure_id": 7, "draft": {"files": ["приказ.pdf"]}})
    await storage.update_data(KEY, {"new_deadline": "2025-12-31"})

    # A new process: a storage of its own over the same database.
    again = DatabaseStorage(sessionmaker, clock, LIFETIME)
    assert await again.get_state(KEY) == "Steps:reason"
    assert await again.get_data(KEY) == {
        "measure_id": 7,
        "draft": {"files": ["приказ.pdf"]},
        "new_deadline": "2025-12-31",
    }
    # Each chat, thread and destiny has its own conversation.
    for other in (
        StorageKey(bot_id=1, chat_id=43, user_id=43),
        StorageKey(bot_id=1, chat_id=42, user_id=42, thread_id=5),
        StorageKey(bot_id=1, chat_id=42, user_id=42, destiny="requests"),
    ):
        assert await again.get_state(other) is None
        assert await again.get_data(other) == {}


async def test_a_finished_conversation_leaves_nothing_behind(storage, sessionmaker):
    await storage.set_state(KEY, Steps.reason)
    await storage.set_data(KEY, {"measure_id": 7})
    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"measure_id": 7}  # data outlives the state
    await storage.set_data(KEY, {})
    async with sessionmaker() as session:
        assert (await session.execute(select(Conversation))).all() == []


async def test_data_that_another_process_could_not_read_is_refused(storage):
    with pytest.raises(TypeError):
        await storage.set_data(KEY, {"when": datetime.now(UTC)})
    assert await storage.get_data(KEY) == {}


async def test_a_conversation_left_alone_too_long_is_gone_and_purged(storage, sessionmaker, clock):
    await storage.set_state(KEY, Steps.reason)
    await storage.set_data(KEY, {"measure_id": 7})
    fresh = StorageKey(bot_id=1, chat_id=43, user_id=43)
    clock.now += LIFETIME - timedelta(hours=1)
    await storage.set_state(fresh, Steps.reason)
    assert await storage.get_state(KEY) == "Steps:reason"  # 13 days 23 hours: still there

    clock.now += timedelta(hours=2)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    assert await storage.get_state(fresh) == "Steps:reason"

    assert await purge_conversations(sessionmaker, clock.now, LIFETIME) == 1
    async with sessionmaker() as session:
        kept = (await session.execute(select(Conversation.chat_id))).scalars().all()
    assert kept == [43]


async def test_a_previewed_import_waits_an_hour_for_its_person_only(sessionmaker, clock):
    pending = PendingImports(sessionmaker, clock)
    token = await pending.add(7001, "plan.csv", "0" * 64, b"content")
    later = await pending.add(7002, "other.csv", "1" * 64, b"other")
    async with sessionmaker() as session, session.begin():
        assert not await pending.discard(session, token, 7002, clock.now)  # not theirs
    clock.now += timedelta(minutes=61)
    async with sessionmaker() as session, session.begin():
        assert not await pending.discard(session, token, 7001, clock.now)  # expired
    assert await purge_conversations(sessionmaker, clock.now, LIFETIME) == 2
    async with sessionmaker() as session:
        assert (await session.execute(select(PendingImport.token))).all() == []
    assert later != token


async def test_a_newer_file_replaces_the_persons_earlier_preview(sessionmaker, clock):
    pending = PendingImports(sessionmaker, clock)
    first = await pending.add(7001, "plan.csv", "0" * 64, b"content")
    await pending.add(7001, "plan2.csv", "1" * 64, b"content 2")
    async with sessionmaker() as session, session.begin():
        assert not await pending.discard(session, first, 7001, clock.now)
    async with sessionmaker() as session:
        names = (await session.execute(select(PendingImport.file_name))).scalars().all()
    assert names == ["plan2.csv"]


def test_redis_url_chooses_redis(sessionmaker):
    pytest.importorskip("redis")
    from aiogram.fsm.storage.redis import RedisStorage

    settings = Settings(redis_url="redis://127.0.0.1:6379/0", _env_file=None)
    storage, _isolation = create_storage(settings, sessionmaker)
    assert isinstance(storage, RedisStorage)
    assert storage.state_ttl == timedelta(days=14)


def test_without_redis_url_conversations_are_in_the_database(sessionmaker):
    storage, _isolation = create_storage(Settings(_env_file=None), sessionmaker)
    assert isinstance(storage, DatabaseStorage)
    with pytest.raises(ValueError, match="redis://"):
        Settings(redis_url="localhost:6379", _env_file=None)


async def test_a_draft_untouched_for_two_weeks_is_dropped(running_bot, world):  # noqa: F811
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await start_draft(official, card)
    official.send_document("order.pdf", PDF, mime_type="application/pdf")
    draft = await official.wait_for_message("Attached: 1")
    async with running_bot.sessionmaker() as session:
        (state,) = (await session.execute(select(Conversation.state))).scalars().all()
    assert state == "ReportInput:collecting"

    running_bot.settings.clock_shift_seconds = timedelta(days=15).total_seconds()
    pressed = official.press(draft, text="Send the report")
    answer = await official.wait_for_callback_answer(pressed["callback_query"]["id"])
    assert answer.text == (
        "This draft is no longer open. Press «Report» on the measure to start again."
    )
    assert answer.show_alert
    async with running_bot.sessionmaker() as session:
        assert (await session.execute(select(Report))).all() == []


async def test_a_plans_confirm_never_takes_a_directory_preview(sessionmaker, clock):
    """Both previews wait in one table; a forged plan Confirm naming the directory's token
    finds nothing, and the directory's preview stays."""
    from models.conversations import StoredImport, keep_pending_import

    pending = PendingImports(sessionmaker, clock)
    async with sessionmaker() as session, session.begin():
        await keep_pending_import(
            session,
            StoredImport("dir0123456789abcdef", 7001, "bodies.csv", "0" * 64, b"x", clock.now),
        )
    async with sessionmaker() as session, session.begin():
        assert await pending.take(session, "dir0123456789abcdef", 7001, clock.now) is None
        assert not await pending.discard(session, "dir0123456789abcdef", 7001, clock.now)
    async with sessionmaker() as session:
        tokens = (await session.execute(select(PendingImport.token))).scalars().all()
    assert tokens == ["dir0123456789abcdef"]
