"""Schema migrations with alembic, run programmatically (no alembic.ini needed).

`python -m bot db upgrade` and the bot's start both call `upgrade_database`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from models.engine import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def all_revisions() -> list[str]:
    """Revision ids from the first to the head."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def _run(url: str, action: str, revision: str) -> None:
    config = alembic_config(url)
    engine = create_engine(url, foreign_keys=False)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
        if connection.dialect.name == "sqlite":
            violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if violations:
                raise RuntimeError(f"migration left broken foreign keys: {violations[:5]}")

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def upgrade_database(url: str, revision: str = "head") -> None:
    await _run(url, "upgrade", revision)


async def downgrade_database(url: str, revision: str) -> None:
    await _run(url, "downgrade", revision)


async def current_revision(url: str) -> str | None:
    engine = create_engine(url, foreign_keys=False)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


async def write_revision(url: str, message: str) -> str:
    """Autogenerate a migration against an up-to-date database; returns the new file's path."""
    config = alembic_config(url)
    engine = create_engine(url, foreign_keys=False)
    revision_number = len(all_revisions()) + 1

    def run(connection: Connection) -> str:
        config.attributes["connection"] = connection
        script = command.revision(
            config, message=message, autogenerate=True, rev_id=f"{revision_number:04d}"
        )
        assert script is not None and not isinstance(script, list)
        return script.path

    try:
        async with engine.begin() as connection:
            return await connection.run_sync(run)
    finally:
        await engine.dispose()
