"""The schema: every migration goes up and down cleanly, and the result matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from models.base import Base
from models.engine import create_engine, is_sqlite
from models.migrations import (
    all_revisions,
    current_revision,
    downgrade_database,
    head_revision,
    upgrade_database,
)

EXPECTED_TABLES = {
    "plans",
    "sections",
    "measures",
    "organizations",
    "officials",
    "memberships",
    "assignments",
    "reports",
    "documents",
    "deadline_changes",
    "notifications",
    "audit_events",
    "invitations",
    "plan_sources",
}


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def index_names(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
        if is_sqlite(url)
        else "SELECT indexname FROM pg_indexes WHERE tablename = :table"
    )
    try:
        async with engine.connect() as connection:
            return set((await connection.execute(text(query), {"table": table})).scalars())
    finally:
        await engine.dispose()


async def test_every_revision_upgrades_downgrades_and_upgrades_again(empty_database_url):
    url = empty_database_url
    revisions = all_revisions()
    assert revisions[-1] == head_revision()
    previous = "base"
    for revision in revisions:
        await upgrade_database(url, revision)
        assert await current_revision(url) == revision
        await downgrade_database(url, previous)
        assert await current_revision(url) == (None if previous == "base" else previous)
        await upgrade_database(url, revision)
        assert await current_revision(url) == revision
        previous = revision
    assert await table_names(url) >= EXPECTED_TABLES
    # Batch mode copies SQLite tables: the hand-written expression index must survive it.
    assert "uq_memberships_active_role" in await index_names(url, "memberships")
    await downgrade_database(url, "base")
    assert await table_names(url) <= {"alembic_version"}


# SQLite cannot reflect the expression index on memberships; alembic warns and skips it.
@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:.*expression-based index:sqlalchemy.exc.SAWarning")
async def test_the_migrated_schema_matches_the_models(database_url):
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_upgrading_twice_is_harmless(database_url):
    await upgrade_database(database_url)
    assert await current_revision(database_url) == head_revision()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(engine):
    if not is_sqlite(engine.url):
        return
    async with engine.connect() as connection:
        journal = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
        foreign_keys = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
        busy_timeout = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
        driver = (await connection.get_raw_connection()).driver_connection
    assert journal == "wal"
    assert foreign_keys == 1
    # SQLite's own busy handler would sleep inside the call and freeze the event loop: the
    # connection waits for the write lock itself, between attempts (models.sqlite_inline).
    assert busy_timeout == 0
    assert driver.busy_timeout_ms >= 5000
