"""Reports: an official sends the result documents of a measure, the coordinator accepts or
returns them; and nobody reports, reads or reviews what is not theirs."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.access import Roles
from bot.presentation.report_keyboards import (
    OpenReport,
    ReportFiles,
    ReportStart,
    ReviewAction,
    ReviewReport,
)
from bot.refusals import Refusal, Refused
from bot.report_draft import (
    MAX_DOCUMENTS,
    DocumentKind,
    DraftDocument,
    ReportDraft,
    refusal_to_report,
)
from bot.report_review import measure_is_done
from bot.report_submission import submit_report
from handlers.report_draft import ReportSend
from models.tables import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Document,
    Measure,
    Membership,
    Notification,
    Official,
    Report,
    ReportStatus,
    Role,
)
from scheduler.documents import safe_file_name
from scheduler.notifications import Delivery
from scheduler.reminder_messages import render_reminder
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import (
    COORDINATOR_A,
    COORDINATOR_B,
    OFFICIAL_A,
    OFFICIAL_B,
    STRANGER,
    World,
    make_world,
    press_forged,
    rows,
    settled,
    today,
    user,
)

PDF = b"%PDF-1.4 the order"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"
    b"\x90\x91h6"
)


@pytest.fixture
async def world(running_bot) -> World:
    created = await make_world(running_bot.sessionmaker, today(running_bot))
    # Messages from the outbox follow the language people chose: these people chose English.
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(update(Official).values(locale="en"))
    return created


# --- Pure rules ---------------------------------------------------------------------------------

A, S, R, P = (
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.SUBMITTED,
    AssignmentStatus.RETURNED,
    AssignmentStatus.IN_PROGRESS,
)


@pytest.mark.parametrize(
    ("assignments", "done"),
    [
        ([(True, A)], True),
        ([(True, A), (False, P)], True),  # the lead executor's report completes the measure
        ([(True, S), (False, A)], False),
        ([(False, A), (False, A)], True),  # no lead executor: every body's report
        ([(False, A), (False, R)], False),
        ([], False),
    ],
)
def test_a_measure_is_done_when_its_lead_executors_report_is_accepted(assignments, done):
    assert measure_is_done(assignments) is done


def test_only_an_open_assignment_of_a_live_measure_takes_a_report():
    assert refusal_to_report(P, measure_removed=False, measure_done=False) is None
    assert refusal_to_report(R, measure_removed=False, measure_done=False) is None
    assert refusal_to_report(S, measure_removed=False, measure_done=False) is (Refusal.UNDER_REVIEW)
    assert refusal_to_report(A, measure_removed=False, measure_done=False) is Refusal.ACCEPTED
    assert refusal_to_report(P, measure_removed=True, measure_done=False) is (
        Refusal.MEASURE_REMOVED
    )
    assert refusal_to_report(P, measure_removed=False, measure_done=True) is (Refusal.MEASURE_DONE)


def test_a_draft_keeps_its_files_and_comment_between_messages():
    draft = ReportDraft(
        assignment_id=3, measure_id=7, number="1.1.", title="Порядок", organization_name="Минтруд"
    )
    photo = DraftDocument("f1", "u1", DocumentKind.PHOTO, mime_type="image/jpeg")
    assert draft.attach(photo, caption="Приказ подписан") is None
    draft.add_comment("и опубликован")
    kept = ReportDraft.from_dict(draft.as_dict())
    assert kept == draft
    assert kept.has(photo) and kept.comment == "Приказ подписан\nи опубликован"


def test_a_draft_holds_at_most_ten_files_and_a_caption_too_long_is_left_out():
    draft = ReportDraft(
        assignment_id=3, measure_id=7, number="1.1.", title="Порядок", organization_name="Минтруд"
    )
    refused = draft.attach(DraftDocument("f0", "u0", DocumentKind.DOCUMENT), caption="x" * 5000)
    assert refused is not None and refused.refusal is Refusal.COMMENT_TOO_LONG
    assert len(draft.documents) == 1 and draft.comment is None
    for number in range(1, MAX_DOCUMENTS):
        draft.attach(DraftDocument(f"f{number}", f"u{number}", DocumentKind.DOCUMENT))
    with pytest.raises(Refused) as full:
        draft.attach(DraftDocument("f99", "u99", DocumentKind.DOCUMENT))
    assert full.value.refusal is Refusal.TOO_MANY_DOCUMENTS
    assert full.value.details == {"count": MAX_DOCUMENTS}
    assert len(draft.documents) == MAX_DOCUMENTS


def test_a_reminder_has_a_report_button_beside_each_own_measure():
    deadline = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    payload = {
        "timezone": "Europe/Moscow",
        "items": [
            {
                "audience": "executor",
                "measure_id": 7,
                "number": "1.1.",
                "title": "Порядок",
                "deadline": deadline,
                "result": "приказ",
            },
            {
                "audience": "head",
                "measure_id": 9,
                "number": "2.",
                "title": "Чужое",
                "deadline": deadline,
                "body": "Минтруд",
            },
        ],
    }
    delivery = Delivery(now=datetime.now(UTC))
    _, keyboard = render_reminder(payload, lambda text: text, lambda one, many, n: many, delivery)
    rows_ = keyboard.inline_keyboard
    assert [button.text for button in rows_[0]] == ["1.1. Порядок", "Report"]
    assert rows_[0][1].callback_data == ReportStart(measure_id=7).pack()
    # The requests to the coordinators on the most urgent one (bot/presentation/official_requests).
    assert [[button.text for button in row] for row in rows_[1:3]] == [
        ["Move the deadline", "Ask the coordinator"],
        ["Not our measure"],
    ]
    # Then the buttons to the complete lists: own measures due, and the bodies' late ones.
    assert [row[0].text for row in rows_[3:]] == ["All my due measures", "All overdue measures"]


async def test_submitting_is_refused_before_anything_is_written(session):
    with pytest.raises(Refused) as refused:
        await submit_report(
            session,
            Roles(official_organization_ids=frozenset({1})),
            author_id=1,
            assignment_id=1,
            comment=None,
            documents=[],
            now=datetime.now(UTC),
        )
    assert refused.value.refusal is Refusal.NO_DOCUMENTS
    document = DraftDocument("f", "u", DocumentKind.DOCUMENT)
    with pytest.raises(Refused) as refused:
        await submit_report(
            session,
            Roles(official_organization_ids=frozenset({1})),
            author_id=1,
            assignment_id=1,
            comment="x" * 5000,
            documents=[document],
            now=datetime.now(UTC),
        )
    assert refused.value.refusal is Refusal.COMMENT_TOO_LONG
    assert list(await session.scalars(select(Report))) == []


# --- In the chat --------------------------------------------------------------------------------


async def open_my_card(person, title: str, group: str = "Due within 7 days"):
    person.send_command("/my")
    overview = await person.wait_for_message("Your measures")
    button = next(text for text in overview.flat_button_texts() if text.startswith(group))
    person.press(overview, text=button)
    listing = await person.wait_for_edit(overview)
    button = next(text for text in listing.flat_button_texts() if title in text)
    person.press(listing, text=button)
    return await person.wait_for_edit(overview, lambda m: "Plan:" in (m.text or ""), min_edits=2)


async def start_draft(person, card):
    person.press(card, text="Report")
    return await person.wait_for_message("Report on measure")


async def send_report_with_file_and_photo(person, card):
    await start_draft(person, card)
    person.send_document("order.pdf", PDF, mime_type="application/pdf")
    await person.wait_for_message("Attached: 1")
    person.send_photo(PNG, caption="Приказ подписан 01.02, фото протокола")
    draft = await person.wait_for_message("Attached: 2")
    assert "Приказ подписан 01.02" in draft.text
    person.press(draft, text="Send the report")
    return await person.wait_for_edit(draft, "is sent for review")


async def the_report(running_bot) -> Report:
    reports = await rows(running_bot, Report)
    assert len(reports) == 1
    return reports[0]


async def test_an_official_reports_from_the_card_and_the_coordinator_is_told(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    coordinator = user(running_bot, COORDINATOR_A)
    other_coordinator = user(running_bot, COORDINATOR_B)
    card = await open_my_card(official, "Утверждён порядок")
    sent = await send_report_with_file_and_photo(official, card)
    assert "2 documents" in sent.text

    report = await the_report(running_bot)
    assert report.status is ReportStatus.SUBMITTED
    assert report.comment == "Приказ подписан 01.02, фото протокола"
    documents = await rows(running_bot, Document, Document.report_id == report.id)
    assert [(d.kind, d.file_name) for d in documents] == [
        ("document", "order.pdf"),
        ("photo", None),
    ]
    (assignment,) = await rows(running_bot, Assignment, Assignment.measure_id == world.feedback)
    assert assignment.status is AssignmentStatus.SUBMITTED
    (event,) = await rows(running_bot, AuditEvent, AuditEvent.action == "report_submitted")
    assert (event.entity_type, event.entity_id, event.field) == (
        "assignment",
        assignment.id,
        "status",
    )
    assert (event.old_value, event.new_value) == ("in_progress", "submitted")
    assert event.created_at == report.submitted_at

    review = await coordinator.wait_for_message("A report for review", timeout=15)
    assert "Олег Трудов" in review.text and "Минтруд" in review.text
    assert "2 documents attached" in review.text
    assert not [m for m in other_coordinator.messages if "A report for review" in (m.text or "")]

    # The card now says so, for the official and the coordinator.
    card = await open_my_card(official, "Утверждён порядок", "Under review")
    assert "Status: Under review" in card.text
    assert "Report" not in card.flat_button_texts()
    assert "Report under review: Минтруд" in card.flat_button_texts()

    # The coordinator gets the documents, as they were sent.
    coordinator.press(review, text="Documents (2)")
    files = await coordinator.wait_for_messages(
        2, lambda m: m.method in ("sendDocument", "sendPhoto"), timeout=15
    )
    assert sorted(m.method for m in files) == ["sendDocument", "sendPhoto"]
    assert all("1.1 — Минтруд" in (m.caption or "") for m in files)


async def test_a_returned_report_is_reminded_again_and_an_accepted_one_completes_the_measure(
    running_bot, world
):
    official = user(running_bot, OFFICIAL_A)
    coordinator = user(running_bot, COORDINATOR_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    review = await coordinator.wait_for_message("A report for review", timeout=15)

    coordinator.press(review, text="Return")
    await coordinator.wait_for_message("Why is the report on measure 1.1. returned?")
    coordinator.send_text("Нет подписи <руководителя> & печати")
    await coordinator.wait_for_message("is returned to Минтруд")
    returned = await official.wait_for_message("is returned by Анна Координатова", timeout=15)
    assert "Нет подписи <руководителя> & печати" in returned.text
    report = await the_report(running_bot)
    assert report.status is ReportStatus.RETURNED
    assert report.review_reason == "Нет подписи <руководителя> & печати"
    (assignment,) = await rows(running_bot, Assignment, Assignment.measure_id == world.feedback)
    assert assignment.status is AssignmentStatus.RETURNED

    # Again, from the message that returned it.
    official.press(returned, text="Report")
    await official.wait_for_message("Report on measure")
    official.send_document("order-signed.pdf", PDF + b" signed")
    draft = await official.wait_for_message("Attached: 1")
    official.press(draft, text="Send the report")
    await official.wait_for_edit(draft, "is sent for review")
    second = await coordinator.wait_for_message(
        lambda m: "A report for review" in (m.text or "") and m.message_id != review.message_id,
        timeout=15,
    )
    coordinator.press(second, text="Accept")
    confirm = await coordinator.wait_for_edit(second, "Accept the report?")
    coordinator.press(confirm, text="Accept")
    await coordinator.wait_for_edit(second, "The measure is done.", min_edits=2)
    accepted = await official.wait_for_message("is accepted by Анна Координатова", timeout=15)
    assert "The measure is done." in accepted.text

    async with running_bot.sessionmaker() as session:
        measure = await session.get(Measure, world.feedback)
        statuses = list(await session.scalars(select(Report.status).order_by(Report.id)))
    assert measure.done_on == today(running_bot)
    assert statuses == [ReportStatus.RETURNED, ReportStatus.ACCEPTED]
    reports = await rows(running_bot, Report)
    events = [
        (e.action, e.entity_type, e.entity_id, e.field, e.old_value, e.new_value, e.created_at)
        for e in await rows(
            running_bot,
            AuditEvent,
            AuditEvent.action.in_(["report_returned", "report_accepted", "measure_done"]),
        )
    ]
    assert sorted(events, key=lambda row: row[6]) == [
        (
            "report_returned",
            "report",
            reports[0].id,
            "status",
            "submitted",
            "returned",
            reports[0].reviewed_at,
        ),
        (
            "report_accepted",
            "report",
            reports[1].id,
            "status",
            "submitted",
            "accepted",
            reports[1].reviewed_at,
        ),
        (
            "measure_done",
            "measure",
            measure.id,
            "done_on",
            None,
            measure.done_on.isoformat(),
            reports[1].reviewed_at,
        ),
    ]

    # The same decision pressed again is refused, and changes nothing.
    answer = await press_forged(
        running_bot,
        coordinator,
        ReviewReport(
            action=ReviewAction.ACCEPT_CONFIRMED, report_id=(await rows(running_bot, Report))[1].id
        ).pack(),
    )
    assert answer.text == "This report has already been reviewed."


async def test_a_report_needs_a_document_and_can_be_cancelled(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    draft = await start_draft(official, card)
    official.send_text("Сделано")
    draft = await official.wait_for_message("Comment: Сделано")
    pressed = official.press(draft, text="Send the report")
    answer = await official.wait_for_callback_answer(pressed.callback_query_id)
    assert answer.text == "Attach at least one document: send it as a file or a photo."
    official.press(draft, text="Cancel")
    await official.wait_for_edit(draft, "The report is cancelled")
    assert await rows(running_bot, Report) == []
    (assignment,) = await rows(running_bot, Assignment, Assignment.measure_id == world.feedback)
    assert assignment.status is AssignmentStatus.IN_PROGRESS
    await settled(official)
    assert await rows(running_bot, Notification) == []


async def test_nobody_reports_reads_or_reviews_what_is_not_theirs(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    report = await the_report(running_bot)
    refusal = "This is not available to you."

    other_official = user(running_bot, OFFICIAL_B)
    stranger = user(running_bot, STRANGER)
    other_coordinator = user(running_bot, COORDINATOR_B)
    # Reporting on another body's measure, or a measure that does not exist.
    for person, measure_id in (
        (other_official, world.feedback),
        (stranger, world.feedback),
        (official, world.foreign),
        (official, 999_999),
    ):
        answer = await press_forged(running_bot, person, ReportStart(measure_id=measure_id).pack())
        assert answer.text == refusal, (person, measure_id)
    # Sending a draft that is not open, for someone else's assignment.
    (foreign,) = await rows(running_bot, Assignment, Assignment.measure_id == world.foreign)
    answer = await press_forged(running_bot, official, ReportSend(assignment_id=foreign.id).pack())
    assert "no longer open" in answer.text
    # Reading the report and its documents, and reviewing it.
    for person in (other_official, stranger, other_coordinator):
        for data in (
            OpenReport(report_id=report.id),
            ReportFiles(report_id=report.id),
            ReviewReport(action=ReviewAction.ACCEPT_CONFIRMED, report_id=report.id),
            ReviewReport(action=ReviewAction.RETURN, report_id=report.id),
        ):
            answer = await press_forged(running_bot, person, data.pack())
            assert answer.text == refusal, (person.id, data)
    # The author may read their report, not review it.
    answer = await press_forged(
        running_bot,
        official,
        ReviewReport(action=ReviewAction.ACCEPT_CONFIRMED, report_id=report.id).pack(),
    )
    assert answer.text == refusal
    # A report already waiting takes no second one.
    answer = await press_forged(
        running_bot, official, ReportStart(measure_id=world.feedback).pack()
    )
    assert answer.text.startswith("Your report on this measure is waiting for review")

    report = await the_report(running_bot)
    assert report.status is ReportStatus.SUBMITTED and report.reviewer_id is None
    assert not [
        m
        for person in (other_official, stranger, other_coordinator)
        for m in person.messages
        if m.method in ("sendDocument", "sendPhoto")
    ]


async def test_review_lists_the_reports_waiting_for_the_coordinator(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)

    coordinator = user(running_bot, COORDINATOR_A)
    coordinator.send_command("/review")
    listing = await coordinator.wait_for_message("1 report is waiting for review")
    (button,) = listing.flat_button_texts()
    assert "1.1." in button and "Минтруд" in button
    coordinator.press(listing, text=button)
    opened = await coordinator.wait_for_edit(listing, "Status: waiting for review")
    assert "Олег Трудов" in opened.text
    # The deadline said as everywhere: the day and the distance in working days.
    assert f"Deadline {today(running_bot):%d.%m.%Y} (today)" in opened.text.splitlines()
    assert {"Accept", "Return", "Documents (2)"} <= set(opened.flat_button_texts())

    other = user(running_bot, COORDINATOR_B)
    other.send_command("/review")
    await other.wait_for_message("No reports are waiting for review.")
    official.send_command("/review")
    await official.wait_for_message("This command is for coordinators.")


async def test_a_plan_whose_coordinator_blocked_the_bot_has_reports_go_to_administrators(
    running_bot, world
):
    async with running_bot.sessionmaker() as session, session.begin():
        coordinator = await session.scalar(
            select(Official).where(Official.telegram_id == COORDINATOR_A)
        )
        coordinator.blocked_bot_at = datetime.now(UTC)
        admin = Official(telegram_id=ADMIN_TELEGRAM_ID, first_name="Admin", locale="en")
        session.add(admin)
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    notifications = await rows(running_bot, Notification)
    assert [(n.kind, n.chat_id) for n in notifications] == [("report_submitted", ADMIN_TELEGRAM_ID)]
    await user(running_bot, ADMIN_TELEGRAM_ID).wait_for_message("A report for review", timeout=15)


# --- Local copies of the documents --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Приказ №12 от 01.02.pdf", "document", "7-Приказ _12 от 01.02.pdf"),
        ("../../etc/passwd", "document", "7-passwd"),
        ("C:\\temp\\scan.PNG", "document", "7-scan.PNG"),
        (None, "photo", "7-photo.jpg"),
        (None, "document", "7-document"),
        ("...", "document", "7-document"),
        ("x" * 300 + ".docx", "document", "7-" + "x" * 95 + ".docx"),
    ],
)
def test_document_file_names_are_safe_and_keep_the_original(name, kind, expected):
    assert safe_file_name(name, 7, kind) == expected


async def test_report_documents_are_copied_under_the_data_directory(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    fetcher = running_bot.dispatcher["document_fetcher"]
    for _ in range(50):  # the job may be fetching them at the same moment
        await fetcher.fetch_once()
        documents = await rows(running_bot, Document)
        if all(document.storage_path for document in documents):
            break
        await asyncio.sleep(0.2)
    directory = running_bot.settings.documents_dir
    contents = {
        document.kind: (directory / document.storage_path).read_bytes() for document in documents
    }
    assert contents == {"document": PDF, "photo": PNG}
    for document in documents:
        assert document.sha256 == hashlib.sha256(contents[document.kind]).hexdigest()
        assert document.size == len(contents[document.kind])
        assert document.fetched_at is not None and document.fetch_error is None
    assert not list(directory.rglob("*.part"))
    # Nothing is fetched twice.
    assert (await fetcher.fetch_once()).fetched == 0


async def test_a_file_telegram_will_not_give_is_given_up_and_logged(running_bot, world, caplog):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(
            update(Document)
            .where(Document.kind == "document")
            .values(telegram_file_id="no-such-file", storage_path=None, sha256=None)
        )
    fetcher = running_bot.dispatcher["document_fetcher"]
    await fetcher.fetch_once()
    (broken,) = await rows(running_bot, Document, Document.kind == "document")
    assert broken.storage_path is None
    assert broken.fetch_attempts == fetcher.max_attempts
    assert "TelegramBadRequest" in broken.fetch_error
    assert "could not be downloaded" in caplog.text
    assert (await fetcher.fetch_once()).failed == 0  # given up: not tried again
    assert not list(running_bot.settings.documents_dir.rglob("*.part"))


async def test_an_official_sending_a_file_without_a_report_open_is_told_how_to_report(
    running_bot, world
):
    official = user(running_bot, OFFICIAL_A)
    official.send_document("order.pdf", PDF, mime_type="application/pdf")
    await official.wait_for_message("press «Report» first")
    assert await rows(running_bot, Report) == []


async def test_pressing_report_again_keeps_the_draft_and_a_comment_can_take_several_messages(
    running_bot, world
):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await start_draft(official, card)
    official.send_document("order.pdf", PDF, mime_type="application/pdf")
    await official.wait_for_message("Attached: 1")
    official.send_text("Приказ подписан.")
    await official.wait_for_message("Comment: Приказ подписан.")
    official.send_text("Оригинал отправлен почтой.")
    draft = await official.wait_for_message("Оригинал отправлен почтой.")
    assert "Приказ подписан." in draft.text
    official.press(card, text="Report")
    again = await official.wait_for_message("Report on measure")
    assert "Attached: 1" in again.text and "Оригинал отправлен почтой." in again.text
    official.press(again, text="Send the report")
    await official.wait_for_edit(again, "is sent for review")
    report = await the_report(running_bot)
    assert report.comment == "Приказ подписан.\nОригинал отправлен почтой."
    # The copy of the draft it replaced is gone, so no second "Send" is left to press.
    assert draft.deleted


async def test_a_button_on_a_message_too_old_to_reach_still_opens_the_draft(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    await settled(official)
    query_id = "old-reminder"
    running_bot.emulator.inject_update(
        {
            "callback_query": {
                "id": query_id,
                "from": official.user_dict,
                "chat_instance": "1",
                # What Telegram sends for a message older than 48 hours.
                "message": {"chat": official.chat_dict, "message_id": 1, "date": 0},
                "data": ReportStart(measure_id=world.feedback).pack(),
            }
        }
    )
    await official.wait_for_callback_answer(query_id)
    await official.wait_for_message("Report on measure 1.1.")


async def test_a_report_of_a_body_removed_from_the_measure_can_no_longer_be_reviewed(
    running_bot, world
):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    report = await the_report(running_bot)
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(
            update(Assignment)
            .where(Assignment.measure_id == world.feedback)
            .values(valid_until=today(running_bot))
        )
    coordinator = user(running_bot, COORDINATOR_A)
    coordinator.send_command("/review")
    await coordinator.wait_for_message("No reports are waiting for review.")
    answer = await press_forged(
        running_bot,
        coordinator,
        ReviewReport(action=ReviewAction.ACCEPT_CONFIRMED, report_id=report.id).pack(),
    )
    assert answer.text.startswith("This report can no longer be reviewed")
    async with running_bot.sessionmaker() as session:
        assert (await session.get(Measure, world.feedback)).done_on is None
        assert (await session.get(Report, report.id)).status is ReportStatus.SUBMITTED


async def test_a_coordinator_who_reports_for_a_body_does_not_review_their_own_report(
    running_bot, world
):
    async with running_bot.sessionmaker() as session, session.begin():
        coordinator = await session.scalar(
            select(Official).where(Official.telegram_id == COORDINATOR_A)
        )
        session.add(
            Membership(official_id=coordinator.id, role=Role.OFFICIAL, organization_id=world.labour)
        )
        session.add(Official(telegram_id=ADMIN_TELEGRAM_ID, first_name="Admin", locale="en"))
    reporter = user(running_bot, COORDINATOR_A)
    card = await open_my_card(reporter, "Утверждён порядок")
    await send_report_with_file_and_photo(reporter, card)
    report = await the_report(running_bot)
    notifications = await rows(running_bot, Notification)
    assert [n.chat_id for n in notifications] == [ADMIN_TELEGRAM_ID]
    answer = await press_forged(
        running_bot,
        reporter,
        ReviewReport(action=ReviewAction.ACCEPT_CONFIRMED, report_id=report.id).pack(),
    )
    assert answer.text == "A report is reviewed by someone other than its author."
    reporter.send_command("/review")
    await reporter.wait_for_message("No reports are waiting for review.")
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    review = await admin.wait_for_message("A report for review", timeout=15)
    admin.press(review, text="Accept")
    confirm = await admin.wait_for_edit(review, "Accept the report?")
    admin.press(confirm, text="Accept")
    await admin.wait_for_edit(review, "The measure is done.", min_edits=2)


async def test_a_coordinator_may_think_better_of_returning_a_report(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    coordinator = user(running_bot, COORDINATOR_A)
    review = await coordinator.wait_for_message("A report for review", timeout=15)
    coordinator.press(review, text="Return")
    await coordinator.wait_for_message("Why is the report on measure 1.1. returned?")
    coordinator.send_command("/cancel")
    await coordinator.wait_for_message("Cancelled.")
    coordinator.send_text("Нет подписи")
    await coordinator.wait_for_message("I did not understand that")
    report = await the_report(running_bot)
    assert report.status is ReportStatus.SUBMITTED and report.review_reason is None
