"""An official asks the plan's coordinators a question, or says a measure is not their body's,
from the measure's card; the coordinator answers, passes the measure to another body or keeps
it with an answer; the official is told; the card shows the plan's coordinators and the
history. And nobody asks or answers on what is not theirs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.entry.translations import create_i18n
from bot.measure_questions import ANSWER_LIMIT, QUESTION_LIMIT
from bot.notification_kinds import MeasureQuestionNotice, QuestionAnsweredNotice
from bot.presentation.fits import message_fits
from bot.presentation.official_requests import OfficialRequest, RequestKind
from bot.presentation.question_keyboards import ClaimBody, QuestionReply, ReplyVerb
from models.tables import (
    Assignment,
    Measure,
    MeasureQuestion,
    Notification,
    Official,
    QuestionKind,
    QuestionOutcome,
)
from scheduler.notifications import Delivery
from scheduler.question_messages import render_measure_question, render_question_answered
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import (
    COORDINATOR_A,
    COORDINATOR_B,
    OFFICIAL_A,
    World,
    make_world,
    press_forged,
    rows,
    settled,
    today,
    user,
)
from tests.test_reports import open_my_card

LABOUR = "Министерство труда и социальной защиты"
DIGITAL = "Министерство цифрового развития"


@pytest.fixture
async def world(running_bot) -> World:
    created = await make_world(running_bot.sessionmaker, today(running_bot))
    # Messages from the outbox follow the language people chose: these people chose English.
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(update(Official).values(locale="en"))
        await session.execute(
            update(Official)
            .where(Official.telegram_id == COORDINATOR_A)
            .values(username="anna_coord")
        )
    return created


async def ask_on_card(person, button: str, prompt: str, text: str):
    card = await open_my_card(person, "Утверждён порядок")
    person.press(card, text=button)
    await person.wait_for_message(prompt)
    person.send_text(text)
    return card


async def test_a_question_reaches_the_coordinators_and_the_answer_the_official(running_bot, world):
    oleg = user(running_bot, OFFICIAL_A)
    anna = user(running_bot, COORDINATOR_A)
    boris = user(running_bot, COORDINATOR_B)
    card = await open_my_card(oleg, "Утверждён порядок")
    # The card names who coordinates the plan, with a link to write to them.
    assert "Plan coordinators: Анна Координатова" in card.text
    assert {"type": "text_link", "url": "https://t.me/anna_coord"}.items() <= next(
        entity for entity in card.entities if entity["type"] == "text_link"
    ).items()

    oleg.press(card, text="Ask the coordinator")
    await oleg.wait_for_message("Write your question on measure 1.1.")
    oleg.send_text("x" * 2001)  # too long: refused, the question stands
    await oleg.wait_for_message("The message is too long: at most 2000 characters")
    oleg.send_text("Что считать <результатом> & какой документ приложить?")
    sent = await oleg.wait_for_message("is sent to the coordinators of the plan")
    assert "The answer will come here." in sent.text

    question = await anna.wait_for_message("A question on a measure", timeout=15)
    assert f"from «{LABOUR}»" in question.text
    assert "1.1. Утверждён порядок обратной связи" in question.text
    assert "Deadline " in question.text and "(today)" in question.text
    assert "Asked by Олег Трудов" in question.text
    assert "Что считать <результатом> & какой документ приложить?" in question.text
    assert question.flat_button_texts() == ["Answer", "Measure card"]
    assert not [m for m in boris.messages if "A question on a measure" in (m.text or "")]

    anna.press(question, text="Answer")
    await anna.wait_for_message("Write the answer to the question on measure 1.1.")
    anna.send_text("Приказ <№> с датой подписания")
    await anna.wait_for_message(f"The answer is sent to the official of «{LABOUR}»")

    answer = await oleg.wait_for_message("answered your question", timeout=15)
    assert answer.text.startswith("💬 Анна Координатова answered your question on measure 1.1.")
    assert "Your question:\nЧто считать <результатом> & какой документ приложить?" in answer.text
    assert "Answer:\nПриказ <№> с датой подписания" in answer.text
    assert any(entity["type"] == "blockquote" for entity in answer.entities)

    # The first answer stands: another coordinator of the plan is told who answered.
    [stored] = await rows(running_bot, MeasureQuestion)
    assert (stored.kind, stored.outcome) == (QuestionKind.QUESTION, QuestionOutcome.ANSWERED)
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    refused = await press_forged(
        running_bot,
        admin,
        QuestionReply(action=ReplyVerb.ANSWER, question_id=stored.id).pack(),
    )
    assert refused.text == (
        "This has already been answered by Анна Координатова; the answer was sent to the official."
    )

    # Both are in the measure's history.
    card = await open_my_card(oleg, "Утверждён порядок")
    assert "Олег Трудов: question to the coordinators: Что считать <результатом>" in card.text
    assert "Анна Координатова: answer to the question: Приказ <№>" in card.text


async def claim(oleg, reason: str) -> None:
    await ask_on_card(oleg, "Not our measure", "Why is measure 1.1. not a measure of", reason)
    told = await oleg.wait_for_message("The coordinators are told that measure 1.1.")
    assert f"is not a measure of «{LABOUR}»" in told.text


async def test_not_our_measure_is_passed_to_the_body_the_coordinator_finds(running_bot, world):
    oleg = user(running_bot, OFFICIAL_A)
    anna = user(running_bot, COORDINATOR_A)
    await claim(oleg, "Порядок утверждает Минцифры по своему положению")

    # One open claim per body and measure.
    card = await open_my_card(oleg, "Утверждён порядок")
    again = oleg.press(card, text="Not our measure")
    answer = await oleg.wait_for_callback_answer(again["callback_query"]["id"])
    assert answer.text.startswith("Your body has already told the coordinators")

    notice = await anna.wait_for_message("Not our measure", timeout=15)
    assert f"says «{LABOUR}»" in notice.text
    assert "Reason:\nПорядок утверждает Минцифры по своему положению" in notice.text
    assert notice.flat_button_texts() == [
        "Pass to another body",
        "Keep it and answer",
        "Measure card",
    ]

    anna.press(notice, text="Pass to another body")
    await anna.wait_for_message("Type part of the name of the body to take measure 1.1. over")
    anna.send_text("нет такого")
    await anna.wait_for_message("No other body matches «нет такого»")
    anna.send_text("цифров")
    choice = await anna.wait_for_message("Which body answers for measure 1.1.?")
    anna.press(choice, text=f"Минцифры — {DIGITAL}")
    done = await anna.wait_for_edit(choice, "passed from")
    assert done.text == (
        f"✓ Measure 1.1. passed from «{LABOUR}» to «{DIGITAL}» as the lead executor."
        " The official is told."
    )
    await settled(anna)

    parts = {
        a.organization_id: a
        for a in await rows(running_bot, Assignment, Assignment.measure_id == world.feedback)
    }
    assert parts[world.labour].valid_until == today(running_bot)
    assert parts[world.digital].valid_until is None and parts[world.digital].is_lead
    [stored] = await rows(running_bot, MeasureQuestion)
    assert stored.outcome is QuestionOutcome.REASSIGNED
    assert stored.reassigned_to_id == world.digital

    told = await oleg.wait_for_message("passed from", timeout=15)
    assert told.text.startswith(
        f"✅ Measure 1.1. Утверждён порядок обратной связи passed from «{LABOUR}» to «{DIGITAL}»"
        " (decided by Анна Координатова)."
    )
    assert "Your reason:\nПорядок утверждает Минцифры" in told.text
    assert told.flat_button_texts() == []  # the card is no longer the body's to open
    # Told once: the claim's outcome, not also a "changes of your measures" message.
    await settled(oleg)
    assert [m.text for m in oleg.messages if (m.text or "").startswith("✏️")] == []

    # The claim and its outcome are in the measure's history (the coordinator's card).
    anna.press(done, text="Measure card")
    card = await anna.wait_for_edit(done, lambda m: "Plan:" in (m.text or ""), min_edits=2)
    assert f"Олег Трудов: «{LABOUR}»: not our measure — Порядок утверждает" in card.text
    assert f"Анна Координатова: the measure passed from «{LABOUR}» to «{DIGITAL}»" in card.text


async def test_not_our_measure_is_kept_with_the_coordinators_answer(running_bot, world):
    oleg = user(running_bot, OFFICIAL_A)
    anna = user(running_bot, COORDINATOR_A)
    await claim(oleg, "Не наш профиль")
    notice = await anna.wait_for_message("Not our measure", timeout=15)

    anna.press(notice, text="Keep it and answer")
    await anna.wait_for_message(f"Why does measure 1.1. stay with «{LABOUR}»?")
    anna.send_text("   ")  # nothing written: asked again
    await anna.wait_for_message("Please write the answer in words.")
    anna.send_text("Пункт 4 положения о министерстве")
    await anna.wait_for_message(f"Measure 1.1. stays with «{LABOUR}»; the official is told why.")

    told = await oleg.wait_for_message("stays with", timeout=15)
    assert told.text.startswith(
        f"↩️ Measure 1.1. Утверждён порядок обратной связи stays with «{LABOUR}»"
        " (decided by Анна Координатова)."
    )
    assert "Your reason:\nНе наш профиль" in told.text
    assert "Answer:\nПункт 4 положения о министерстве" in told.text
    [part] = await rows(running_bot, Assignment, Assignment.measure_id == world.feedback)
    assert part.valid_until is None and part.organization_id == world.labour
    [stored] = await rows(running_bot, MeasureQuestion)
    assert stored.outcome is QuestionOutcome.KEPT

    # Decided: the body may say so again, and the card's history holds both sides.
    card = await open_my_card(oleg, "Утверждён порядок")
    assert f"Олег Трудов: «{LABOUR}»: not our measure — Не наш профиль" in card.text
    assert f"the measure stays with «{LABOUR}»: Пункт 4 положения" in card.text
    oleg.press(card, text="Not our measure")
    await oleg.wait_for_message("Why is measure 1.1. not a measure of")


async def test_nobody_asks_or_answers_on_what_is_not_theirs(running_bot, world):
    oleg = user(running_bot, OFFICIAL_A)
    anna = user(running_bot, COORDINATOR_A)
    boris = user(running_bot, COORDINATOR_B)
    # Plan B's measure is not Oleg's body's; plan A's is not Boris's to answer.
    for kind in (RequestKind.QUESTION, RequestKind.NOT_OURS):
        refused = await press_forged(
            running_bot, oleg, OfficialRequest(kind=kind, measure_id=world.foreign).pack()
        )
        assert refused.text == "This measure is not available to you."
    # A measure nobody of the body executes (digital's), and a coordinator without a body.
    for person, measure in ((oleg, world.reengineering), (anna, world.feedback)):
        refused = await press_forged(
            running_bot,
            person,
            OfficialRequest(kind=RequestKind.QUESTION, measure_id=measure).pack(),
        )
        assert refused.text == "This measure is not available to you."

    await claim(oleg, "Не наше")
    await anna.wait_for_message("Not our measure", timeout=15)
    [stored] = await rows(running_bot, MeasureQuestion)
    for person in (boris, oleg):
        for data in (
            QuestionReply(action=ReplyVerb.KEEP, question_id=stored.id).pack(),
            QuestionReply(action=ReplyVerb.REASSIGN, question_id=stored.id).pack(),
            ClaimBody(question_id=stored.id, organization_id=world.digital).pack(),
            QuestionReply(action=ReplyVerb.ANSWER, question_id=10**9).pack(),
        ):
            refused = await press_forged(running_bot, person, data)
            assert refused.text == "This is not available to you.", data
    # A claim is not a question: it has no plain "Answer".
    refused = await press_forged(
        running_bot, anna, QuestionReply(action=ReplyVerb.ANSWER, question_id=stored.id).pack()
    )
    assert refused.text == "This is not available to you."
    await settled(anna)
    [part] = await rows(running_bot, Assignment, Assignment.measure_id == world.feedback)
    assert part.valid_until is None
    [stored] = await rows(running_bot, MeasureQuestion)
    assert stored.answered_at is None

    # Done and removed measures take no requests.
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(
            update(Measure).where(Measure.id == world.training).values(done_on=today(running_bot))
        )
        await session.execute(
            update(Measure).where(Measure.id == world.feedback).values(removed_at=datetime.now(UTC))
        )
    for measure, text in (
        (world.training, "This measure is already done."),
        (world.feedback, "This measure was removed from the plan; it cannot be changed."),
    ):
        refused = await press_forged(
            running_bot,
            oleg,
            OfficialRequest(kind=RequestKind.NOT_OURS, measure_id=measure).pack(),
        )
        assert refused.text == text
    questions = await rows(running_bot, Notification, Notification.kind == "measure_question")
    assert len(questions) == 1


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_question_messages_fit_telegram_whatever_people_wrote(locale):
    """The longest question and answer, the longest names: the full form fits; with text
    Telegram counts double (emoji), the compact form the sender falls back to fits."""
    i18n = create_i18n()

    def gettext(text: str) -> str:
        return i18n.gettext(text, locale=locale)

    def ngettext(one: str, many: str, count: int) -> str:
        return i18n.gettext(one, many, count, locale=locale)

    now = datetime.now(UTC)
    for letter, compact in (("Ж&<", False), ("😀", True)):
        long = letter * 5000
        written = (letter * QUESTION_LIMIT)[:QUESTION_LIMIT]
        delivery = Delivery(now=now, compact=compact)
        for kind in ("question", "not_ours"):
            asked = MeasureQuestionNotice(
                question_id=10**12,
                kind=kind,
                measure_id=10**12,
                number=long,
                title=long,
                deadline=now.date(),
                plan=long,
                body=long,
                person=long,
                text=written,
                timezone="Asia/Vladivostok",
            ).to_json()
            assert message_fits(*render_measure_question(asked, gettext, ngettext, delivery))
            for outcome in ("answered", "kept", "reassigned"):
                answered = QuestionAnsweredNotice(
                    question_id=10**12,
                    kind=kind,
                    outcome=outcome,
                    measure_id=10**12,
                    number=long,
                    title=long,
                    body=long,
                    question=written,
                    answer=(letter * ANSWER_LIMIT)[:ANSWER_LIMIT],
                    coordinator=long,
                    new_body=long,
                ).to_json()
                rendered = render_question_answered(answered, gettext, ngettext, delivery)
                assert message_fits(*rendered), (kind, outcome, compact)
