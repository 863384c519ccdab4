"""`python -m bot orgs import FILE [--dry-run] [--json]` and `python -m bot orgs export --out F`."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES, Settings
from bot.directory.changes import DirectoryChanges, plan_changes, save_changes
from bot.directory.listing import N_, DirectoryFileError, Translate, Vocabulary, read_listing
from bot.directory.workbook import directory_workbook
from bot.entry.translations import create_i18n
from bot.plan_import import messages
from bot.plan_import.model import ImportFailure
from bot.presentation.directory_changes import changes_text

EXIT_FAILED = 1
Result = TypeVar("Result")


def _translators(locale: str) -> tuple[Translate, Vocabulary]:
    i18n = create_i18n()

    def translate(message: str) -> str:
        return i18n.gettext(message, locale=locale)

    vocabulary = Vocabulary(
        [lambda m, lang=lang: i18n.gettext(m, locale=lang) for lang in SUPPORTED_LOCALES]
    )
    return translate, vocabulary


async def _in_session(
    settings: Settings, work: Callable[[AsyncSession], Awaitable[Result]], *, write: bool
) -> Result:
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    url = settings.effective_database_url
    await upgrade_database(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            result = await work(session)
            if not write:
                await session.rollback()
            return result
    finally:
        await engine.dispose()


def run_orgs_import(
    settings: Settings, path: Path, *, dry_run: bool, as_json: bool, locale: str
) -> int:
    translate, vocabulary = _translators(locale)
    try:
        listing = read_listing(path.read_bytes(), path.name, vocabulary)
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    except ImportFailure as failure:
        reason = messages.render_failure(failure, translate)
        print(f"error: {path}: {reason}", file=sys.stderr)
        return EXIT_FAILED
    except DirectoryFileError:
        print(f"error: {path}: {translate(NO_HEADER)}", file=sys.stderr)
        return EXIT_FAILED

    async def work(session: AsyncSession) -> DirectoryChanges:
        if dry_run:
            return await plan_changes(session, listing)
        return await save_changes(session, listing, roles=None, actor_id=None)

    changes = asyncio.run(_in_session(settings, work, write=not dry_run))
    if as_json:
        print(json.dumps({**changes.to_json(), "saved": not dry_run}, ensure_ascii=False))
    else:
        print(changes_text(changes, translate, html=False))
        print(translate(N_("Dry run: nothing was saved.")) if dry_run else translate(N_("Saved.")))
    return 0


NO_HEADER = N_(
    "No header row names the columns: the first row of the list must hold «Full name», "
    "«Short name», «Kind», «Groups», «Time zone», «Parent body», «Head»."
)


def run_orgs_export(settings: Settings, out: Path, *, locale: str) -> int:
    translate, _ = _translators(locale)

    async def work(session: AsyncSession) -> bytes:
        return await directory_workbook(session, translate)

    content = asyncio.run(_in_session(settings, work, write=False))
    try:
        out.write_bytes(content)
    except OSError as error:
        print(f"error: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    print(out)
    return 0
