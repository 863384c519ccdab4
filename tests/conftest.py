"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from models.engine import create_engine, create_sessionmaker
from models.migrations import upgrade_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


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
