"""End to end with the real bot process: a conversation survives the bot being killed.

The process is killed with SIGKILL (no graceful stop, nothing flushed) in the middle of a
report with two files, and in front of a previewed plan; started again, it carries on where the
person left off."""

from __future__ import annotations

import signal

from sqlalchemy import func, select

from models.engine import create_engine, create_sessionmaker
from models.tables import Assignment, AssignmentStatus, Document, Measure, Plan, Report
from tests.test_e2e_officials import database_url
from tests.test_e2e_process import BotProcess, wait_until_polling
from tests.test_e2e_reminders import COORDINATOR, OFFICIAL, reminder_env, seed
from tests.test_plan_import_chat import PLAN_ROWS, plan_csv

AFTER_RESTART = 60.0  # the new process imports aiogram and migrates first


async def kill_and_start_again(emulator, process: BotProcess) -> None:
    """SIGKILL, then a new process; the next message waits for it to poll."""
    assert await process.stop(signal.SIGKILL) == -signal.SIGKILL
    await process.start()
    await wait_until_polling(emulator, process)


async def rows_of(url: str, statement):
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return (await session.execute(statement)).all()
    finally:
        await engine.dispose()


async def test_a_report_with_two_files_is_finished_after_the_bot_was_killed(
    emulator, bot_process_env, tmp_path
):
    env = reminder_env(bot_process_env)
    url = database_url(env)
    await seed(url)
    official = emulator.user(OFFICIAL, first_name="Анна", last_name="Петрова")
    coordinator = emulator.user(COORDINATOR, first_name="Ирина")
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        reminder = await official.wait_for_message("Сроки ваших мероприятий", timeout=30)
        official.press(reminder, text="Отчитаться")
        await official.wait_for_message("Отчёт по мероприятию 2.1.", timeout=30)
        official.send_document("приказ.pdf", b"%PDF-1.4 order", mime_type="application/pdf")
        await official.wait_for_message("Приложено: 1", timeout=30)
        official.send_document("протокол.pdf", b"%PDF-1.4 protocol", mime_type="application/pdf")
        await official.wait_for_message("Приложено: 2", timeout=30)

        await kill_and_start_again(emulator, process)

        # The same draft: the comment joins the two files sent before the kill.
        official.send_text("Приказ подписан, протокол приложен")
        draft = await official.wait_for_message("Приложено: 2", timeout=AFTER_RESTART)
        assert "приказ.pdf" in draft.text and "протокол.pdf" in draft.text
        assert "Приказ подписан, протокол приложен" in draft.text
        official.press(draft, text="Отправить отчёт")
        await official.wait_for_edit(draft, "отправлен на проверку", timeout=30)
        review = await coordinator.wait_for_message("Отчёт на проверку", timeout=30)
        assert "Анна Петрова" in review.text
        assert await process.stop() == 0
    finally:
        process.kill()
    ((status,),) = await rows_of(url, select(Assignment.status))
    assert status is AssignmentStatus.SUBMITTED
    ((comment,),) = await rows_of(url, select(Report.comment))
    assert comment == "Приказ подписан, протокол приложен"
    names = await rows_of(url, select(Document.file_name).order_by(Document.id))
    assert [name for (name,) in names] == ["приказ.pdf", "протокол.pdf"]
    assert "Traceback" not in process.output()


async def test_a_previewed_plan_is_saved_after_the_bot_was_killed(
    emulator, bot_process_env, tmp_path
):
    env = reminder_env(bot_process_env)
    url = database_url(env)
    await seed(url)
    coordinator = emulator.user(COORDINATOR, first_name="Ирина")
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        coordinator.send_document("plan.csv", plan_csv(PLAN_ROWS), mime_type="text/csv")
        status = await coordinator.wait_for_message("plan.csv", timeout=30)
        preview = await coordinator.wait_for_edit(status, "Сохранить план?", timeout=60)
        edits = preview.edit_count

        await kill_and_start_again(emulator, process)

        coordinator.press(preview, text="Сохранить план")
        saved = await coordinator.wait_for_edit(
            preview, "сохранён", timeout=AFTER_RESTART, min_edits=edits + 1
        )
        assert "3 мероприят" in saved.text
        assert saved.reply_markup is None
        assert await process.stop() == 0
    finally:
        process.kill()
    plans = await rows_of(url, select(Plan.title).order_by(Plan.id))
    assert ("План мероприятий по внедрению клиентоцентричности",) in plans
    ((count,),) = await rows_of(url, select(func.count(Measure.id)))
    assert count == 1 + 3  # the seeded measure and the plan's three
    assert "Traceback" not in process.output()
