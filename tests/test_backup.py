"""Durable state: every commit reaches the disk (synchronous=FULL), `python -m bot backup` copies
the SQLite database while the bot writes, and a start that migrates the schema first leaves a
backup of the database as it was.

These tests use SQLite files of their own: backups are an SQLite matter (PostgreSQL is told to
use pg_dump), whatever TEST_DATABASE_URL says.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from bot.config import Settings
from bot.entry.backup_command import KEEP_BACKUPS, prepare_database, prune_backups
from models.backup import BackupError, backup_sqlite
from models.engine import create_engine
from models.migrations import all_revisions, head_revision, upgrade_database
from models.tables import Organization
from tests.test_settings_and_cli import run_cli


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, _env_file=None)


def read(path: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchall()


async def test_every_connection_syncs_each_commit(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA synchronous"))).scalar()
            journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
    finally:
        await engine.dispose()
    assert (mode, journal) == (2, "wal")  # 2 = FULL


async def test_a_backup_taken_while_the_bot_writes_opens_with_its_rows(tmp_path):
    database = tmp_path / "live.sqlite3"
    url = f"sqlite+aiosqlite:///{database}"
    await upgrade_database(url)
    engine = create_engine(url)
    writing = asyncio.Event()
    written = 0

    async def write_bodies() -> None:
        nonlocal written
        while not writing.is_set() or written < 400:
            async with engine.begin() as connection:
                await connection.execute(
                    insert(Organization).values(
                        full_name=f"Орган {written}", name_key=f"орган {written}"
                    )
                )
            written += 1
            if written == 200:
                writing.set()
            await asyncio.sleep(0)

    try:
        writer = asyncio.create_task(write_bodies())
        # 200 bodies in; the writer goes on during the copy (a failing writer ends the wait).
        await asyncio.wait(
            {writer, asyncio.ensure_future(writing.wait())}, return_when=asyncio.FIRST_COMPLETED
        )
        assert not writer.done()
        before = written
        target = await asyncio.to_thread(backup_sqlite, database, tmp_path / "copy.sqlite3")
        after = written
        await writer
        async with engine.connect() as connection:
            total = await connection.scalar(select(func.count()).select_from(Organization))
    finally:
        await engine.dispose()
    assert total == written >= 400
    copied = read(target, "SELECT count(*) FROM organizations")[0][0]
    assert before <= copied <= after
    assert read(target, "PRAGMA quick_check") == [("ok",)]
    assert read(target, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert read(target, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert not list(tmp_path.glob("*.part"))


def test_the_backup_command_copies_the_database_and_prints_its_path(tmp_path):
    env = {"DATA_DIR": str(tmp_path / "state")}
    assert run_cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    out = tmp_path / "saved" / "roadmap.sqlite3"
    result = run_cli("backup", "--out", str(out), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(out)
    assert read(out, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


def test_the_backup_command_on_postgresql_says_to_use_pg_dump(tmp_path):
    env = {"DATABASE_URL": "postgresql+asyncpg://bot:s3cret-password@db.local/roadmap"}
    result = run_cli("backup", "--out", "x.dump", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "pg_dump --format=custom --file=x.dump 'postgresql://bot@db.local/roadmap'" in (
        result.stderr
    )
    assert "s3cret" not in result.stderr + result.stdout


def test_no_backup_of_a_missing_database(tmp_path):
    with pytest.raises(BackupError):
        backup_sqlite(tmp_path / "none.sqlite3", tmp_path / "copy.sqlite3")
    result = run_cli(
        "backup", "--out", "copy.sqlite3", env={"DATA_DIR": str(tmp_path)}, cwd=tmp_path
    )
    assert result.returncode == 1 and "no backup made" in result.stderr


async def test_a_start_with_a_pending_migration_leaves_a_backup_first(tmp_path):
    data_dir = tmp_path / "data"
    settings = settings_for(data_dir)
    previous = all_revisions()[-2]
    await upgrade_database(settings.effective_database_url, previous)
    database = data_dir / "roadmap-bot.sqlite3"
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute(
            "INSERT INTO organizations (full_name, name_key) VALUES ('Минтруд', 'минтруд')"
        )

    backup = await prepare_database(settings)

    assert backup is not None and backup.parent == data_dir / "backups"
    assert re.fullmatch(rf"roadmap-\d{{8}}-\d{{6}}Z-rev{previous}\.sqlite3", backup.name)
    assert read(backup, "SELECT version_num FROM alembic_version") == [(previous,)]
    assert read(backup, "SELECT full_name FROM organizations") == [("Минтруд",)]
    assert read(database, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    # Up to date now: the next start copies nothing.
    assert await prepare_database(settings) is None
    assert list((data_dir / "backups").iterdir()) == [backup]


async def test_a_new_database_is_created_without_a_backup(tmp_path):
    settings = settings_for(tmp_path / "data")
    assert await prepare_database(settings) is None
    assert not (tmp_path / "data" / "backups").exists()


def test_only_the_newest_backups_are_kept(tmp_path):
    names = [f"roadmap-202605{day:02d}-070000Z-rev0005.sqlite3" for day in range(1, 9)]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "kept-by-hand.sqlite3").write_bytes(b"")
    removed = prune_backups(tmp_path, KEEP_BACKUPS)
    assert sorted(path.name for path in removed) == names[: 8 - KEEP_BACKUPS]
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == sorted([*names[8 - KEEP_BACKUPS :], "kept-by-hand.sqlite3"])
