"""`python -m bot amend FILE --plan TITLE [--dry-run] [--json] [--lang ru|en]`."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.amendments import files
from bot.amendments.applying import AmendmentPreview, apply_order, preview_order, title_key
from bot.amendments.order import AmendmentOrder
from bot.amendments.wording import preview_lines
from bot.config import Settings
from bot.entry.import_command import read_input
from bot.entry.translations import command_gettext
from models.queries import live_plan
from models.tables import Plan

EXIT_AMEND_FAILED = 1
OPERATOR = Roles(is_admin=True)  # the command line acts for the operator, who may amend any plan


@dataclass(frozen=True, slots=True)
class _Outcome:
    preview: AmendmentPreview | None
    plans: list[str]  # the plans named so, or every plan, when the title found not one
    applied: bool = False


def run_amend(
    settings: Settings,
    path: Path,
    *,
    plan: str | None,
    dry_run: bool,
    as_json: bool,
    locale: str,
) -> int:
    gettext = command_gettext(locale)

    content = read_input(path, gettext)
    if content is None:
        return EXIT_AMEND_FAILED
    try:
        order = files.read_order_file(content, path.name)
    except files.OrderNotRead as failure:
        print(
            gettext("error: {path} is not an amendment order: {reason}").format(
                path=path, reason=failure.reason
            ),
            file=sys.stderr,
        )
        return EXIT_AMEND_FAILED
    outcome = asyncio.run(_amend(settings, order, plan, path.name, dry_run=dry_run))
    if outcome.preview is None:
        print(gettext("error: name the plan with --plan; plans:"), file=sys.stderr)
        for title in outcome.plans:
            print(f"  {title}", file=sys.stderr)
        return EXIT_AMEND_FAILED
    summary = sys.stderr if as_json else sys.stdout
    if as_json:
        print(json.dumps(outcome.preview.to_json(), ensure_ascii=False))
    else:
        for line in preview_lines(outcome.preview, gettext):
            print(line)
    if dry_run:
        print(gettext("Dry run: nothing was saved."), file=summary)
    elif outcome.applied:
        print(gettext("The order was applied."), file=summary)
    return 0


async def _amend(
    settings: Settings, order: AmendmentOrder, title: str | None, file_name: str, *, dry_run: bool
) -> _Outcome:
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    url = settings.effective_database_url
    await upgrade_database(url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await amend_in(session, order, title, file_name, dry_run=dry_run, now=now)
    finally:
        await engine.dispose()


async def amend_in(
    session: AsyncSession,
    order: AmendmentOrder,
    title: str | None,
    file_name: str,
    *,
    dry_run: bool,
    now: datetime,
) -> _Outcome:
    """The preview (and, unless a dry run, the order applied) in the caller's transaction."""
    plans = list(await session.execute(select(Plan.id, Plan.title).where(live_plan())))
    named = [
        plan_id
        for plan_id, plan_title in plans
        if title and title_key(plan_title) == title_key(title)
    ]
    plan_id = named[0] if len(named) == 1 else None
    if title and plan_id is None:
        return _Outcome(None, [plan_title for _, plan_title in plans])
    preview = await preview_order(session, OPERATOR, order, plan_id=plan_id, today=now.date())
    if preview.plan is None:
        return _Outcome(None, [choice.title for choice in preview.candidates])
    if dry_run or preview.applied_before is not None:
        return _Outcome(preview, [])
    applied = await apply_order(
        session,
        OPERATOR,
        order,
        plan_id=preview.plan.plan_id,
        actor_id=None,
        today=now.date(),
        now=now,
        file_name=file_name,
    )
    return _Outcome(applied.preview, [], applied=applied.changed)
