"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.config import Settings
from bot.entry.app import create_bot, create_dispatcher
from bot.entry.translations import create_i18n
from models.engine import create_engine, create_sessionmaker
from models.migrations import upgrade_database
from tests.emulator import BotAPIEmulator

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header() -> str:
    if TEST_DATABASE_URL:
        return f"database: {make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)}"
    return "database: SQLite (set TEST_DATABASE_URL to also test on PostgreSQL)"


@pytest.fixture
async def empty_database_url(tmp_path) -> AsyncIterator[str]:
    """URL of a new, empty database that is dropped after the test."""
    if not TEST_DATABASE_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        return
    server = make_url(TEST_DATABASE_URL)
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


@pytest.fixture
async def database_url(empty_database_url) -> str:
    """URL of a new database migrated to the newest schema."""
    await upgrade_database(empty_database_url)
    return empty_database_url


@pytest.fixture
async def engine(database_url) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine):
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction, committed at the end of the test."""
    async with sessionmaker() as session, session.begin():
        yield session


# --- The bot, wired as in production, polling a local Bot API emulator ------------------------

TEST_TOKEN = "123456:TEST-token"
ADMIN_TELEGRAM_ID = 900_000_001


@dataclass
class RunningBot:
    emulator: BotAPIEmulator
    dispatcher: Dispatcher
    bot: Bot
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator(token=TEST_TOKEN, bot_username="roadmap_test_bot") as emulator:
        yield emulator


@pytest.fixture
async def running_bot(emulator, engine, sessionmaker, tmp_path) -> AsyncIterator[RunningBot]:
    settings = Settings(
        bot_token=TEST_TOKEN,
        telegram_api_url=emulator.base_url,
        admin_ids=frozenset({ADMIN_TELEGRAM_ID}),
        data_dir=tmp_path / "data",
        _env_file=None,
    )
    bot = create_bot(settings)
    dispatcher = create_dispatcher(settings, engine, sessionmaker, create_i18n())
    async with emulator.polling(dispatcher, bot):
        yield RunningBot(emulator, dispatcher, bot, sessionmaker, settings)


@pytest.fixture
async def bot_process_env(emulator, empty_database_url, tmp_path) -> dict[str, str]:
    data_dir = tmp_path / "state"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=emulator.base_url,
        DATA_DIR=str(data_dir),
        ADMIN_IDS="",
        LOG_LEVEL="INFO",
    )
    if TEST_DATABASE_URL:
        env["DATABASE_URL"] = empty_database_url
    return env
