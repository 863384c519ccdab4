"""Backups of the database: `python -m bot backup --out FILE`, and one before a migration.

SQLite: an online copy with SQLite's backup API (models/backup.py), safe while the bot runs.
PostgreSQL: the command prints the `pg_dump` line to run and exits 2; on start, a pending
migration is applied after a warning that says the same.

On start, when the database is behind the code's schema (a migration is pending), the bot
first copies it to `DATA_DIR/backups/roadmap-<UTC time>-rev<revision>.sqlite3` and keeps the
newest `KEEP_BACKUPS` of those; a database already up to date, or a new one, is not copied.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.config import Settings
from models.backup import BackupError, backup_sqlite, pg_dump_hint, sqlite_path
from models.migrations import current_revision, head_revision, upgrade_database

logger = logging.getLogger(__name__)

KEEP_BACKUPS = 5
BACKUP_PREFIX = "roadmap-"
EXIT_FAILED, EXIT_NOT_SQLITE = 1, 2


def run_backup(settings: Settings, out: Path) -> int:
    """The CLI command: copy the database to `out`; print its path last."""
    url = settings.effective_database_url
    source = sqlite_path(url)
    if source is None:
        print(
            "error: the database is not an SQLite file; back it up with\n"
            f"  {pg_dump_hint(url, out)}",
            file=sys.stderr,
        )
        return EXIT_NOT_SQLITE
    try:
        target = backup_sqlite(source, out)
    except BackupError as error:
        print(f"error: no backup made: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(target)
    return 0


def backups_dir(settings: Settings) -> Path:
    return settings.data_dir / "backups"


async def prepare_database(settings: Settings) -> Path | None:
    """Bring the schema up to date, first backing up a database a migration would change.
    Returns the backup made, if any."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    backup = await backup_before_migration(settings)
    logger.info("Upgrading the database schema")
    await upgrade_database(url)
    return backup


async def backup_before_migration(settings: Settings) -> Path | None:
    url = settings.effective_database_url
    source = sqlite_path(url)
    if source is not None and not source.is_file():
        return None  # a new database: nothing to keep
    revision = await current_revision(url)
    if revision is None or revision == head_revision():
        return None
    if source is None:
        logger.warning(
            "Migrating the database from revision %s; no backup is made of a PostgreSQL "
            "database: stop the bot and run %s first if you have none",
            revision,
            pg_dump_hint(url, Path("roadmap.dump")),
        )
        return None
    stamp = settings.now().strftime("%Y%m%d-%H%M%SZ")
    target = backups_dir(settings) / f"{BACKUP_PREFIX}{stamp}-rev{revision}.sqlite3"
    await asyncio.to_thread(backup_sqlite, source, target)
    logger.info("Database at revision %s backed up to %s before migrating", revision, target)
    prune_backups(backups_dir(settings), KEEP_BACKUPS)
    return target


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups made on start (by their names' times)."""
    made = sorted(directory.glob(f"{BACKUP_PREFIX}*-rev*.sqlite3"), reverse=True)
    for old in made[keep:]:
        old.unlink(missing_ok=True)
    return made[keep:]
