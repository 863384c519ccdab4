"""`python -m bot amend FILE --plan TITLE [--dry-run] [--json]`: the preview as the issue's
JSON, applied unless a dry run, and a plan it cannot name refused with the plans listed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import func, select

from bot.amendments import files
from bot.config import Settings
from bot.entry.amend_command import run_amend
from bot.entry.import_command import EXIT_IMPORT_FAILED, run_import
from models.engine import create_engine, create_sessionmaker
from models.migrations import upgrade_database
from models.tables import PlanVersion, VersionKind
from tests.amendment_plans import ACT_TITLE, build_omsk_act, build_plans, order_329, person


def in_database(settings: Settings, work):
    async def run():
        await upgrade_database(settings.effective_database_url)
        engine = create_engine(settings.effective_database_url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


async def order_versions(session) -> int:
    return await session.scalar(
        select(func.count()).select_from(PlanVersion).where(PlanVersion.kind == VersionKind.ORDER)
    )


def test_the_command_line_prints_the_json_and_applies_unless_a_dry_run(
    tmp_path, monkeypatch, capsys
):
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    (tmp_path / "data").mkdir()
    in_database(settings, lambda session: build_plans(session, None))
    monkeypatch.setattr(files, "read_order_file", lambda content, name: order_329())
    path = tmp_path / "329-рп.txt"
    path.write_text("РАСПОРЯЖЕНИЕ")

    def amend(*, dry_run: bool, plan: str | None = ACT_TITLE.upper()) -> int:
        return run_amend(settings, path, plan=plan, dry_run=dry_run, as_json=True, locale="ru")

    assert amend(dry_run=True) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"order", "changes", "successors", "appendices", "not_applied"}
    assert shown["order"] == {"number": "329-рп", "date": "2024-11-28"}
    assert set(shown["changes"][0]) == {"row", "field", "action", "before", "after"}
    assert set(shown["successors"][0]) == {"body", "successor", "from"}
    assert shown["appendices"] == [
        {"number": "29", "title": order_329().appendices[0].title, "measures": 2}
    ]
    assert set(shown["not_applied"][0]) == {"text", "reason"}
    assert in_database(settings, order_versions) == 0

    assert amend(dry_run=False) == 0
    applied = in_database(settings, order_versions)
    assert applied >= 2  # the act and the appendices whose titles changed
    assert amend(dry_run=False) == 0  # twice: nothing more
    assert in_database(settings, order_versions) == applied

    assert amend(dry_run=True, plan="Нет такого плана") == 1
    assert ACT_TITLE in capsys.readouterr().err


SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "omsk-order-329rp-2024.txt"


async def omsk_act(session) -> None:
    coordinator = await person(session, 7001, "Анна Координатор")
    await build_omsk_act(session, coordinator.id)


def test_the_omsk_order_file_is_applied_once_and_never_imported_as_a_plan(tmp_path, capsys):
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    (tmp_path / "data").mkdir()
    in_database(settings, omsk_act)

    def amend() -> int:
        return run_amend(settings, SEED, plan=ACT_TITLE, dry_run=False, as_json=True, locale="ru")

    assert amend() == 0
    shown = json.loads(capsys.readouterr().out)
    assert (len(shown["changes"]), len(shown["successors"]), len(shown["not_applied"])) == (8, 5, 1)
    # A version of the act and of each plan it changed (five appendices and № 29 added).
    assert in_database(settings, order_versions) == 7
    assert amend() == 0
    assert in_database(settings, order_versions) == 7  # the same order again: nothing

    # Loaded as a plan, the order would drop its instructions: the import refuses and says how.
    assert (
        run_import(settings, SEED, title=None, dry_run=True, as_json=False, locale="ru")
        == EXIT_IMPORT_FAILED
    )
    assert "python -m bot amend" in capsys.readouterr().err
