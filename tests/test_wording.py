"""Words officials use: one term per thing in Russian, no «удалено» for what a new version of a
plan leaves out, no «его»/«её» for a body (whatever its grammatical gender); and a person's
chosen language for replies and reminders alike."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from babel.messages.pofile import read_po

from bot.config import LOCALES_DIR
from bot.entry.translations import create_i18n
from models.tables import Assignment, Measure, Membership, Official, Organization, Plan, Role
from scheduler.reminders import write_due_reminders
from scheduler.sender import OutboxSender


def russian() -> list[tuple[str, str]]:
    """(msgid, each Russian text) of the catalogue."""
    with (LOCALES_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="ru")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((msgid, text) for text in texts)
    return pairs


DELETED = re.compile(r"(?<![а-яё])удал(ён|ен|ено|ена|ены|ённ|енн|ить|ять|ени)", re.IGNORECASE)
# Pronouns that would need the body's grammatical gender.
PRONOUN = re.compile(r"(?<![а-яё])(его|её|ее|него|неё|нее|ему|нему|ним|нём|нем)(?![а-яё])", re.I)
ABOUT_A_BODY = re.compile(r"\{body\}|\{bodies\}|(?<![а-яё])орган", re.IGNORECASE)
# The person answering for a body's measures; «Ответственный исполнитель» in quotes is the
# column of a plan's table, named as the document names it.
OLD_PERSON_TERM = re.compile(r"(?<!«)ответственн\w* исполнител", re.IGNORECASE)


def test_nothing_a_new_version_leaves_out_is_called_deleted():
    said = [text for _, text in russian() if DELETED.search(text)]
    # «Удалите пустые строки…» asks the person to edit their own file: not about measures.
    assert [text for text in said if "Удалите пустые строки" not in text] == []


def test_no_text_about_a_body_refers_to_it_as_him_or_her():
    found = [text for _, text in russian() if ABOUT_A_BODY.search(text) and PRONOUN.search(text)]
    assert found == []


def test_one_term_per_thing():
    texts = dict(russian())
    assert [text for text in texts.values() if OLD_PERSON_TERM.search(text)] == []
    assert texts["an official"] == "ответственный сотрудник"
    assert texts["lead executor"] == "головной исполнитель"
    assert texts["co-executor"] == "соисполнитель"
    assert texts["✓ «{body}» is assigned as the lead executor."].endswith(
        "— головной исполнитель мероприятия."
    )
    assert texts["In progress"] == "В работе"


async def test_leave_asks_which_body_the_person_no_longer_answers_for(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        bodies = [
            Organization(full_name=name, name_key=name.casefold())
            for name in ("Министерство труда", "Комитет по туризму")
        ]
        person = Official(telegram_id=6201, first_name="Олег")
        session.add_all([*bodies, person])
        await session.flush()
        session.add_all(
            Membership(official_id=person.id, role=Role.OFFICIAL, organization_id=body.id)
            for body in bodies
        )
    oleg = running_bot.emulator.user(6201, first_name="Олег", language_code="ru")
    oleg.send_command("/leave")
    prompt = await oleg.wait_for_message()
    assert prompt.text == "За какой орган вы больше не отвечаете?"


# Wednesday 14 May 2025, 10:00 in Moscow: a working morning.
WEDNESDAY = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)


async def test_a_person_who_chose_english_gets_english_reminders_and_replies(running_bot):
    emulator = running_bot.emulator
    async with running_bot.sessionmaker() as session, session.begin():
        plan = Plan(title="План мероприятий")
        body = Organization(full_name="Министерство труда", name_key="министерство труда")
        # Telegram says Russian; the person chose English in /lang.
        person = Official(telegram_id=6202, first_name="Олег", locale="en")
        session.add_all([plan, body, person])
        await session.flush()
        session.add(Membership(official_id=person.id, role=Role.OFFICIAL, organization_id=body.id))
        measure = Measure(
            plan_id=plan.id,
            number="1.",
            number_key="1",
            sort_key="00001",
            title="Утвержден регламент",
            deadline=date(2025, 5, 21),
            result="приказ",
        )
        session.add(measure)
        await session.flush()
        session.add(Assignment(measure_id=measure.id, organization_id=body.id, is_lead=True))
    oleg = emulator.user(6202, first_name="Олег", language_code="ru")

    async with running_bot.sessionmaker() as session, session.begin():
        assert await write_due_reminders(session, now=WEDNESDAY, default_timezone="Europe/Moscow")
    sender = OutboxSender(
        running_bot.bot,
        running_bot.sessionmaker,
        create_i18n(),
        clock=lambda: WEDNESDAY,
        per_chat_interval=0.05,
    )
    assert (await sender.drain_once()).sent == 1
    reminder = await oleg.wait_for_message("Утвержден регламент")
    assert "Deadlines of your measures" in reminder.text
    assert "Expected document: приказ" in reminder.text
    assert "Report" in str(emulator.button_texts(reminder))

    oleg.send_command("/my")
    overview = await oleg.wait_for_message()
    assert "Overdue: 1" in str(emulator.button_texts(overview))
    oleg.press(overview, text="Overdue: 1")
    listing = await oleg.wait_for_edit(overview)
    oleg.press(listing, text=emulator.button_texts(listing)[0][0])
    card = await oleg.wait_for_edit(listing, min_edits=2)
    assert "Status: Overdue" in card.text
    assert "Министерство труда — lead executor: Overdue" in card.text
