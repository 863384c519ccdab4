"""/summary over the Bot API emulator: a coordinator goes from a number to the measures behind it
and back; an official is refused politely; a head sees their own body."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib.image
import pytest

from bot.clock import today_in
from bot.presentation.callbacks import MeasureList, View
from bot.summary_lists import Listed
from models.tables import Assignment, AssignmentStatus, Measure, Plan, Role
from tests.test_coordination import add_person, body, press_forged

COORDINATOR, OFFICIAL, HEAD = 5001, 5002, 5003


@dataclass
class Plan11:
    plan: int
    labour: int
    digital: int


def measure(plan: Plan, number: str, title: str, deadline: date | None) -> Measure:
    return Measure(
        plan_id=plan.id,
        number=number,
        number_key=number,
        sort_key=number.zfill(5),
        title=title,
        deadline=deadline,
    )


@pytest.fixture
async def plan11(running_bot) -> Plan11:
    today = today_in(running_bot.settings.default_timezone)
    async with running_bot.sessionmaker() as session, session.begin():
        plan = Plan(title="План мероприятий")
        labour = body("Министерство труда и социальной защиты", "Минтруд")
        digital = body("Министерство цифрового развития", "Минцифры")
        session.add_all([plan, labour, digital])
        await session.flush()
        late = measure(plan, "1", "Обучение сотрудников", today - timedelta(days=10))
        later = measure(plan, "2", "Порядок обратной связи", today - timedelta(days=3))
        reviewed = measure(plan, "3", "Отчёт о поверке", today - timedelta(days=3))
        digital_work = measure(plan, "4", "Реинжиниринг процессов", today + timedelta(days=3))
        session.add_all([late, later, reviewed, digital_work])
        await session.flush()
        session.add_all(
            [
                Assignment(measure_id=late.id, organization_id=labour.id, is_lead=True),
                Assignment(measure_id=later.id, organization_id=labour.id, is_lead=True),
                Assignment(
                    measure_id=reviewed.id,
                    organization_id=labour.id,
                    is_lead=True,
                    status=AssignmentStatus.SUBMITTED,
                ),
                Assignment(measure_id=digital_work.id, organization_id=digital.id, is_lead=True),
            ]
        )
        await add_person(
            session, COORDINATOR, "Анна Координатова", (Role.COORDINATOR, {"plan_id": plan.id})
        )
        await add_person(
            session, OFFICIAL, "Олег Трудов", (Role.OFFICIAL, {"organization_id": labour.id})
        )
        await add_person(session, HEAD, "Глеб Главный", (Role.HEAD, {"organization_id": labour.id}))
        return Plan11(plan.id, labour.id, digital.id)


def user(running_bot, telegram_id: int):
    return running_bot.emulator.user(telegram_id, first_name=f"U{telegram_id}", language_code="en")


async def test_a_coordinator_opens_a_bodys_overdue_measures_then_a_card_and_goes_back(
    running_bot, plan11
) -> None:
    coordinator = user(running_bot, COORDINATOR)
    coordinator.send_command("/summary")
    chart = await coordinator.wait_for_message(lambda m: m.method == "sendPhoto")
    assert "План мероприятий" in chart.caption
    picture = matplotlib.image.imread(io.BytesIO(chart.file.content), format="png")
    assert picture.shape[1] >= 1000  # a phone-width PNG that opens
    summary = await coordinator.wait_for_message("Summary: План мероприятий")
    assert "Overdue: 2" in summary.text
    assert "Under review: 1 (past the deadline: 1)" in summary.text
    assert "25% done" not in summary.text and "0% done" in summary.text
    lines = summary.text.splitlines()
    labour_line = next(line for line in lines if "Минтруд" in line)
    digital_line = next(line for line in lines if "Минцифры" in line)
    assert lines.index(labour_line) < lines.index(digital_line)  # the most overdue first
    assert "no one registered" in digital_line and "no one registered" not in labour_line

    overdue = MeasureList(
        listed=Listed.OVERDUE, plan=plan11.plan, body=plan11.labour, origin=View.PLAN
    ).pack()
    coordinator.press(summary, callback_data=overdue)
    listing = await coordinator.wait_for_edit(summary, lambda m: "Overdue — Минтруд: 2" in m.text)
    assert "Обучение сотрудников" in listing.text and "Отчёт о поверке" not in listing.text
    assert "deadline" in listing.text

    coordinator.press(listing, text="1. 1 Обучение сотрудников")
    card = await coordinator.wait_for_edit(
        listing, lambda m: "Plan:" in m.text, min_edits=listing.edit_count + 1
    )
    assert "Обучение сотрудников" in card.text

    coordinator.press(card, text="« Back to the list")
    again = await coordinator.wait_for_edit(
        card, lambda m: "Overdue — Минтруд: 2" in m.text, min_edits=card.edit_count + 1
    )
    coordinator.press(again, text="« Back")
    back = await coordinator.wait_for_edit(
        again, lambda m: "Summary: План мероприятий" in m.text, min_edits=again.edit_count + 1
    )
    # The body's name opens the body: its people; "Whole plan" returns.
    coordinator.press(back, text="1. Минтруд")
    labour = await coordinator.wait_for_edit(
        back, lambda m: "Олег Трудов" in m.text, min_edits=back.edit_count + 1
    )
    coordinator.press(labour, text="« Whole plan")
    await coordinator.wait_for_edit(
        labour, lambda m: "Summary: План мероприятий" in m.text, min_edits=labour.edit_count + 1
    )


async def test_an_official_is_refused_politely_and_a_head_sees_their_body_only(
    running_bot, plan11
) -> None:
    official = user(running_bot, OFFICIAL)
    official.send_command("/summary")
    refusal = await official.wait_for_message()
    assert "Summaries are for coordinators and heads of bodies" in refusal.text

    head = user(running_bot, HEAD)
    head.send_command("/summary")
    own = await head.wait_for_message()
    assert "Минтруд" in own.text and "Минцифры" not in own.text
    assert "Overdue: 2" in own.text

    # A button the head was never shown, for a body not theirs: re-checked, refused.
    forged = MeasureList(listed=Listed.ALL, body=plan11.digital).pack()
    refused = await press_forged(running_bot, head, forged)
    assert "not available" in (refused.text or "")
    head.send_command("/org", args="Минцифры")
    answer = await head.wait_for_message()
    assert "No body matches" in answer.text


async def test_overdue_upcoming_and_section_lists(running_bot, plan11) -> None:
    coordinator = user(running_bot, COORDINATOR)
    coordinator.send_command("/overdue")
    overdue = await coordinator.wait_for_message("Overdue")
    assert "Overdue: 2" in overdue.text.splitlines()[0]
    coordinator.send_command("/upcoming", args="5")
    upcoming = await coordinator.wait_for_message("Deadlines within 5 days")
    assert "Реинжиниринг процессов" in upcoming.text and "Минцифры" in upcoming.text
    coordinator.send_command("/org", args="минтруд")
    labour = await coordinator.wait_for_message("Минтруд")
    assert "Registered" in labour.text and "Олег Трудов" in labour.text


async def test_plans_and_start_show_reports_under_review_apart_from_overdue(
    running_bot, plan11
) -> None:
    coordinator = user(running_bot, COORDINATOR)
    coordinator.send_command("/plans")
    plans = await coordinator.wait_for_message("План мероприятий")
    assert "overdue: 2" in plans.text
    assert "under review: 1 (past the deadline: 1)" in plans.text

    head = user(running_bot, HEAD)
    head.send_command("/start")
    greeting = await head.wait_for_message()
    assert "answer for 2 open measures" in greeting.text
    assert "2 of them are overdue" in greeting.text
    assert "1 report waits for review" in greeting.text

    head.send_command("/my")
    mine = await head.wait_for_message()
    assert "Overdue: 2" in mine.text
    assert "Under review: 1 (past the deadline: 1)" in mine.text


async def test_a_name_matching_many_bodies_offers_the_first_ones_and_asks_for_more_words(
    running_bot, plan11
):
    async with running_bot.sessionmaker() as session, session.begin():
        districts = [body(f"Администрация района № {n}", f"Район {n}") for n in range(1, 36)]
        session.add_all(districts)
        await session.flush()
        for number, district in enumerate(districts, start=10):
            work = measure(await session.get(Plan, plan11.plan), str(number), "Работа", None)
            session.add(work)
            await session.flush()
            session.add(Assignment(measure_id=work.id, organization_id=district.id, is_lead=True))
    coordinator = user(running_bot, COORDINATOR)

    coordinator.send_command("/org район")
    question = await coordinator.wait_for_message("Which body?")

    assert "35 match: write more of the name to narrow them." in question.text
    assert len(running_bot.emulator.button_texts(question)) == 30
    coordinator.send_command("/org район 7")
    district = await coordinator.wait_for_message("Район 7")
    assert "Which body?" not in district.text
