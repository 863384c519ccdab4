"""Command line: `python -m bot [run]`, `python -m bot db upgrade`, … (`--help` lists them)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.config import Settings, SettingsError, load_settings

EXIT_SETTINGS = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram bot that keeps regional roadmaps on schedule.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (long polling); the default")

    db = commands.add_parser("db", help="database schema: upgrade, downgrade, current, revision")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser(
        "upgrade", help="upgrade the schema (to the newest by default)"
    )
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = db_commands.add_parser("downgrade", help="downgrade the schema to a revision")
    downgrade.add_argument("revision", help="target revision, e.g. -1 or base")
    db_commands.add_parser("current", help="print the schema revision of the database")
    revision = db_commands.add_parser(
        "revision", help="write a new migration (for developers), compared with the models"
    )
    revision.add_argument("-m", "--message", required=True)
    return parser


def _db(settings: Settings, args: argparse.Namespace) -> int:
    from models import migrations

    url = settings.effective_database_url
    if args.db_command == "upgrade":
        asyncio.run(migrations.upgrade_database(url, args.revision))
    elif args.db_command == "downgrade":
        asyncio.run(migrations.downgrade_database(url, args.revision))
    elif args.db_command == "revision":
        path = asyncio.run(migrations.write_revision(url, args.message))
        print(f"Wrote {path}")
        return 0
    revision = asyncio.run(migrations.current_revision(url))
    print(f"Database schema revision: {revision or 'none (empty database)'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command in (None, "run"):
            settings.require_bot_token()
            from bot.app import run_bot

            asyncio.run(run_bot(settings))
            return 0
        if args.command == "db":
            return _db(settings, args)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    except KeyboardInterrupt:
        return 130
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
