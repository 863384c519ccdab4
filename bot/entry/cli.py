"""Command line: `python -m bot [run]`, `python -m bot db upgrade`, … (`--help` lists them)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    Settings,
    SettingsError,
    load_settings,
)

EXIT_SETTINGS = 2


INVITE_ROLES = ("official", "head", "coordinator", "admin")


def _invite_roles(text: str) -> tuple[str, ...]:
    """`official`, or several separated by commas (`official,head`), each named once."""
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names or any(name not in INVITE_ROLES for name in names):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(INVITE_ROLES)}")
    return names


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

    plan_import = commands.add_parser(
        "import", help="load a plan from a .docx, .xlsx, .csv or text file"
    )
    plan_import.add_argument("file", type=Path, metavar="FILE")
    plan_import.add_argument("--title", help="the plan's title, instead of the document's")
    plan_import.add_argument(
        "--dry-run", action="store_true", help="show what was understood, save nothing"
    )
    plan_import.add_argument(
        "--json", action="store_true", help="print the result as one JSON object on stdout"
    )
    plan_import.add_argument("--lang", choices=SUPPORTED_LOCALES, default=DEFAULT_LOCALE)

    amend = commands.add_parser(
        "amend", help="apply an amendment order (.docx or text) to a stored plan"
    )
    amend.add_argument("file", type=Path, metavar="FILE")
    amend.add_argument("--plan", help="the title of the plan the order amends")
    amend.add_argument("--dry-run", action="store_true", help="show the changes, save nothing")
    amend.add_argument("--json", action="store_true", help="print the changes as JSON")
    amend.add_argument("--lang", choices=SUPPORTED_LOCALES, default=DEFAULT_LOCALE)

    invite = commands.add_parser(
        "invite",
        help="make an invitation link for a body's official or head, a coordinator, or an admin;"
        " with --all, a file of links for every body of a plan or of the directory",
    )
    invite.add_argument("--org", help="the body's full or short name (case does not matter)")
    invite.add_argument(
        "--role",
        type=_invite_roles,
        required=True,
        metavar="official|head|coordinator|admin",
        help="admin: a one-use link, valid for one day, that makes its opener an administrator;"
        " with --all: official, head or official,head",
    )
    invite.add_argument("--plan", help="the plan's title (required for a coordinator)")
    invite.add_argument(
        "--uses",
        type=int,
        help="how many people may use it (1; with --all: 20 for officials, 2 for heads)",
    )
    invite.add_argument("--days", type=int, default=14, help="days until it expires (14)")
    invite.add_argument(
        "--all",
        action="store_true",
        help="a link per body: the plan's bodies, or without --plan every body of the directory",
    )
    invite.add_argument("--out", type=Path, metavar="FILE.xlsx", help="with --all: the file")
    invite.add_argument(
        "--qr", type=Path, metavar="DIR", help="with --all: a PNG QR code per link, in DIR"
    )
    invite.add_argument("--lang", choices=SUPPORTED_LOCALES, default=DEFAULT_LOCALE)

    backup = commands.add_parser(
        "backup", help="copy the SQLite database while the bot runs (PostgreSQL: pg_dump)"
    )
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")

    export = commands.add_parser("export", help="write a plan as a spreadsheet (.xlsx)")
    export.add_argument("--plan", required=True, help="the plan's title, or words of it")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    export.add_argument("--lang", choices=SUPPORTED_LOCALES, default=DEFAULT_LOCALE)

    orgs = commands.add_parser("orgs", help="the directory of bodies: import or export it")
    orgs_commands = orgs.add_subparsers(dest="orgs_command", metavar="ACTION", required=True)
    orgs_import = orgs_commands.add_parser(
        "import", help="load the directory from an .xlsx or .csv list of bodies"
    )
    orgs_import.add_argument("file", type=Path, metavar="FILE")
    orgs_import.add_argument(
        "--dry-run", action="store_true", help="show what would change, save nothing"
    )
    orgs_import.add_argument(
        "--json", action="store_true", help="print the changes as one JSON object on stdout"
    )
    orgs_import.add_argument("--lang", choices=SUPPORTED_LOCALES, default=DEFAULT_LOCALE)
    orgs_export = orgs_commands.add_parser(
        "export", help="write the directory as a workbook that imports back unchanged"
    )
    orgs_export.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    orgs_export.add_argument("--lang", choices=SUPPORTED_LOCALES, default=DEFAULT_LOCALE)
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


def _run(settings: Settings) -> int:
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.entry.app import run_bot
    from bot.redaction import redact
    from models.backup import BackupError

    api = settings.telegram_api_url or "https://api.telegram.org"
    try:
        asyncio.run(run_bot(settings))
    except BackupError as error:
        print(f"error: the database was not migrated, its backup failed: {error}", file=sys.stderr)
        return 1
    except TelegramUnauthorizedError:
        print("error: BOT_TOKEN was refused by the Bot API (401 Unauthorized)", file=sys.stderr)
        return EXIT_SETTINGS
    except (TelegramNetworkError, OSError) as error:
        print(f"error: cannot reach the Bot API at {api}: {redact(str(error))}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command in (None, "run"):
            settings.require_bot_token()
            return _run(settings)
        if args.command == "db":
            return _db(settings, args)
        if args.command == "invite":
            from bot.entry.invite_command import run_invite, run_invite_all

            if args.all:
                return run_invite_all(
                    settings,
                    plan=args.plan,
                    roles=args.role,
                    uses=args.uses,
                    days=args.days,
                    out=args.out,
                    qr_dir=args.qr,
                    locale=args.lang,
                )
            if len(args.role) != 1:
                print("error: several roles at once only with --all", file=sys.stderr)
                return 1
            return run_invite(
                settings,
                org=args.org,
                role=args.role[0],
                plan=args.plan,
                uses=1 if args.uses is None else args.uses,
                days=args.days,
            )
        if args.command == "backup":
            from bot.entry.backup_command import run_backup

            return run_backup(settings, args.out)
        if args.command == "export":
            from bot.entry.export_command import run_export

            return run_export(settings, plan=args.plan, out=args.out, locale=args.lang)
        if args.command == "orgs":
            from bot.entry.orgs_command import run_orgs_export, run_orgs_import

            if args.orgs_command == "export":
                return run_orgs_export(settings, args.out, locale=args.lang)
            return run_orgs_import(
                settings, args.file, dry_run=args.dry_run, as_json=args.json, locale=args.lang
            )
        if args.command == "amend":
            from bot.entry.amend_command import run_amend

            return run_amend(
                settings,
                args.file,
                plan=args.plan,
                dry_run=args.dry_run,
                as_json=args.json,
                locale=args.lang,
            )
        if args.command == "import":
            from bot.entry.import_command import run_import

            return run_import(
                settings,
                args.file,
                title=args.title,
                dry_run=args.dry_run,
                as_json=args.json,
                locale=args.lang,
            )
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    except KeyboardInterrupt:
        return 130
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
