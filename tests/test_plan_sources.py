"""Both ways of importing a plan keep its original file: the chat and the command line."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.config import Settings
from bot.entry.import_command import run_import
from bot.plan_import.importing import file_digest
from models.engine import create_engine, create_sessionmaker
from models.tables import Plan, PlanSource
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.fixtures.plans.documents import layouts, sample, write_docx
from tests.test_plan_import_chat import PLAN_ROWS, plan_csv, send_plan


async def test_a_plan_saved_in_the_chat_keeps_its_file(running_bot):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    content = plan_csv(PLAN_ROWS)
    preview = await send_plan(admin, content, name="plan.csv")
    admin.press(preview, text="Сохранить план")
    await admin.wait_for_edit(preview, lambda m: "сохранён" in (m.text or ""), min_edits=2)
    async with running_bot.sessionmaker() as session:
        source = await session.scalar(select(PlanSource))
        plan = await session.get(Plan, source.plan_id)
    assert (source.version, source.file_name, source.file_format) == (1, "plan.csv", "csv")
    assert source.sha256 == plan.source_sha256 == file_digest(content)
    assert (running_bot.settings.data_dir / source.stored_path).read_bytes() == content


def test_a_plan_imported_from_the_command_line_keeps_its_file(tmp_path):
    from bot.plan_import.reading import read_plan

    content = write_docx(layouts(read_plan(sample("novosibirsk"), "novosibirsk.txt")))
    path = tmp_path / "Дорожная карта.docx"
    path.write_bytes(content)
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    (tmp_path / "data").mkdir()
    for _ in range(2):  # the same file twice: one version
        assert (
            run_import(settings, path, title=None, dry_run=False, as_json=False, locale="ru") == 0
        )

    async def sources():
        engine = create_engine(settings.effective_database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                return (await session.scalars(select(PlanSource))).all()
        finally:
            await engine.dispose()

    [source] = asyncio.run(sources())
    assert (source.version, source.file_name, source.file_format) == (1, path.name, "docx")
    assert (settings.data_dir / "plans" / f"{file_digest(content)}.docx").read_bytes() == content
