"""Evidence by document type in the chat: an official reports an order by its number and date,
with a file, or — where the plan allows it — without one; the coordinator sees the requisites
in the review message, the report and the export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import update

from bot.access import Roles
from bot.export import plan_workbook
from bot.measure_status import StatusDates
from models.tables import Measure, Report, ReportStatus
from tests import test_reports
from tests.test_coordination import COORDINATOR_A, OFFICIAL_A, rows, user
from tests.test_export import english, rows_of
from tests.test_reports import PDF, open_my_card, start_draft

world = test_reports.world  # the fixture: plan A with its people, who speak English

ORDER_RESULT = "Приказ (распоряжение) об утверждении порядка обратной связи"
ORDER_LINE = "Order or directive № 123 of 01.03.2025"


async def expect_an_order(running_bot, measure_id: int, result: str = ORDER_RESULT) -> None:
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(update(Measure).where(Measure.id == measure_id).values(result=result))


async def give_order_requisites(official, draft):
    """«Document requisites» on the draft: the plan expects an order, so its number is asked
    straight away; number and date typed together."""
    official.press(draft, text="Document requisites")
    asked = await official.wait_for_message("Order or directive")
    assert "Write the document's number" in asked.text
    official.send_text("приказ № 123 от 01.03.2025")
    return asked


async def exported_rows(running_bot, world) -> dict[str, dict[str, object]]:
    async with running_bot.sessionmaker() as session:
        exported = await plan_workbook(
            session,
            Roles(coordinator_plan_ids=frozenset({world.plan_a})),
            world.plan_a,
            StatusDates.at(datetime.now(UTC), "Europe/Moscow"),
            gettext=english,
        )
    sheet = load_workbook(io.BytesIO(exported.content))["Measures"]
    return {str(row["No."]): row for row in rows_of(sheet)}


async def test_an_official_reports_an_order_by_number_and_date_with_its_file(running_bot, world):
    await expect_an_order(running_bot, world.feedback)
    official = user(running_bot, OFFICIAL_A)
    coordinator = user(running_bot, COORDINATOR_A)
    card = await open_my_card(official, "Утверждён порядок")
    draft = await start_draft(official, card)
    assert "Requisites: not given; the plan expects: Order or directive" in draft.text

    await give_order_requisites(official, draft)
    draft = await official.wait_for_message(f"Requisites: {ORDER_LINE}")
    official.send_document("order.pdf", PDF, mime_type="application/pdf")
    draft = await official.wait_for_message("Attached: 1")
    assert f"Requisites: {ORDER_LINE}" in draft.text
    official.press(draft, text="Send the report")
    await official.wait_for_edit(draft, "is sent for review")

    (report,) = await rows(running_bot, Report)
    assert (report.evidence_kind, report.evidence_number, report.evidence_date) == (
        "order",
        "123",
        date(2025, 3, 1),
    )
    assert report.evidence_reference is None

    review = await coordinator.wait_for_message("A report for review", timeout=15)
    assert f"Requisites: {ORDER_LINE}" in review.text
    assert "1 document attached" in review.text
    coordinator.press(review, text="Open the report")
    opened = await coordinator.wait_for_edit(review, "Report on measure")
    assert f"Requisites: {ORDER_LINE}" in opened.text

    exported = await exported_rows(running_bot, world)
    assert exported["1.1."]["Evidence (requisites)"] == ORDER_LINE
    assert exported["1.1."]["Documents"] == "order.pdf"


async def test_a_wrong_requisite_is_asked_again_politely(running_bot, world):
    await expect_an_order(running_bot, world.feedback)
    official = user(running_bot, OFFICIAL_A)
    draft = await start_draft(official, await open_my_card(official, "Утверждён порядок"))
    official.press(draft, text="Document requisites")
    await official.wait_for_message("Write the document's number")
    official.send_text("123-р")
    asked = await official.wait_for_message("Write the document's date")
    official.send_text("31.02.2025")
    await official.wait_for_message("Please write the date as day, month and year")
    official.send_text("01.03.2025")
    draft = await official.wait_for_message("Requisites: Order or directive № 123-р of 01.03.2025")
    assert asked is not None and "Send the report" in draft.flat_button_texts()


async def test_without_a_file_only_where_the_plan_allows_it(running_bot, world):
    await expect_an_order(running_bot, world.feedback)
    official = user(running_bot, OFFICIAL_A)
    coordinator = user(running_bot, COORDINATOR_A)
    draft = await start_draft(official, await open_my_card(official, "Утверждён порядок"))
    await give_order_requisites(official, draft)
    draft = await official.wait_for_message(f"Requisites: {ORDER_LINE}")

    # The plan wants the file: refused, the draft stays open with its requisites.
    pressed = official.press(draft, text="Send the report")
    answer = await official.wait_for_callback_answer(pressed.callback_query_id)
    assert answer.text.startswith("This plan's reports need the document's file")
    assert await rows(running_bot, Report) == []

    # The coordinator allows requisites without a file for the plan.
    coordinator.send_command("/evidence")
    settings = await coordinator.wait_for_message("Reports without a file")
    assert "off" in settings.text
    button = next(text for text in settings.flat_button_texts() if text.endswith("Allow"))
    coordinator.press(settings, text=button)
    settings = await coordinator.wait_for_edit(settings, lambda m: ": on" in (m.text or ""))

    # Without the document system's reference the requisites are not enough.
    pressed = official.press(draft, text="Send the report")
    answer = await official.wait_for_callback_answer(pressed.callback_query_id)
    assert answer.text.startswith("Without a file, the report needs all the document's")

    await give_order_requisites(official, draft)
    await official.wait_for_message("reference in the region's document system")
    official.send_text("01-12/345")
    draft = await official.wait_for_message("in the document system: 01-12/345")
    assert "This plan accepts a report without a file" in draft.text
    official.press(draft, text="Send the report")
    sent = await official.wait_for_edit(draft, "is sent for review")
    assert "0 documents" in sent.text

    (report,) = await rows(running_bot, Report)
    assert report.status is ReportStatus.SUBMITTED
    assert report.evidence_reference == "01-12/345"
    review = await coordinator.wait_for_message("A report for review", timeout=15)
    expected = f"Requisites: {ORDER_LINE}, in the document system: 01-12/345"
    assert expected in review.text
    assert "No file: the plan accepts the requisites without one." in review.text
    assert "Documents (" not in " ".join(review.flat_button_texts())
    exported = await exported_rows(running_bot, world)
    assert exported["1.1."]["Evidence (requisites)"] == (
        f"{ORDER_LINE}, in the document system: 01-12/345"
    )


async def test_an_unknown_document_is_picked_from_buttons_and_every_step_may_be_skipped(
    running_bot, world
):
    await expect_an_order(running_bot, world.feedback, "Медиаплан информационной кампании")
    official = user(running_bot, OFFICIAL_A)
    draft = await start_draft(official, await open_my_card(official, "Утверждён порядок"))
    official.press(draft, text="Document requisites")
    kinds = await official.wait_for_message("Which document proves the measure?")
    assert kinds.flat_button_texts()[:3] == [
        "Order or directive",
        "Regulatory legal act",
        "Minutes",
    ]
    official.press(kinds, text="Publication on a website")
    await official.wait_for_message("Send the link")
    official.send_text("nso.ru/news/1")
    await official.wait_for_message("starts with http:// or https://")
    official.send_text("https://nso.ru/news/1?a=1&b=<2>")
    draft = await official.wait_for_message("Requisites: Publication on a website")
    # Sent as HTML, escaped: Telegram (the emulator) shows it as typed.
    assert "https://nso.ru/news/1?a=1&b=<2>" in draft.text
    official.press(draft, text="Document requisites")
    kinds = await official.wait_for_message("Which document proves the measure?")
    official.press(kinds, text="Other document")
    asked = await official.wait_for_message("Write the document's number")
    official.press(asked, text="Skip")
    asked = await official.wait_for_message("Write the document's date")
    official.press(asked, text="Back to the report")
    draft = await official.wait_for_message("Report on measure")
    assert "Requisites: not given (press" in draft.text
