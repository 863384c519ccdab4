"""`python -m bot import FILE [--title TEXT] [--dry-run] [--json] [--lang ru|en]`."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot.amendments.files import looks_like_order_file
from bot.config import Settings
from bot.entry.translations import command_gettext
from bot.plan_import import messages
from bot.plan_import.importing import import_for, summarise
from bot.plan_import.model import ImportFailure, ImportResult
from bot.plan_import.reading import read_plan
from bot.plan_import.store import StoreReport

EXIT_IMPORT_FAILED = 1


def result_json(result: ImportResult, gettext: Any) -> dict[str, Any]:
    """The contract of `--json`: plans with their measures, and the warnings."""
    return {
        "plans": [plan.to_json() for plan in result.plans],
        "warnings": [
            warning.to_json(messages.render_warning(warning, gettext))
            for warning in result.warnings
        ],
    }


def read_input(path: Path, gettext: Any) -> bytes | None:
    """The file a command was given, or None when it cannot be read (and the reason said)."""
    try:
        return path.read_bytes()
    except OSError as error:
        print(
            gettext("error: cannot read {path}: {reason}").format(
                path=path, reason=error.strerror or error
            ),
            file=sys.stderr,
        )
        return None


def run_import(
    settings: Settings,
    path: Path,
    *,
    title: str | None,
    dry_run: bool,
    as_json: bool,
    locale: str,
) -> int:
    gettext = command_gettext(locale)

    content = read_input(path, gettext)
    if content is None:
        return EXIT_IMPORT_FAILED
    if looks_like_order_file(content, path.name):
        # An amendment order changes a plan; loaded as a plan it would lose its instructions.
        print(
            gettext(
                "error: {path} is an amendment order, not a plan: apply it to its plan with "
                "python -m bot amend {path} --plan TITLE"
            ).format(path=path),
            file=sys.stderr,
        )
        return EXIT_IMPORT_FAILED
    try:
        result = read_plan(content, path.name, title=title)
    except ImportFailure as failure:
        print(
            gettext("error: {path} was not imported: {reason}").format(
                path=path, reason=messages.render_failure(failure, gettext)
            ),
            file=sys.stderr,
        )
        return EXIT_IMPORT_FAILED

    summary = sys.stderr if as_json else sys.stdout
    if as_json:
        print(json.dumps(result_json(result, gettext), ensure_ascii=False))
    else:
        print_preview(result, gettext)
    if dry_run:
        print(gettext("Dry run: nothing was saved."), file=summary)
        return 0
    report = asyncio.run(_store(settings, result, path, content))
    print_changes(report, gettext, summary)
    return 0


async def _store(
    settings: Settings, result: ImportResult, path: Path, content: bytes
) -> StoreReport:
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    url = settings.effective_database_url
    await upgrade_database(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            # The operator's command line acts for nobody in particular and may update any plan.
            return await import_for(
                session,
                result,
                importer_id=None,
                roles=None,
                file_name=path.name,
                content=content,
                data_dir=settings.data_dir,
            )
    finally:
        await engine.dispose()


def print_preview(result: ImportResult, gettext: Any) -> None:
    preview = summarise(result)
    for plan in preview.plans:
        print(
            gettext(
                "Plan «{title}»: {measures} measures, {sections} sections, {done} done, "
                "{without} without deadline, {bodies} bodies."
            ).format(
                title=plan.title,
                measures=plan.measures,
                sections=plan.sections,
                done=plan.done,
                without=plan.without_deadline,
                bodies=len(plan.bodies),
            )
        )
    print(gettext("Warnings: {count}").format(count=len(result.warnings)))
    for warning in result.warnings:
        where = messages.render_where(warning.where, gettext)
        print(f"  {where}: {messages.render_warning(warning, gettext)}")


def print_changes(report: StoreReport, gettext: Any, stream: Any) -> None:
    for plan in report.plans:
        print(
            gettext(
                "Saved «{title}»: added {added}, changed {changed}, removed {removed}, "
                "unchanged {unchanged}."
            ).format(
                title=plan.title,
                added=len(plan.added),
                changed=len(plan.changed),
                removed=len(plan.removed),
                unchanged=plan.unchanged,
            ),
            file=stream,
        )
        for label, numbers in (
            (gettext("Added"), plan.added),
            (gettext("Changed"), plan.changed),
            (gettext("Removed"), plan.removed),
            (gettext("Restored"), plan.restored),
        ):
            if numbers:
                print(f"  {label}: {', '.join(numbers)}", file=stream)
    if report.organizations_created:
        print(
            gettext("New bodies: {count}.").format(count=len(report.organizations_created)),
            file=stream,
        )
