"""The coordinator's side: /find, the card's actions, /orgs, /officials, /leave, /coordinators,
and what happens when someone presses buttons that are not theirs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import today_in
from bot.deadline_changes import parse_day
from bot.measure_search import number_of_query
from handlers.card_actions import AssignBody, RemoveBody
from handlers.coordinators import RemoveCoordinator
from handlers.find import OpenFound
from handlers.measure_card import CardAction
from handlers.officials import Deactivate, LeaveBody
from models.tables import (
    Assignment,
    AuditEvent,
    DeadlineChange,
    DeadlineChangeStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
)
from tests.conftest import ADMIN_TELEGRAM_ID

COORDINATOR_A, COORDINATOR_B, OFFICIAL_A, OFFICIAL_B, STRANGER = 3001, 3002, 3003, 3004, 3005
OFFICIAL_AB = 3006  # an official of a body of plan A and of a body of plan B


@dataclass
class World:
    plan_a: int
    plan_b: int
    labour: int  # body of plan A, with an official
    digital: int  # body of plan A, nobody registered
    tourism: int  # body of plan B only
    city: int  # in the directory, assigned nowhere
    training: int  # plan A, 1. — labour (lead)
    feedback: int  # plan A, 1.1. — labour (lead)
    reengineering: int  # plan A, 2. — digital (lead)
    unassigned: int  # plan A, 3. — nobody
    foreign: int  # plan B, 1. — tourism (lead)


def body(name: str, short: str | None = None) -> Organization:
    return Organization(full_name=name, name_key=name.casefold(), short_name=short)


async def add_person(session, telegram_id: int, name: str, *grants: tuple) -> Official:
    person = Official(telegram_id=telegram_id, first_name=name.split()[0], full_name=name)
    session.add(person)
    await session.flush()
    for role, scope in grants:
        session.add(Membership(official_id=person.id, role=role, **scope))
    return person


async def make_world(sessionmaker, today: date) -> World:
    async with sessionmaker() as session, session.begin():
        plan_a, plan_b = Plan(title="План А <цифровизация>"), Plan(title="План Б")
        labour = body("Министерство труда и социальной защиты", "Минтруд")
        digital = body("Министерство цифрового развития", "Минцифры")
        tourism = body("Комитет по туризму")
        city = body("Администрация города")
        session.add_all([plan_a, plan_b, labour, digital, tourism, city])
        await session.flush()

        def measure(plan: Plan, number: str, title: str, deadline: date | None) -> Measure:
            key = number.strip(".")
            return Measure(
                plan_id=plan.id,
                number=number,
                number_key=key,
                sort_key=".".join(part.zfill(5) for part in key.split(".")),
                title=title,
                deadline=deadline,
            )

        training = measure(plan_a, "1.", "Обучение сотрудников", today + timedelta(days=30))
        feedback = measure(plan_a, "1.1.", "Утверждён порядок обратной связи", today)
        reengineering = measure(plan_a, "2.", "Реинжиниринг процессов", None)
        unassigned = measure(plan_a, "3.", "Ёмкие показатели", None)
        foreign = measure(plan_b, "1.", "Чужое обучение", today + timedelta(days=5))
        session.add_all([training, feedback, reengineering, unassigned, foreign])
        await session.flush()
        session.add_all(
            [
                Assignment(measure_id=training.id, organization_id=labour.id, is_lead=True),
                Assignment(measure_id=feedback.id, organization_id=labour.id, is_lead=True),
                Assignment(measure_id=reengineering.id, organization_id=digital.id, is_lead=True),
                Assignment(measure_id=foreign.id, organization_id=tourism.id, is_lead=True),
            ]
        )
        await add_person(
            session, COORDINATOR_A, "Анна Координатова", (Role.COORDINATOR, {"plan_id": plan_a.id})
        )
        await add_person(
            session, COORDINATOR_B, "Борис Бэ", (Role.COORDINATOR, {"plan_id": plan_b.id})
        )
        await add_person(
            session, OFFICIAL_A, "Олег Трудов", (Role.OFFICIAL, {"organization_id": labour.id})
        )
        await add_person(
            session,
            OFFICIAL_B,
            "Тамара Туристова",
            (Role.OFFICIAL, {"organization_id": tourism.id}),
        )
        await add_person(
            session,
            OFFICIAL_AB,
            "Двоих Двойной",
            (Role.HEAD, {"organization_id": labour.id}),
            (Role.OFFICIAL, {"organization_id": tourism.id}),
        )
        return World(
            plan_a.id,
            plan_b.id,
            labour.id,
            digital.id,
            tourism.id,
            city.id,
            training.id,
            feedback.id,
            reengineering.id,
            unassigned.id,
            foreign.id,
        )


@pytest.fixture
async def world(running_bot) -> World:
    return await make_world(running_bot.sessionmaker, today(running_bot))


def today(running_bot) -> date:
    return today_in(running_bot.settings.default_timezone)


def user(running_bot, telegram_id: int):
    """People of these tests speak English: texts are asserted against the message ids."""
    return running_bot.emulator.user(telegram_id, first_name=f"U{telegram_id}", language_code="en")


async def settled(person) -> None:
    """Updates of one person are handled in order: once /help is answered, what came before
    it is committed."""
    person.send_command("/help")
    await person.wait_for_message("What you can do")


_forged_ids = itertools.count(1)


async def press_forged(running_bot, person, data: str):
    """Press a button the bot never showed this person: hand-made callback data."""
    person.send_command("/help")
    carrier = await person.wait_for_message("What you can do")
    query_id = f"forged-{next(_forged_ids)}"
    running_bot.emulator.inject_update(
        {
            "callback_query": {
                "id": query_id,
                "from": person.user_dict,
                "chat_instance": "1",
                "message": carrier.payload,
                "data": data,
            }
        }
    )
    return await person.wait_for_callback_answer(query_id)


async def open_card(person, query: str, button: str):
    person.send_command("/find", args=query)
    results = await person.wait_for_message("Found")
    person.press(results, text=button)
    return await person.wait_for_message(lambda m: "Plan:" in (m.text or ""))


async def rows(running_bot, model, *where):
    async with running_bot.sessionmaker() as session:
        return list(await session.scalars(select(model).where(*where).order_by(model.id)))


# --- Pure parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.2025", date(2025, 12, 31)),
        ("1.2.26", date(2026, 2, 1)),
        (" 05.03.2027 ", date(2027, 3, 5)),
        ("01/02/2026", date(2026, 2, 1)),
        ("31.02.2026", None),
        ("2026-02-01", None),
        ("32.1.26", None),
        ("1.1.1999", None),
        ("завтра", None),
    ],
)
def test_dates_are_read_as_people_type_them(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.1", "1.1"), ("1.1.", "1.1"), ("№ 3.2", "3.2"), ("2025", None), ("обучение", None)],
)
def test_a_number_query_is_a_number_key(text, expected):
    assert number_of_query(text) == expected


# --- /find --------------------------------------------------------------------------------------


async def test_a_coordinator_finds_measures_by_number_and_by_words(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/find", args="1.1")
    results = await anna.wait_for_message()
    assert results.text.startswith("Found 1 measure for «1.1»:")
    assert running_bot.emulator.button_texts(results) == [["1.1. Утверждён порядок обратной связи"]]

    # Case-insensitive Cyrillic, ё as е; measures of plan B are not searched.
    anna.send_command("/find", args="ОБУЧЕНИЕ")
    results = await anna.wait_for_message()
    assert running_bot.emulator.button_texts(results) == [["1. Обучение сотрудников"]], results.text
    anna.send_command("/find", args="емкие")
    assert "3. Ёмкие показатели" in (await anna.wait_for_message()).text
    anna.send_command("/find", args="Чужое")
    nothing = await anna.wait_for_message()
    assert nothing.text.startswith("Nothing found for «Чужое» in your plans.")

    # /find from the menu asks what to look for.
    anna.send_command("/find")
    await anna.wait_for_message("What should I look for?")
    anna.send_text("реинжиниринг процессов")
    results = await anna.wait_for_message("Found")
    anna.press(results, text="2. Реинжиниринг процессов")
    card = await anna.wait_for_message()
    assert "Plan: План А <цифровизация>" in card.text
    assert "&lt;цифровизация&gt;" in card.html
    assert running_bot.emulator.button_texts(card) == [
        ["Assign a body", "Remove a body"],
        ["Change the deadline"],
    ]


async def test_an_administrator_finds_in_every_plan(running_bot, world):
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    admin.send_command("/find", args="обучение")
    results = await admin.wait_for_message()
    assert results.text.startswith("Found 2 measures")
    assert "— «План Б»" in results.text  # results of several plans say which plan


async def test_find_is_refused_to_officials_and_strangers(running_bot, world):
    oleg = user(running_bot, OFFICIAL_A)
    oleg.send_command("/find", args="1.1")
    assert (await oleg.wait_for_message()).text == "This command is for coordinators."
    stranger = user(running_bot, STRANGER)
    stranger.send_command("/find", args="1.1")
    assert (await stranger.wait_for_message()).text.startswith("This is available after")


# --- The card's actions -------------------------------------------------------------------------


async def test_assigning_removing_and_reassigning_a_body(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    card = await open_card(anna, "реинжиниринг", "2. Реинжиниринг процессов")
    anna.press(card, text="Assign a body")
    await anna.wait_for_message("Type part of the name of the body to assign to measure 2.")
    anna.send_text("ТРУДА")
    choice = await anna.wait_for_message("Which body answers for measure 2.?")
    assert running_bot.emulator.button_texts(choice) == [
        ["Минтруд — Министерство труда и социальной защиты"]
    ]
    anna.press(choice, text="Минтруд — Министерство труда и социальной защиты")
    edited = await anna.wait_for_edit(choice, "is assigned as a co-executor")
    assert "Министерство труда и социальной защиты (Минтруд)" in edited.text
    assert "Assign a body" in edited.flat_button_texts()
    await settled(anna)
    [assignment] = await rows(
        running_bot,
        Assignment,
        Assignment.measure_id == world.reengineering,
        Assignment.organization_id == world.labour,
    )
    assert assignment.valid_until is None and assignment.is_lead is False

    # Remove: the assignment ends today, it is not deleted.
    anna.press(edited, text="Remove a body")
    picker = await anna.wait_for_edit(edited, "Which body no longer answers", min_edits=2)
    anna.press(picker, text="Минтруд")
    removed = await anna.wait_for_edit(picker, "no longer answers for this measure", min_edits=3)
    assert "(Минтруд)" not in removed.text
    await settled(anna)
    [assignment] = await rows(running_bot, Assignment, Assignment.id == assignment.id)
    assert assignment.valid_until == today(running_bot)

    # Assigning it again revives the same assignment.
    anna.press(removed, text="Assign a body")
    await anna.wait_for_message("Type part of the name")
    anna.send_text("минтруд")
    choice = await anna.wait_for_message("Which body answers")
    anna.press(choice, text="Минтруд — Министерство труда и социальной защиты")
    await anna.wait_for_edit(choice, "is assigned as a co-executor")
    await settled(anna)
    [revived] = await rows(running_bot, Assignment, Assignment.id == assignment.id)
    assert revived.valid_until is None
    actions = [
        event.action
        for event in await rows(running_bot, AuditEvent, AuditEvent.entity_type == "assignments")
    ]
    assert actions == ["assignment_created", "assignment_ended", "assignment_revived"]


async def test_a_body_given_to_a_measure_without_a_lead_becomes_the_lead(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    card = await open_card(anna, "3", "3. Ёмкие показатели")
    assert "Executors: none assigned" in card.text
    anna.press(card, text="Assign a body")
    await anna.wait_for_message("Type part of the name")
    anna.send_text("нет такого органа")
    await anna.wait_for_message("No other body matches «нет такого органа»")
    anna.send_text("администрация")  # a body of the directory, new to this plan
    choice = await anna.wait_for_message("Which body answers")
    anna.press(choice, text="Администрация города")
    done = await anna.wait_for_edit(choice, "is assigned as the lead executor")
    assert "Администрация города — lead" in done.text


async def test_a_coordinator_moves_a_deadline_with_a_reason(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    card = await open_card(anna, "1.1", "1.1. Утверждён порядок обратной связи")
    anna.press(card, text="Change the deadline")
    old = today(running_bot)
    await anna.wait_for_message(f"as dd.mm.yyyy (now: {old:%d.%m.%Y})")
    anna.send_text("31.02.2027")
    await anna.wait_for_message("I could not read a date in «31.02.2027»")
    anna.send_text(f"{old:%d.%m.%Y}")
    await anna.wait_for_message("This is the measure's deadline already. Send another date.")
    anna.send_text("5.3.27")
    await anna.wait_for_message("Why is the deadline of measure 1.1. moved to 05.03.2027?")
    anna.send_text("   ")
    anna.send_text("Письмо <Минфина> & приказ")
    done = await anna.wait_for_message("The deadline is moved")
    assert f"✓ The deadline is moved: {old:%d.%m.%Y} → 05.03.2027." in done.text
    assert "Deadline 05.03.2027 (in " in done.text
    assert "(Письмо <Минфина> & приказ)" in done.text  # in the history, escaped
    assert "&lt;Минфина&gt; &amp; приказ" in done.html

    await settled(anna)
    [measure] = await rows(running_bot, Measure, Measure.id == world.feedback)
    assert measure.deadline == date(2027, 3, 5)
    [change] = await rows(running_bot, DeadlineChange, DeadlineChange.measure_id == measure.id)
    coordinator = (await rows(running_bot, Official, Official.telegram_id == COORDINATOR_A))[0]
    assert change.status is DeadlineChangeStatus.APPLIED
    assert (change.old_deadline, change.new_deadline) == (old, date(2027, 3, 5))
    assert change.reason == "Письмо <Минфина> & приказ"
    assert change.decided_by_id == coordinator.id and change.decided_at is not None
    [event] = await rows(running_bot, AuditEvent, AuditEvent.action == "deadline_changed")
    assert (event.old_value, event.new_value) == (old.isoformat(), "2027-03-05")
    assert event.actor_id == coordinator.id


async def test_cancel_or_another_command_leaves_the_input(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    card = await open_card(anna, "1.1", "1.1. Утверждён порядок обратной связи")
    anna.press(card, text="Change the deadline")
    await anna.wait_for_message("Send the new deadline")
    anna.send_command("/cancel")
    await anna.wait_for_message("Cancelled.")
    anna.send_text("01.01.2030")
    assert "I did not understand that" in (await anna.wait_for_message()).text

    anna.press(card, text="Assign a body")
    await anna.wait_for_message("Type part of the name")
    anna.send_command("/orgs")  # another command: it runs, and the question is forgotten
    await anna.wait_for_message("Bodies of your plans")
    anna.send_text("труд")
    assert "I did not understand that" in (await anna.wait_for_message()).text

    anna.press(card, text="Assign a body")
    await anna.wait_for_message("Type part of the name")
    anna.send_photo(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    await anna.wait_for_message("Please answer with text, or send /cancel.")
    [measure] = await rows(running_bot, Measure, Measure.id == world.feedback)
    assert measure.deadline == today(running_bot)


async def test_a_coordinator_who_loses_the_plan_midway_changes_nothing(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    card = await open_card(anna, "1.1", "1.1. Утверждён порядок обратной связи")
    anna.press(card, text="Change the deadline")
    await anna.wait_for_message("Send the new deadline")
    async with running_bot.sessionmaker() as session, session.begin():
        for membership in await session.scalars(
            select(Membership).where(Membership.plan_id == world.plan_a)
        ):
            membership.is_active = False
    anna.send_text("01.01.2030")
    await anna.wait_for_message("This measure is not available to you.")
    [measure] = await rows(running_bot, Measure, Measure.id == world.feedback)
    assert measure.deadline == today(running_bot)


# --- /orgs and /officials -----------------------------------------------------------------------


async def test_orgs_lists_bodies_with_nobody_registered_first(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/orgs")
    reply = await anna.wait_for_message()
    assert reply.text == (
        "Bodies of your plans: 2, nobody registered yet: 1.\n"
        "⚠️ With open measures and nobody to remind: 1.\n"
        "\n"
        "Nobody registered yet\n"
        "• Министерство цифрового развития (Минцифры) — ⚠️ 1 open measure, nobody to remind\n"
        "\n"
        "With registered people\n"
        "• Министерство труда и социальной защиты (Минтруд) — officials: 1, heads: 1\n"
        "\n"
        "Directory: /orgs export — download the list of bodies."
    )
    # One button per body, in the list's order: its card (with its time zone).
    assert reply.flat_button_texts() == ["Минцифры", "Минтруд"]
    oleg = user(running_bot, OFFICIAL_A)
    oleg.send_command("/orgs")
    assert (await oleg.wait_for_message()).text == "This command is for coordinators."


async def test_a_long_list_of_bodies_is_paginated(running_bot, world):
    async with running_bot.sessionmaker() as session, session.begin():
        for index in range(25):
            organization = body(f"Администрация района № {index:02d}")
            session.add(organization)
            await session.flush()
            session.add(Assignment(measure_id=world.unassigned, organization_id=organization.id))
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/orgs")
    first = await anna.wait_for_message()
    assert "Bodies of your plans: 27, nobody registered yet: 26. (page 1 of 2)" in first.text
    assert "№ 14" in first.text and "Минтруд" not in first.text
    anna.press(first, text="›")
    second = await anna.wait_for_edit(first, "(page 2 of 2)")
    assert "№ 15" in second.text and "Минтруд" in second.text


async def test_a_coordinator_deactivates_an_official_of_their_plan(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/officials")
    listing = await anna.wait_for_message()
    assert "People registered with the bodies of your plans: 2" in listing.text
    assert "Олег Трудов — active\n    Министерство труда и социальной защиты — official" in (
        listing.text
    )
    assert "Тамара" not in listing.text  # an official of plan B's body only
    # Both memberships of the person with bodies of two plans: only plan A's is listed.
    assert "Двоих Двойной — active\n    Министерство труда и социальной защиты — head" in (
        listing.text
    )
    assert "Комитет по туризму" not in listing.text

    anna.press(listing, text="Deactivate: Двоих Двойной")
    confirm = await anna.wait_for_edit(listing, "Deactivate Двоих Двойной?")
    anna.press(confirm, text="Yes, deactivate")
    done = await anna.wait_for_edit(confirm, "✓ Двоих Двойной no longer answers for", min_edits=2)
    assert "People registered with the bodies of your plans: 1" in done.text
    await settled(anna)
    memberships = await rows(
        running_bot,
        Membership,
        Membership.official_id
        == select(Official.id).where(Official.telegram_id == OFFICIAL_AB).scalar_subquery(),
    )
    by_body = {m.organization_id: m for m in memberships}
    assert by_body[world.labour].is_active is False and by_body[world.labour].ended_at
    assert by_body[world.tourism].is_active is True  # plan B's body is not plan A's business
    [event] = await rows(running_bot, AuditEvent, AuditEvent.action == "membership_ended")
    assert event.entity_id == by_body[world.labour].id

    anna.press(done, text="Deactivate: Олег Трудов")
    confirm = await anna.wait_for_edit(done, "Deactivate Олег Трудов?", min_edits=3)
    anna.press(confirm, text="Yes, deactivate")
    await anna.wait_for_edit(confirm, "Nobody is registered", min_edits=4)
    await settled(anna)
    oleg = user(running_bot, OFFICIAL_A)
    oleg.send_command("/my")  # the person sees no measures of that body any more
    assert (await oleg.wait_for_message()).text.startswith("This is available after")


# --- /leave -------------------------------------------------------------------------------------


async def test_an_official_of_one_body_leaves_it(running_bot, world):
    oleg = user(running_bot, OFFICIAL_A)
    oleg.send_command("/leave")
    prompt = await oleg.wait_for_message()
    assert prompt.text.startswith("Stop answering for «Министерство труда и социальной защиты»?")
    assert running_bot.emulator.button_texts(prompt) == [["Yes, leave", "Cancel"]]
    oleg.press(prompt, text="Yes, leave")
    done = await oleg.wait_for_edit(prompt, "You no longer answer for")
    assert done.reply_markup is None
    oleg.send_command("/leave")
    assert (await oleg.wait_for_message()).text == "You are not registered with any body."
    [membership] = await rows(
        running_bot, Membership, Membership.official_id == await person_id(running_bot, OFFICIAL_A)
    )
    assert membership.is_active is False and membership.ended_at is not None
    [event] = await rows(running_bot, AuditEvent, AuditEvent.action == "membership_left")
    assert event.entity_id == membership.id


async def test_an_official_of_two_bodies_picks_the_one_to_leave(running_bot, world):
    both = user(running_bot, OFFICIAL_AB)
    both.send_command("/leave")
    prompt = await both.wait_for_message("Which body do you leave?")
    assert running_bot.emulator.button_texts(prompt) == [
        ["Комитет по туризму"],
        ["Министерство труда и социальной защиты"],
        ["Cancel"],
    ]
    both.press(prompt, text="Комитет по туризму")
    confirm = await both.wait_for_edit(prompt, "Stop answering for «Комитет по туризму»?")
    both.press(confirm, text="Yes, leave")
    await both.wait_for_edit(confirm, "You no longer answer for «Комитет по туризму»", min_edits=2)
    await settled(both)
    person = (await rows(running_bot, Official, Official.telegram_id == OFFICIAL_AB))[0]
    memberships = await rows(running_bot, Membership, Membership.official_id == person.id)
    assert {(m.organization_id, m.is_active) for m in memberships} == {
        (world.tourism, False),
        (world.labour, True),
    }
    both.send_command("/leave")
    cancel = await both.wait_for_message("Stop answering for «Министерство труда")
    both.press(cancel, text="Cancel")
    await both.wait_for_edit(cancel, "Cancelled.")


async def test_a_stranger_has_nothing_to_leave(running_bot, world):
    stranger = user(running_bot, STRANGER)
    stranger.send_command("/leave")
    assert (await stranger.wait_for_message()).text == "You are not registered with any body."


# --- /coordinators ------------------------------------------------------------------------------


async def test_an_administrator_removes_a_coordinator(running_bot, world):
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    admin.send_command("/coordinators")
    listing = await admin.wait_for_message()
    assert listing.text == (
        "Coordinators of the plans\n\nПлан А <цифровизация>\n• Анна Координатова"
        "\n\nПлан Б\n• Борис Бэ"
    )
    admin.press(listing, text="Remove Анна Координатова — План А <цифровизация>")
    confirm = await admin.wait_for_edit(listing, "Remove Анна Координатова as a coordinator")
    admin.press(confirm, text="Yes, remove")
    done = await admin.wait_for_edit(confirm, "is no longer a coordinator", min_edits=2)
    assert "План А <цифровизация>\n• nobody" in done.text
    await settled(admin)
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/find", args="1.1")
    assert "is available after" in (await anna.wait_for_message()).text
    [event] = await rows(running_bot, AuditEvent, AuditEvent.action == "coordinator_removed")
    assert (event.old_value, event.new_value) == (True, False)


async def test_a_plan_with_forty_coordinators_pages_through_all_of_them(running_bot, world):
    async with running_bot.sessionmaker() as session, session.begin():
        for n in range(40):
            person = Official(telegram_id=7_000 + n, first_name=f"Координатор{n:02} " + "Я" * 150)
            session.add(person)
            await session.flush()
            session.add(
                Membership(official_id=person.id, role=Role.COORDINATOR, plan_id=world.plan_b)
            )
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    admin.send_command("/coordinators")
    page = await admin.wait_for_message()
    seen: set[str] = set()
    for _ in range(10):
        seen.update(line for line in page.text.splitlines() if "Координатор" in line)
        assert len(page.text) <= 4096
        assert sum(len(row) for row in running_bot.emulator.button_texts(page)) <= 100
        if "›" not in itertools.chain.from_iterable(running_bot.emulator.button_texts(page)):
            break
        admin.press(page, text="›")
        page = await admin.wait_for_edit(page, lambda m, before=page.text: m.text != before)
    assert len(seen) == 40


async def test_only_administrators_manage_coordinators(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/coordinators")
    assert (await anna.wait_for_message()).text == "This command is for administrators."


# --- Buttons that are not yours -----------------------------------------------------------------


async def membership_id(running_bot, telegram_id: int, **scope) -> int:
    async with running_bot.sessionmaker() as session:
        return await session.scalar(
            select(Membership.id)
            .join(Official, Official.id == Membership.official_id)
            .where(Official.telegram_id == telegram_id, Membership.is_active.is_(True))
            .filter_by(**scope)
        )


async def person_id(running_bot, telegram_id: int) -> int:
    return (await rows(running_bot, Official, Official.telegram_id == telegram_id))[0].id


def forged_actions(world: World, victim_id: int, coordinator_membership: int) -> list[str]:
    """Every coordinator's button, aimed at plan B (plan A's coordinator does not coordinate
    it; officials and strangers coordinate nothing)."""
    return [
        OpenFound(measure_id=world.foreign).pack(),
        CardAction(action="show", measure_id=world.foreign).pack(),
        CardAction(action="assign", measure_id=world.foreign).pack(),
        CardAction(action="remove", measure_id=world.foreign).pack(),
        CardAction(action="deadline", measure_id=world.foreign).pack(),
        AssignBody(measure_id=world.foreign, organization_id=world.labour).pack(),
        RemoveBody(measure_id=world.foreign, organization_id=world.tourism).pack(),
        Deactivate(official_id=victim_id).pack(),
        Deactivate(official_id=victim_id, confirm=True).pack(),
        RemoveCoordinator(membership_id=coordinator_membership).pack(),
        RemoveCoordinator(membership_id=coordinator_membership, confirm=True).pack(),
    ]


async def assert_nothing_changed(running_bot, world: World) -> None:
    [foreign] = await rows(running_bot, Assignment, Assignment.measure_id == world.foreign)
    assert foreign.valid_until is None
    assert await rows(running_bot, Assignment, Assignment.organization_id == world.city) == []
    assert await rows(running_bot, Membership, Membership.is_active.is_(False)) == []
    assert await rows(running_bot, AuditEvent) == []


@pytest.mark.parametrize("attacker", [COORDINATOR_A, OFFICIAL_A, OFFICIAL_B, STRANGER])
async def test_forged_buttons_on_another_plan_change_nothing(running_bot, world, attacker):
    tamara = await person_id(running_bot, OFFICIAL_B)
    boris = await membership_id(running_bot, COORDINATOR_B, role=Role.COORDINATOR)
    person = user(running_bot, attacker)
    for data in forged_actions(world, tamara, boris):
        answer = await press_forged(running_bot, person, data)
        assert answer.show_alert is True, data
        assert answer.text in (
            "This measure is not available to you.",
            "This is not available to you.",
        ), data
    await settled(person)
    await assert_nothing_changed(running_bot, world)


async def test_an_official_cannot_act_on_their_own_bodys_measure(running_bot, world):
    """Seeing a measure as its executor gives no coordinator's rights on it."""
    oleg = user(running_bot, OFFICIAL_A)
    for data in (
        CardAction(action="deadline", measure_id=world.training).pack(),
        AssignBody(measure_id=world.training, organization_id=world.city).pack(),
        RemoveBody(measure_id=world.training, organization_id=world.labour).pack(),
        LeaveBody(organization_id=world.tourism, confirm=True).pack(),
    ):
        answer = await press_forged(running_bot, oleg, data)
        assert answer.show_alert is True, data
    oleg.send_text("01.01.2030")  # no deadline question was asked: nothing to answer
    assert "I did not understand that" in (await oleg.wait_for_message()).text
    await assert_nothing_changed(running_bot, world)


async def test_a_coordinator_cannot_deactivate_people_outside_their_plans(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    victims = [
        await person_id(running_bot, COORDINATOR_B),  # a coordinator, of another plan
        await person_id(running_bot, OFFICIAL_B),  # an official of plan B's body
        await person_id(running_bot, COORDINATOR_A),  # no official's membership of her own
        10**12,  # nobody
    ]
    for victim in victims:
        answer = await press_forged(
            running_bot, anna, Deactivate(official_id=victim, confirm=True).pack()
        )
        assert answer.text == "This is not available to you."
    await assert_nothing_changed(running_bot, world)


async def test_removed_measures_and_stale_actions_are_refused(running_bot, world):
    async with running_bot.sessionmaker() as session, session.begin():
        measure = await session.get(Measure, world.training)
        measure.removed_at = datetime.now(UTC)
    anna = user(running_bot, COORDINATOR_A)
    for data in (
        CardAction(action="deadline", measure_id=world.training).pack(),
        AssignBody(measure_id=world.training, organization_id=world.city).pack(),
        RemoveBody(measure_id=world.training, organization_id=world.labour).pack(),
    ):
        answer = await press_forged(running_bot, anna, data)
        assert answer.text == "This measure was removed from the plan; it cannot be changed."
    answer = await press_forged(
        running_bot,
        anna,
        RemoveBody(measure_id=world.feedback, organization_id=world.digital).pack(),
    )
    assert answer.text == "This body no longer answers for the measure."
    answer = await press_forged(
        running_bot,
        anna,
        AssignBody(measure_id=world.feedback, organization_id=world.labour).pack(),
    )
    assert answer.text == "This body answers for the measure already."
    for malformed in ("mc:assign:x", "mab:1", "deact:abc:0:1", "rmc:"):
        answer = await press_forged(running_bot, anna, malformed)
        assert answer.text == "This button is out of date.", malformed
    await assert_nothing_changed(running_bot, world)
