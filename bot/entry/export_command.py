"""`python -m bot export --plan TITLE --out FILE.xlsx [--lang ru|en]`: the plan as a spreadsheet,
written without Telegram (an administrator's operation: any plan). The plan is found by its
title: exact (case aside), else the one title that contains the words; several → listed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import select

from bot.access import Roles
from bot.config import Settings
from bot.entry.translations import create_i18n
from bot.export import ExportedWorkbook, exportable_plans, plan_workbook
from bot.measure_status import StatusDates
from models.queries import live_plan
from models.tables import Plan

EXIT_FAILED = 1
EXIT_AMBIGUOUS = 2
ADMINISTRATOR = Roles(is_admin=True)


class ExportRefused(Exception):
    """No plan, or several, match the title; the message says which. `code` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def _listed(titles: list[str]) -> str:
    return "\n".join(f"  - {title}" for title in titles)


async def _export(settings: Settings, title: str, locale: str) -> ExportedWorkbook:
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    url = settings.effective_database_url
    await upgrade_database(url)
    engine = create_engine(url)
    i18n = create_i18n()
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            plans = await exportable_plans(session, ADMINISTRATOR, title)
            if not plans:
                titles = list(await session.scalars(select(Plan.title).where(live_plan())))
                raise ExportRefused(
                    f"no plan matches «{title}»"
                    + (f"; plans:\n{_listed(titles)}" if titles else "")
                )
            if len(plans) > 1:
                raise ExportRefused(
                    f"«{title}» matches several plans:\n{_listed([p.title for p in plans])}",
                    EXIT_AMBIGUOUS,
                )
            dates = StatusDates.at(settings.now(), settings.default_timezone)
            return await plan_workbook(
                session,
                ADMINISTRATOR,
                plans[0].plan_id,
                dates,
                gettext=lambda message: i18n.gettext(message, locale=locale),
                default_timezone=settings.default_timezone,
            )
    finally:
        await engine.dispose()


def run_export(settings: Settings, *, plan: str, out: Path, locale: str) -> int:
    """Writes the file and prints its path; an error is one line on stderr, exit code 1 or 2."""
    if not plan.strip():
        print("error: --plan needs words of the plan's title", file=sys.stderr)
        return EXIT_FAILED
    try:
        exported = asyncio.run(_export(settings, plan, locale))
    except ExportRefused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return refusal.code
    try:
        out.write_bytes(exported.content)
    except OSError as error:
        print(f"error: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Wrote {exported.measures} measures to {out}")
    print(out.resolve())
    return 0
