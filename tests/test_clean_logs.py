"""Logs and errors hold no secrets: the bot token never reaches a log line (aiogram puts it in
file-download URLs), a failing SQL statement names no values, and a conversation leaves no
person's name, username, file name or plan title in the logs, only ids."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from bot.entry.app import log_secrets
from bot.entry.logs import LOG_FORMAT, plain_log_records, redact_log_records
from bot.redaction import REDACTED
from models.tables import Document, Official
from tests.conftest import ADMIN_TELEGRAM_ID, TEST_TOKEN
from tests.test_coordination import OFFICIAL_A, rows, user
from tests.test_plan_import_chat import PLAN_ROWS, plan_csv
from tests.test_reports import (  # noqa: F401  (world: the reports' people and plans)
    open_my_card,
    send_report_with_file_and_photo,
    world,
)

TOKEN_SECRET = TEST_TOKEN.partition(":")[2]


@pytest.fixture
def captured(caplog, running_bot) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record of every logger, made as the bot makes them (secrets redacted)."""
    redact_log_records(log_secrets(running_bot.settings))
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        plain_log_records()


def written(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each record as a handler writes it: message, traceback and stack."""
    formatter = logging.Formatter(LOG_FORMAT)
    return [formatter.format(record) for record in caplog.records]


async def test_a_failed_file_download_logs_no_token(running_bot, captured):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, "Admin", language_code="en")
    running_bot.emulator.fail_next_downloads(1, status=404)
    admin.send_document("plan.csv", plan_csv(PLAN_ROWS), mime_type="text/csv")
    await admin.wait_for_message("went wrong")
    lines = written(captured)
    # The failure was logged with its traceback, the download URL in it, redacted.
    failure = [line for line in lines if "Traceback" in line and "/file/bot" in line]
    assert failure and all(REDACTED in line for line in failure)
    for line in lines:
        assert TOKEN_SECRET not in line and TEST_TOKEN not in line
    for record in captured.records:
        assert TOKEN_SECRET not in repr(record.__dict__)


async def test_the_token_is_redacted_in_every_form():
    redact_log_records([TEST_TOKEN])
    try:
        logger = logging.getLogger("tests.clean_logs")
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append  # type: ignore[method-assign]
        logger.addHandler(handler)
        try:
            logger.warning("GET %s failed", f"http://api/file/bot{TEST_TOKEN}/documents/1.pdf")
            logger.warning("quoted: /file/bot123456%3ATEST-token/x")
            try:
                raise RuntimeError(f"url=http://api/file/bot{TEST_TOKEN}/x")
            except RuntimeError:
                logger.exception("download failed")
            logger.warning("stack", stack_info=True, extra={"note": "no token here"})
        finally:
            logger.removeHandler(handler)
        text = "\n".join(logging.Formatter(LOG_FORMAT).format(record) for record in records)
        assert "TEST-token" not in text and REDACTED in text
        assert "bot123456:" in text  # the bot id alone is public and stays readable
    finally:
        plain_log_records()


async def test_a_failing_statement_names_no_values(engine):
    secret_name = "Засекреченная Евлампия Петровна"
    async with engine.begin() as connection:
        await connection.execute(insert(Official).values(telegram_id=555, full_name=secret_name))
    with pytest.raises(IntegrityError) as failure:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Official).values(telegram_id=555, full_name=secret_name)
            )
    assert "Засекреченная" not in str(failure.value)
    assert "555" not in str(failure.value).replace("officials", "")
    assert "hide_parameters" in str(failure.value)


async def test_a_conversation_logs_ids_not_names(running_bot, captured):
    emulator = running_bot.emulator
    admin = emulator.user(
        ADMIN_TELEGRAM_ID, "Евлампия", "Засекреченная", username="evlampia_z", language_code="ru"
    )
    admin.send_command("/start")
    await admin.wait_for_message()
    admin.send_document("Приказ Засекреченной.csv", plan_csv(PLAN_ROWS), mime_type="text/csv")
    preview = await admin.wait_for_message(lambda m: "Сохранить план?" in (m.text or ""))
    admin.press(preview, text="Сохранить план")
    await admin.wait_for_edit(preview, lambda m: "Сохранить план?" not in (m.text or ""))
    admin.send_document("Служебная записка Засекреченной.docx", os.urandom(3000))
    await admin.wait_for_message("Не удалось загрузить")
    emulator.fail_next_downloads(1)
    admin.send_document("Ещё одна Засекреченная.csv", plan_csv(PLAN_ROWS), mime_type="text/csv")
    await admin.wait_for_message("ошибка")
    admin.send_text("Меня зовут Евлампия, мой телефон +7 900 000-00-00")
    await admin.wait_for_message()
    text = "\n".join(written(captured))
    assert str(ADMIN_TELEGRAM_ID) in text  # people are named by their ids
    for personal in ("Евлампия", "Засекреченн", "evlampia_z", "клиентоцентричности", "900 000"):
        assert personal not in text, personal


@pytest.mark.usefixtures("world")
async def test_a_document_that_failed_to_download_keeps_no_token(running_bot, captured):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    running_bot.emulator.fail_next_downloads(10, status=502)
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(update(Document).values(storage_path=None, sha256=None))
    await running_bot.dispatcher["document_fetcher"].fetch_once()
    failed = [d for d in await rows(running_bot, Document) if d.fetch_error]
    assert len(failed) == 2  # the file and the photo, their errors kept
    assert not any(TOKEN_SECRET in d.fetch_error for d in failed)
    assert not any(TOKEN_SECRET in line for line in written(captured))
