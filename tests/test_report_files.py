"""Report files: accepted by what they are, not by their names; within size limits; who was
sent which document is recorded; pressing «Documents» again starts no second send."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest
from docx import Document as WordDocument
from openpyxl import Workbook
from PIL import Image

from bot.refusals import Refusal, Refused
from bot.report_files import FileKind, ReportLimits, check_size, file_kind
from models.tables import AuditEvent, Document, Official
from tests.conftest import TEST_TOKEN
from tests.test_coordination import COORDINATOR_A, OFFICIAL_A, rows, user
from tests.test_reports import (
    PDF,
    open_my_card,
    send_report_with_file_and_photo,
    start_draft,
    the_report,
)
from tests.test_reports import world as reports_world

world = reports_world  # the same people and plans as the report tests
MB = 1024 * 1024


def word_file() -> bytes:
    document = WordDocument()
    document.add_paragraph("Приказ № 12 об утверждении порядка")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def excel_file() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Показатель", "Значение"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def open_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def image(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format=format_name)
    return buffer.getvalue()


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scan1.pdf", PDF)
    return buffer.getvalue()


OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: PDF, FileKind.PDF),
        (word_file, FileKind.OFFICE),
        (excel_file, FileKind.OFFICE),
        (open_document, FileKind.OPEN_DOCUMENT),
        (lambda: OLE2_HEADER, FileKind.OFFICE_LEGACY),
        (lambda: image("JPEG"), FileKind.IMAGE),
        (lambda: image("PNG"), FileKind.IMAGE),
        (lambda: image("GIF"), FileKind.IMAGE),
        (lambda: image("WEBP"), FileKind.IMAGE),
        (lambda: image("TIFF"), FileKind.IMAGE),
        (lambda: b"\x00\x00\x00\x18ftypheic" + bytes(16), FileKind.IMAGE),
        (zip_archive, FileKind.ZIP),
        (lambda: "Акт приёмки работ\r\nПодписан".encode(), FileKind.TEXT),
        (lambda: "Акт приёмки работ\r\nПодписан".encode("cp1251"), FileKind.TEXT),
        (lambda: "Акт приёмки".encode("utf-16"), FileKind.TEXT),
    ],
    ids=[
        "pdf",
        "docx",
        "xlsx",
        "odt",
        "doc",
        "jpeg",
        "png",
        "gif",
        "webp",
        "tiff",
        "heic",
        "zip",
        "utf-8 text",
        "cp1251 text",
        "utf-16 text",
    ],
)
def test_allowed_files_are_told_by_their_content(make, kind):
    assert file_kind(make()) is kind


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100),  # a Windows program
        b"\x7fELF\x02\x01\x01" + bytes(100),  # a Linux program
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"Rar!\x1a\x07\x00" + bytes(50),
        b"PK\x03\x04" + bytes(60),  # a broken zip
        bytes(range(256)) * 4,
        b"",
    ],
    ids=["exe", "elf", "html", "svg", "rar", "broken zip", "binary", "empty"],
)
def test_anything_else_is_refused_whatever_its_name(content):
    with pytest.raises(Refused) as caught:
        file_kind(content)
    assert caught.value.refusal is Refusal.FILE_TYPE_NOT_ALLOWED


def test_a_file_and_a_report_have_size_limits():
    limits = ReportLimits.in_mb(20, 50)
    check_size(20 * 1024 * 1024, [20 * 1024 * 1024], limits)
    with pytest.raises(Refused) as caught:
        check_size(20 * 1024 * 1024 + 1, [], limits)
    assert caught.value.refusal is Refusal.FILE_TOO_LARGE
    assert caught.value.details == {"size_mb": "20", "limit_mb": "20"}
    with pytest.raises(Refused) as caught:
        check_size(15 * 1024 * 1024, [20 * 1024 * 1024, 20 * 1024 * 1024], limits)
    assert (caught.value.refusal, caught.value.details) == (
        Refusal.REPORT_TOO_LARGE,
        {"limit_mb": "50"},
    )


# --- In the chat --------------------------------------------------------------------------------


async def test_a_program_named_pdf_is_not_attached_and_text_is(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await start_draft(official, card)
    official.send_document("приказ.pdf", b"MZ\x90\x00" + bytes(200), mime_type="application/pdf")
    refused = await official.wait_for_message("was not attached")
    assert "PDF, Word, Excel or OpenDocument" in refused.text
    official.send_document("акт.txt", "Акт приёмки работ".encode("cp1251"))
    draft = await official.wait_for_message("Attached: 1")
    assert "акт.txt" in draft.text and "приказ.pdf" not in draft.text


async def test_a_file_over_the_limit_is_not_attached(running_bot, world):
    running_bot.settings.report_file_max_mb = 1
    running_bot.settings.report_max_mb = 2
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await start_draft(official, card)
    official.send_document("big.pdf", PDF + bytes(MB + MB // 2))
    refused = await official.wait_for_message("was not attached")
    assert "it is 1.5 MB, a report file may be at most 1 MB" in refused.text
    for number in (1, 2):
        official.send_document(f"{number}.pdf", PDF + str(number).encode() + bytes(MB * 8 // 10))
        await official.wait_for_message(f"Attached: {number}")
    official.send_document("3.pdf", PDF + b"3" + bytes(MB * 8 // 10))
    refused = await official.wait_for_message("was not attached")
    assert "at most 2 MB together" in refused.text


async def test_who_was_sent_which_document_is_recorded_and_a_second_press_sends_nothing_more(
    running_bot, world
):
    official = user(running_bot, OFFICIAL_A)
    coordinator = user(running_bot, COORDINATOR_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    review = await coordinator.wait_for_message("A report for review", timeout=15)

    # Telegram asks the bot to wait 3 s before the first file: the send is under way meanwhile.
    running_bot.emulator.fail_next("sendDocument", 429, retry_after=3, chat_id=coordinator.id)
    first = coordinator.press(review, text="Documents (2)")
    answer = await coordinator.wait_for_callback_answer(first.callback_query_id)
    assert answer.text == "Sending the documents…"
    second = coordinator.press(review, text="Documents (2)")
    answer = await coordinator.wait_for_callback_answer(second.callback_query_id)
    assert answer.text == "The documents are on their way already."
    await coordinator.wait_for_messages(
        2, lambda m: m.method in ("sendDocument", "sendPhoto"), timeout=15
    )
    background = running_bot.dispatcher["background"]
    for _ in range(100):  # the send ends just after its last file
        if not background.running:
            break
        await asyncio.sleep(0.02)
    coordinator.press(review, text="Documents (2)")  # once they are sent, again
    await coordinator.wait_for_messages(
        2, lambda m: m.method in ("sendDocument", "sendPhoto"), timeout=15
    )
    sent = [m for m in coordinator.messages if m.method in ("sendDocument", "sendPhoto")]
    assert len(sent) == 4

    report = await the_report(running_bot)
    documents = await rows(running_bot, Document, Document.report_id == report.id)
    (person,) = await rows(running_bot, Official, Official.telegram_id == COORDINATOR_A)
    events = await rows(running_bot, AuditEvent, AuditEvent.action == "document_sent")
    assert {(event.actor_id, event.entity_type) for event in events} == {(person.id, "documents")}
    assert {event.entity_id for event in events} == {document.id for document in documents}
    assert {event.new_value for event in events} == {"order.pdf", "photo"}
    assert len(events) == 4  # two sends of two documents; the refused press sent nothing


async def test_a_file_the_bot_cannot_download_is_not_attached_and_the_log_keeps_no_token(
    running_bot, world, caplog
):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await start_draft(official, card)
    running_bot.emulator.fail_next("getFile", 400, description="Bad Request: file is too big")
    official.send_document("scan.pdf", PDF)
    refused = await official.wait_for_message("was not attached")
    assert "could not download it" in refused.text
    assert "could not be downloaded to check it" in caplog.text
    assert TEST_TOKEN.split(":")[1] not in caplog.text
    official.send_document("scan.pdf", PDF)  # sent again, it is attached
    await official.wait_for_message("Attached: 1")
