"""Online backups of an SQLite database with SQLite's backup API, on a connection of its own.

The copy is one consistent snapshot of the database, taken while the bot goes on writing (in
WAL mode readers and writers do not block each other); it is written under a temporary name,
switched to the rollback journal (a single self-contained file), checked, and only then given
its name, so a file under that name is always a whole backup.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """Why no backup was made, in one sentence."""


def sqlite_path(url: str | URL) -> Path | None:
    """The database file of an SQLite URL; None for other databases and in-memory ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy the database file `source` to `target` (replaced if there) while others use it."""
    if not source.is_file():
        raise BackupError(f"there is no database file at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as reader,
            closing(sqlite3.connect(partial)) as copy,
        ):
            reader.backup(copy)  # every page in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"the copy failed its check: {verdict}")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source}: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def pg_dump_hint(url: str | URL, out: Path) -> str:
    """The command that backs up a PostgreSQL database (its password not shown)."""
    parsed = make_url(url)
    plain = parsed._replace(drivername="postgresql", password=None).render_as_string()
    return f"pg_dump --format=custom --file={out} '{plain}'"
