"""End to end with the real bot process: reminders arrive once, survive restarts and
Telegram's errors, and a blocked official is reported to the coordinator."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from models.engine import create_engine, create_sessionmaker
from models.migrations import upgrade_database
from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
)
from tests.test_e2e_officials import database_url
from tests.test_e2e_process import BotProcess, wait_until_polling

# The bot's clock is shifted to Wednesday 14 May 2025, 10:00 in Moscow: a working morning.
WORKING_MORNING = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)
OFFICIAL, COORDINATOR = 930_000_001, 930_000_002


async def seed(url: str) -> None:
    await upgrade_database(url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        plan = Plan(title="План Томской области")
        body = Organization(full_name="Департамент ЗАГС", name_key="департамент загс")
        official = Official(telegram_id=OFFICIAL, first_name="Анна", last_name="Петрова")
        coordinator = Official(telegram_id=COORDINATOR, first_name="Ирина", last_name="Орлова")
        session.add_all([plan, body, official, coordinator])
        await session.flush()
        session.add_all(
            [
                Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=body.id),
                Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id),
            ]
        )
        measure = Measure(
            plan_id=plan.id,
            number="2.1.",
            number_key="2.1",
            sort_key="00002.00001",
            title="Утвержден регламент приёма заявлений",
            deadline=date(2025, 5, 15),
            deadline_text="15.05.2025",
            result="приказ",
        )
        session.add(measure)
        await session.flush()
        session.add(Assignment(measure_id=measure.id, organization_id=body.id, is_lead=True))
    await engine.dispose()


def reminder_env(env: dict[str, str]) -> dict[str, str]:
    shift = (WORKING_MORNING - datetime.now(UTC)).total_seconds()
    return {
        **env,
        "CLOCK_SHIFT_SECONDS": str(shift),
        "REMINDER_SCAN_SECONDS": "1",
        "OUTBOX_DRAIN_SECONDS": "0.5",
        "DOCUMENT_FETCH_SECONDS": "1",
    }


def reminders_to(emulator, chat_id: int) -> list:
    return [m for m in emulator.messages(chat_id) if "Сроки ваших мероприятий" in (m.text or "")]


async def test_a_reminder_arrives_once_and_a_restart_sends_no_more(
    emulator, bot_process_env, tmp_path
):
    env = reminder_env(bot_process_env)
    await seed(database_url(env))
    official = emulator.user(OFFICIAL, first_name="Анна", last_name="Петрова")
    coordinator = emulator.user(COORDINATOR, first_name="Ирина")
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        reminder = await official.wait_for_message("Сроки ваших мероприятий", timeout=30)
        assert "2.1. Утвержден регламент приёма заявлений" in reminder.text
        assert "Срок 15.05.2025" in reminder.text and "приказ" in reminder.text
        assert official.emulator.button_texts(reminder)[0][0].startswith("2.1.")
        await asyncio.sleep(4)  # several scans and drains
        assert len(reminders_to(emulator, OFFICIAL)) == 1
        assert await process.stop() == 0

        await process.start()
        await wait_until_polling(emulator, process)
        # The reminder's "Report" button, pressed after the restart: the report reaches the
        # coordinator, and the measure is reminded no more.
        official.press(reminder, text="Отчитаться")
        await official.wait_for_message("Отчёт по мероприятию 2.1.", timeout=30)
        official.send_document("приказ.pdf", b"%PDF-1.4 order", mime_type="application/pdf")
        draft = await official.wait_for_message("Приложено: 1", timeout=30)
        official.press(draft, text="Отправить отчёт")
        await official.wait_for_edit(draft, "отправлен на проверку", timeout=30)
        review = await coordinator.wait_for_message("Отчёт на проверку", timeout=30)
        assert "Департамент ЗАГС" in review.text and "Анна Петрова" in review.text
        engine = create_engine(database_url(env))
        async with create_sessionmaker(engine)() as session:
            assignment = await session.scalar(select(Assignment))
        await engine.dispose()
        assert assignment.status is AssignmentStatus.SUBMITTED
        await asyncio.sleep(5)
        assert len(reminders_to(emulator, OFFICIAL)) == 1
        # Meanwhile the document was copied under DATA_DIR.
        (copy,) = (Path(env["DATA_DIR"]) / "documents").rglob("*приказ.pdf")
        assert copy.read_bytes() == b"%PDF-1.4 order"
        assert await process.stop() == 0
    finally:
        process.kill()
    assert "Traceback" not in process.output()


async def test_telegram_errors_still_deliver_once_and_a_blocked_official_is_reported(
    emulator, bot_process_env, tmp_path
):
    env = reminder_env(bot_process_env)
    await seed(database_url(env))
    official = emulator.user(OFFICIAL, first_name="Анна", last_name="Петрова")
    coordinator = emulator.user(COORDINATOR, first_name="Ирина")
    emulator.fail_next("sendMessage", 429, retry_after=1, chat_id=OFFICIAL)
    emulator.fail_next("sendMessage", 500, chat_id=OFFICIAL)
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        await official.wait_for_message("Сроки ваших мероприятий", timeout=40)
        await asyncio.sleep(3)
        assert len(reminders_to(emulator, OFFICIAL)) == 1
        statuses = [
            c.status
            for c in emulator.calls_to("sendMessage")
            if c.params.get("chat_id") == OFFICIAL
        ]
        assert statuses[:3] == [429, 500, 200]
        assert await process.stop() == 0

        # Next day: the official has blocked the bot; the coordinator hears of it.
        official.block_bot()
        later = {**env, "CLOCK_SHIFT_SECONDS": str(float(env["CLOCK_SHIFT_SECONDS"]) + 86_400)}
        process = BotProcess(later, tmp_path / "bot2.log")
        await process.start()
        await wait_until_polling(emulator, process)
        notice = await coordinator.wait_for_message("заблокировал", timeout=40)
        assert "Анна Петрова" in notice.text and "Департамент ЗАГС" in notice.text
        await asyncio.sleep(3)
        # The coordinator's messages include the weekly digest's chart (a photo, no text).
        texts = [m.text or "" for m in emulator.messages(COORDINATOR)]
        assert len([text for text in texts if "заблокировал" in text]) == 1
        assert await process.stop() == 0
    finally:
        process.kill()
