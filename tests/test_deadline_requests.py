"""An official asks for a new deadline from the card or a reminder; the coordinators decide; the
bodies concerned are told of every change of their measures, once, in one message per change set.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.access import Roles
from bot.change_announcements import MEASURES_PER_MESSAGE
from bot.change_notices import DEADLINE_DECIDED, MEASURES_CHANGED
from bot.deadline_requests import (
    QuickDate,
    check_requested_day,
    decidable_request,
    decide_request,
    quick_dates,
    request_deadline,
)
from bot.notification_kinds import REMINDER, ReminderItem, ReminderNotice
from bot.presentation.deadline_requests import DeadlineChoice
from bot.presentation.official_requests import OfficialRequest, RequestKind
from bot.presentation.text_limits import fits_message
from bot.refusals import Refusal, Refused
from bot.reminder_policy import Audience
from models.tables import (
    AuditEvent,
    DeadlineChange,
    DeadlineChangeStatus,
    Measure,
    Membership,
    Notification,
    Official,
    Organization,
    Role,
)
from scheduler.change_messages import render_measures_changed
from scheduler.notifications import Delivery
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import (
    COORDINATOR_A,
    COORDINATOR_B,
    OFFICIAL_A,
    OFFICIAL_AB,
    OFFICIAL_B,
    World,
    make_world,
    open_card,
    press_forged,
    rows,
    settled,
    today,
    user,
)
from tests.test_plan_import_chat import plan_csv, send_plan
from tests.test_reports import open_my_card


@pytest.fixture
async def world(running_bot) -> World:
    """The world of test_coordination; its people chose English (as in test_reports)."""
    created = await make_world(running_bot.sessionmaker, today(running_bot))
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(update(Official).values(locale="en"))
    return created


REASON = "Ждём заключения <Минюста> & подписи"


def day(value: date) -> str:
    return f"{value:%d.%m.%Y}"


# --- Pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "today_", "week", "month", "quarter"),
    [
        # The deadline still ahead: counted from it.
        (
            date(2026, 1, 31),
            date(2026, 1, 10),
            date(2026, 2, 7),
            date(2026, 2, 28),
            date(2026, 3, 31),
        ),
        # Already passed: from today.
        (
            date(2025, 12, 1),
            date(2026, 5, 5),
            date(2026, 5, 12),
            date(2026, 6, 5),
            date(2026, 6, 30),
        ),
        # On the quarter's last day: the next quarter's end.
        (
            date(2026, 3, 31),
            date(2026, 3, 1),
            date(2026, 4, 7),
            date(2026, 4, 30),
            date(2026, 6, 30),
        ),
        # No deadline: from today; December rolls over the year.
        (None, date(2026, 12, 20), date(2026, 12, 27), date(2027, 1, 20), date(2026, 12, 31)),
    ],
)
def test_quick_dates_count_from_the_deadline_while_it_is_ahead(
    deadline, today_, week, month, quarter
):
    assert quick_dates(deadline, today_) == {
        QuickDate.WEEK: week,
        QuickDate.MONTH: month,
        QuickDate.QUARTER: quarter,
    }


def test_a_new_deadline_is_asked_only_for_a_later_day():
    today_, deadline = date(2026, 5, 5), date(2026, 5, 20)
    with pytest.raises(Refused) as refused:
        check_requested_day(deadline, today_, today_)
    assert refused.value.refusal is Refusal.DEADLINE_NOT_AFTER_TODAY
    with pytest.raises(Refused) as refused:
        check_requested_day(deadline, deadline, today_)
    assert refused.value.refusal is Refusal.DEADLINE_NOT_LATER
    assert refused.value.details == {"deadline": "2026-05-20"}
    check_requested_day(deadline, deadline + timedelta(days=1), today_)
    check_requested_day(None, today_ + timedelta(days=1), today_)


# --- In the chat --------------------------------------------------------------------------------


async def ask_month(official, card, month: date) -> None:
    official.press(card, text="Move the deadline")
    prompt = await official.wait_for_message("To which date should the deadline of measure 1.1.")
    official.press(prompt, text=f"A month later: {day(month)}")
    await official.wait_for_message(f"Why does measure 1.1. need the deadline {day(month)}?")
    official.send_text(REASON)
    await official.wait_for_message("The request is sent to the coordinators")


async def test_an_approved_request_moves_the_deadline_and_everyone_concerned_is_told(
    running_bot, world
):
    official = user(running_bot, OFFICIAL_A)
    head = user(running_bot, OFFICIAL_AB)  # the head of the same body
    coordinator = user(running_bot, COORDINATOR_A)
    now = today(running_bot)
    month = quick_dates(now, now)[QuickDate.MONTH]
    card = await open_my_card(official, "Утверждён порядок")
    await ask_month(official, card, month)

    review = await coordinator.wait_for_message("A request to move a deadline", timeout=15)
    assert "1.1." in review.text and "Утверждён порядок обратной связи" in review.text
    assert "Body: Министерство труда и социальной защиты" in review.text
    assert "Asked by Олег Трудов" in review.text
    assert f"Deadline: {day(now)} → asked: {day(month)}" in review.text
    assert f"Reason: {REASON}" in review.text
    assert "&lt;Минюста&gt; &amp; подписи" in review.html
    [request] = await rows(running_bot, DeadlineChange)
    assert request.status is DeadlineChangeStatus.REQUESTED

    coordinator.press(review, text="Approve")
    await coordinator.wait_for_message(
        f"Approved: the deadline of measure 1.1. is moved to {day(month)}"
    )
    told = await official.wait_for_message("is approved by Анна Координатова", timeout=15)
    assert day(month) in told.text and "Reminders now follow the new deadline" in told.text
    announced = await head.wait_for_message("Changes concerning your body: 1 measure", timeout=15)
    assert f"deadline: {day(now)} → {day(month)}" in announced.text

    [measure] = await rows(running_bot, Measure, Measure.id == world.feedback)
    assert measure.deadline == month
    [request] = await rows(running_bot, DeadlineChange)
    [anna] = await rows(running_bot, Official, Official.telegram_id == COORDINATOR_A)
    assert request.status is DeadlineChangeStatus.APPLIED
    assert request.decided_by_id == anna.id and request.decided_at is not None
    [event] = await rows(running_bot, AuditEvent, AuditEvent.action == "deadline_changed")
    assert (event.old_value, event.new_value) == (now.isoformat(), month.isoformat())

    # The card shows the new deadline, the request and the decision.
    official.press(told, text="Measure card")
    card = await official.wait_for_edit(told, lambda m: "Plan:" in (m.text or ""))
    assert f"Deadline {day(month)} (in " in card.text
    assert f"Олег Трудов: new deadline requested: {day(now)} → {day(month)} ({REASON})" in card.text
    assert f"Анна Координатова: deadline moved: {day(now)} → {day(month)}" in card.text

    # The asker learns of it once (the decision), the coordinator who decided not at all.
    await settled(official)
    await settled(coordinator)
    assert not [m for m in official.messages if "Changes concerning your body" in (m.text or "")]
    assert not [m for m in coordinator.messages if "Changes concerning your body" in (m.text or "")]


async def test_a_declined_request_says_why_and_a_second_decision_is_refused(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    coordinator = user(running_bot, COORDINATOR_A)
    now = today(running_bot)
    later = now + timedelta(days=45)
    card = await open_my_card(official, "Утверждён порядок")
    official.press(card, text="Move the deadline")
    await official.wait_for_message("To which date should the deadline of measure 1.1.")
    official.send_text("после праздников")
    await official.wait_for_message("I could not read a date in «после праздников»")
    official.send_text(day(now - timedelta(days=1)))
    await official.wait_for_message("The new deadline must be after today. Send another date.")
    official.send_text(f"{later:%d.%m.%y}")  # a two-digit year
    await official.wait_for_message(f"Why does measure 1.1. need the deadline {day(later)}?")
    official.send_text("   ")
    await official.wait_for_message("Please write the reason in words.")
    official.send_text("Смена подрядчика")
    await official.wait_for_message("The request is sent to the coordinators")

    review = await coordinator.wait_for_message("A request to move a deadline", timeout=15)
    coordinator.press(review, text="Decline")
    await coordinator.wait_for_message("Why is the new deadline of measure 1.1. declined?")
    coordinator.send_text("Срок установлен <распоряжением> & не переносится")
    await coordinator.wait_for_message("The new deadline of measure 1.1. is declined")
    told = await official.wait_for_message("is declined by Анна Координатова", timeout=15)
    assert "Reason: Срок установлен <распоряжением> & не переносится" in told.text
    assert "The deadline stays as it was." in told.text

    # A second press (another coordinator, or the same one) changes nothing.
    pressed = coordinator.press(review, text="Approve")
    answer = await coordinator.wait_for_callback_answer(pressed.callback_query_id)
    assert answer.text == "This request has already been decided."
    [measure] = await rows(running_bot, Measure, Measure.id == world.feedback)
    assert measure.deadline == now
    [request] = await rows(running_bot, DeadlineChange)
    assert request.status is DeadlineChangeStatus.REJECTED
    assert request.decision_reason == "Срок установлен <распоряжением> & не переносится"

    official.press(told, text="Measure card")
    card = await official.wait_for_edit(told, lambda m: "Plan:" in (m.text or ""))
    assert f"new deadline requested: {day(now)} → {day(later)} (Смена подрядчика)" in card.text
    assert "new deadline refused" in card.text and "не переносится" in card.text
    # Once decided, the body may ask again.
    assert "Move the deadline" in card.flat_button_texts()


async def test_one_open_request_per_body_and_measure(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    head = user(running_bot, OFFICIAL_AB)
    now = today(running_bot)
    month = quick_dates(now, now)[QuickDate.MONTH]
    card = await open_my_card(official, "Утверждён порядок")
    await ask_month(official, card, month)

    card = await open_my_card(official, "Утверждён порядок")
    pressed = official.press(card, text="Move the deadline")
    answer = await official.wait_for_callback_answer(pressed.callback_query_id)
    assert answer.text.startswith(
        f"Your body's request to move this deadline (to {day(month)}) is waiting"
    )
    # The body's head asks for the same body: the same answer.
    answer = await press_forged(
        running_bot,
        head,
        DeadlineChoice(measure_id=world.feedback, choice=QuickDate.WEEK).pack(),
    )
    assert answer.text.startswith("Your body's request to move this deadline")

    # The database holds to it too.
    [request] = await rows(running_bot, DeadlineChange)
    with pytest.raises(IntegrityError):
        async with running_bot.sessionmaker() as session, session.begin():
            session.add(
                DeadlineChange(
                    measure_id=request.measure_id,
                    assignment_id=request.assignment_id,
                    status=DeadlineChangeStatus.REQUESTED,
                    new_deadline=month + timedelta(days=1),
                    reason="ещё раз",
                )
            )


async def test_a_request_on_a_done_or_excluded_measure_is_refused(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(
            update(Measure).where(Measure.id == world.feedback).values(done_on=today(running_bot))
        )
    card = await open_my_card(official, "Утверждён порядок", "Done")
    assert "Move the deadline" not in card.flat_button_texts()
    for data in (
        OfficialRequest(kind=RequestKind.DEADLINE, measure_id=world.feedback),
        DeadlineChoice(measure_id=world.feedback, choice=QuickDate.MONTH),
    ):
        answer = await press_forged(running_bot, official, data.pack())
        assert answer.text == "This measure is already done."
    # Nor on one excluded from the plan.
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(
            update(Measure)
            .where(Measure.id == world.training)
            .values(removed_at=running_bot.settings.now())
        )
    answer = await press_forged(
        running_bot,
        official,
        OfficialRequest(kind=RequestKind.DEADLINE, measure_id=world.training).pack(),
    )
    assert answer.text.startswith("This measure was removed from the plan")
    assert await rows(running_bot, DeadlineChange) == []


async def test_a_reminder_offers_the_requests_for_its_most_urgent_measure(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    now = running_bot.settings.now()
    items = [
        ReminderItem(
            measure_id=measure_id,
            plan_id=world.plan_a,
            plan="План А",
            number=number,
            title=title,
            deadline=deadline,
            result=None,
            body=None,
            audience=Audience.EXECUTOR,
            point=None,
            days_before=None,
            working_days_overdue=None,
        )
        for measure_id, number, title, deadline in (
            (world.training, "1.", "Обучение сотрудников", today(running_bot) + timedelta(days=30)),
            (world.feedback, "1.1.", "Утверждён порядок", today(running_bot)),
        )
    ]
    async with running_bot.sessionmaker() as session, session.begin():
        [person] = await rows(running_bot, Official, Official.telegram_id == OFFICIAL_A)
        session.add(
            Notification(
                recipient_id=person.id,
                chat_id=OFFICIAL_A,
                kind=REMINDER,
                dedup_key="reminder",
                payload=ReminderNotice(tuple(items), "Europe/Moscow").to_json(),
                not_before=now,
                updated_at=now,
            )
        )
    reminder = await official.wait_for_message("Deadlines of your measures", timeout=20)
    official.press(reminder, text="Move the deadline")  # the most urgent one: 1.1.
    await official.wait_for_message("To which date should the deadline of measure 1.1.")


# --- Announced changes --------------------------------------------------------------------------

CULTURE, SPORT = "Комитет по культуре", "Комитет по спорту"
CULTURE_OFFICIAL, CULTURE_HEAD, SPORT_OFFICIAL = 3101, 3102, 3103


def plan_version(count: int, deadline: date, *, moved: int, dropped: int) -> bytes:
    """The plan as a CSV file: measures 1…count of «Комитет по культуре»; measure `moved` is
    the sports committee's and measure `dropped` is not in this version (0: none)."""
    return plan_csv(
        [
            f"{n}.;Мероприятие номер {n} {'с длинным наименованием ' * 8};{day(deadline)};"
            f"{SPORT if n == moved else CULTURE};отчёт"
            for n in range(1, count + 1)
            if n != dropped
        ],
        title="План культуры",
    )


async def save_plan(admin, content: bytes, done: str) -> None:
    preview = await send_plan(admin, content)
    admin.press(preview, text="Сохранить план")
    await admin.wait_for_edit(preview, done, min_edits=2, timeout=30)


async def test_a_reimport_tells_each_person_once_in_one_grouped_message(running_bot):
    first, second = date(2026, 6, 30), date(2026, 9, 30)
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    await save_plan(admin, plan_version(42, first, moved=0, dropped=0), "сохранён")
    async with running_bot.sessionmaker() as session, session.begin():
        culture = await session.scalar(
            select(Organization.id).where(Organization.full_name == CULTURE)
        )
        for telegram_id, role in ((CULTURE_OFFICIAL, Role.OFFICIAL), (CULTURE_HEAD, Role.HEAD)):
            person = Official(telegram_id=telegram_id, first_name="К", locale="en")
            session.add(person)
            await session.flush()
            session.add(Membership(official_id=person.id, role=role, organization_id=culture))
    # The new version: every deadline moved, measure 41 passes to sport, measure 42 is gone.
    await save_plan(admin, plan_version(42, second, moved=41, dropped=42), "обновлён")

    notices = await rows(running_bot, Notification, Notification.kind == MEASURES_CHANGED)
    by_person = {}
    for notice in notices:
        by_person.setdefault(notice.chat_id, []).append(notice)
    # The body's official and head; not the administrator who loaded it; sport has nobody yet.
    assert set(by_person) == {CULTURE_OFFICIAL, CULTURE_HEAD}
    # 40 deadlines, measure 41 no longer theirs, measure 42 excluded: one change set, 42
    # measures, in two parts of at most MEASURES_PER_MESSAGE.
    parts = sorted(by_person[CULTURE_OFFICIAL], key=lambda notice: notice.payload["part"])
    assert [len(notice.payload["measures"]) for notice in parts] == [MEASURES_PER_MESSAGE, 2]
    assert {(n.payload["total"], n.payload["parts"]) for n in parts} == {(42, 2)}

    messages = await user(running_bot, CULTURE_OFFICIAL).wait_for_messages(2, timeout=20)
    assert all("Changes concerning your body: 42 measures" in m.text for m in messages)
    text = "\n".join(m.text for m in messages)
    assert text.count(f"deadline: {day(first)} → {day(second)}") == 40
    assert "executor removed: Комитет по спорту" not in text
    assert "executor removed: Комитет по культуре" in text
    assert "excluded from the plan" in text
    assert "(part 1 of 2)" in messages[0].text and "(part 2 of 2)" in messages[1].text


def test_forty_changed_measures_fit_one_message_whatever_their_titles():
    long = "Очень длинное наименование мероприятия " * 20
    payload = {
        "total": 40,
        "measures": [
            {
                "measure_id": n,
                "plan": "План " * 60,
                "number": f"{n}.{n}.{n}.{n}.{n}.{n}.",
                "title": long,
                "changes": [
                    {"kind": "wording"},
                    {"kind": "deadline", "old": "2026-01-01", "new": "2026-02-02"},
                    {"kind": "body_added", "body": long},
                    {"kind": "body_removed", "body": long},
                    {"kind": "excluded"},
                ],
            }
            for n in range(40)
        ],
    }
    delivery = Delivery(now=datetime(2026, 1, 1, tzinfo=UTC))
    text, keyboard = render_measures_changed(
        payload, lambda s: s, lambda one, many, n: many, delivery
    )
    assert fits_message(text)
    assert text.count("• ") == 40  # every measure is listed, in the shortest form
    assert len(keyboard.inline_keyboard) == 10


async def test_a_coordinators_changes_are_told_to_the_bodies_concerned(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    oleg = user(running_bot, OFFICIAL_A)  # official of «Минтруд»
    head = user(running_bot, OFFICIAL_AB)  # its head (and official of the tourism committee)
    tamara = user(running_bot, OFFICIAL_B)  # the tourism committee only
    card = await open_card(anna, "реинжиниринг", "2. Реинжиниринг процессов")
    anna.press(card, text="Assign a body")
    await anna.wait_for_message("Type part of the name of the body")
    anna.send_text("минтруд")
    choice = await anna.wait_for_message("Which body answers for measure 2.?")
    anna.press(choice, text="Минтруд — Министерство труда и социальной защиты")
    edited = await anna.wait_for_edit(choice, "is assigned as a co-executor")
    for person in (oleg, head):
        told = await person.wait_for_message("Changes concerning your body: 1 measure", timeout=15)
        assert "2." in told.text and "executor added: Минтруд" in told.text
        assert "Реинжиниринг процессов" in told.flat_button_texts()[0]

    anna.press(edited, text="Remove a body")
    picker = await anna.wait_for_edit(edited, "Which body no longer answers", min_edits=2)
    anna.press(picker, text="Минтруд")
    await anna.wait_for_edit(picker, "no longer answers for this measure", min_edits=3)
    for person in (oleg, head):
        told = await person.wait_for_message("Changes concerning your body: 1 measure", timeout=15)
        assert "executor removed: Минтруд" in told.text

    card = await open_card(anna, "1.1", "1.1. Утверждён порядок обратной связи")
    anna.press(card, text="Change the deadline")
    await anna.wait_for_message("Send the new deadline of measure 1.1.")
    anna.send_text("5.3.27")
    await anna.wait_for_message("Why is the deadline of measure 1.1. moved")
    anna.send_text("Письмо Минфина")
    await anna.wait_for_message("The deadline is moved")
    for person in (oleg, head):
        told = await person.wait_for_message("Changes concerning your body: 1 measure", timeout=15)
        assert f"deadline: {day(today(running_bot))} → 05.03.2027" in told.text

    # Told once each; nobody else (not the coordinator, not another body's official).
    for person in (oleg, head, anna, tamara):
        await settled(person)
    assert len([m for m in oleg.messages if "Changes concerning your body" in (m.text or "")]) == 3
    assert len([m for m in head.messages if "Changes concerning your body" in (m.text or "")]) == 3
    assert not [m for m in anna.messages if "Changes concerning your body" in (m.text or "")]
    assert not [m for m in tamara.messages if "Changes concerning your body" in (m.text or "")]


async def test_of_two_decisions_at_once_only_the_first_counts(sessionmaker, monkeypatch):
    now = datetime.now(UTC)
    world = await make_world(sessionmaker, now.date())
    async with sessionmaker() as session, session.begin():
        [oleg, anna, boris] = [
            await session.scalar(select(Official).where(Official.telegram_id == telegram_id))
            for telegram_id in (OFFICIAL_A, COORDINATOR_A, COORDINATOR_B)
        ]
        requested = await request_deadline(
            session,
            Roles(official_organization_ids=frozenset({world.labour})),
            official=oleg,
            measure_id=world.feedback,
            day=now.date() + timedelta(days=20),
            reason="Смена подрядчика",
            today=now.date(),
            now=now,
            admin_telegram_ids=frozenset(),
        )
    coordinators = Roles(coordinator_plan_ids=frozenset({world.plan_a}))
    async with sessionmaker() as session:
        # The second coordinator's press read the request while it still waited…
        stale = await decidable_request(session, coordinators, requested.change_id)
    async with sessionmaker() as session, session.begin():
        await decide_request(
            session,
            coordinators,
            coordinator=await session.get_one(Official, anna.id),
            change_id=requested.change_id,
            approve=True,
            now=now,
        )

    # …and decides after the first decision is saved: the conditional update finds nothing.
    async def read_before_the_first(*_: object) -> object:
        return stale

    monkeypatch.setattr("bot.deadline_requests.decidable_request", read_before_the_first)
    with pytest.raises(Refused) as refused:
        async with sessionmaker() as session, session.begin():
            await decide_request(
                session,
                coordinators,
                coordinator=await session.get_one(Official, boris.id),
                change_id=requested.change_id,
                approve=False,
                reason="Нет",
                now=now,
            )
    assert refused.value.refusal is Refusal.ALREADY_DECIDED
    async with sessionmaker() as session:
        change = await session.get_one(DeadlineChange, requested.change_id)
        assert change.status is DeadlineChangeStatus.APPLIED and change.decided_by_id == anna.id
        notices = list(
            await session.scalars(
                select(Notification.chat_id).where(Notification.kind == DEADLINE_DECIDED)
            )
        )
        assert notices == [OFFICIAL_A]  # told once, of the decision that counted


async def test_cancel_leaves_the_request_unsent(running_bot, world):
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    official.press(card, text="Move the deadline")
    await official.wait_for_message("To which date should the deadline of measure 1.1.")
    official.send_text(day(today(running_bot) + timedelta(days=10)))
    await official.wait_for_message("Why does measure 1.1. need the deadline")
    official.send_command("/cancel")
    await official.wait_for_message("Cancelled.")
    official.send_text("Причина, написанная слишком поздно")
    await settled(official)
    assert await rows(running_bot, DeadlineChange) == []


async def test_a_refusal_in_the_middle_ends_the_dialog(running_bot, world):
    """The measure is done while its new date is being typed: the request is refused, and the
    next date typed is no longer taken for this dialog (the cleared dialog is kept although
    the refusal rolls the update back)."""
    official = user(running_bot, OFFICIAL_A)
    card = await open_my_card(official, "Утверждён порядок")
    official.press(card, text="Move the deadline")
    await official.wait_for_message("To which date should the deadline of measure 1.1.")
    done = update(Measure).where(Measure.id == world.feedback)
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(done.values(done_on=today(running_bot)))
    official.send_text(day(today(running_bot) + timedelta(days=10)))
    await official.wait_for_message("This measure is already done.")
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(done.values(done_on=None))
    official.send_text(day(today(running_bot) + timedelta(days=11)))
    await official.wait_for_message("I did not understand that.")
    assert not [m for m in official.messages if "Why does measure 1.1. need" in (m.text or "")]
    assert await rows(running_bot, DeadlineChange) == []


async def test_a_request_overtaken_by_a_later_deadline_cannot_bring_it_back(sessionmaker):
    now = datetime.now(UTC)
    world = await make_world(sessionmaker, now.date())
    async with sessionmaker() as session, session.begin():
        oleg, anna = [
            await session.scalar(select(Official).where(Official.telegram_id == telegram_id))
            for telegram_id in (OFFICIAL_A, COORDINATOR_A)
        ]
        requested = await request_deadline(
            session,
            Roles(official_organization_ids=frozenset({world.labour})),
            official=oleg,
            measure_id=world.feedback,
            day=now.date() + timedelta(days=20),
            reason="Смена подрядчика",
            today=now.date(),
            now=now,
            admin_telegram_ids=frozenset(),
        )
    later = now.date() + timedelta(days=60)
    async with sessionmaker() as session, session.begin():
        # Meanwhile a coordinator moved the deadline past the date asked, from the card.
        (await session.get_one(Measure, world.feedback)).deadline = later
    coordinators = Roles(coordinator_plan_ids=frozenset({world.plan_a}))
    with pytest.raises(Refused) as refused:
        async with sessionmaker() as session, session.begin():
            await decide_request(
                session,
                coordinators,
                coordinator=await session.get_one(Official, anna.id),
                change_id=requested.change_id,
                approve=True,
                now=now,
            )
    assert refused.value.refusal is Refusal.REQUEST_OVERTAKEN
    async with sessionmaker() as session:
        assert (await session.get_one(Measure, world.feedback)).deadline == later
        change = await session.get_one(DeadlineChange, requested.change_id)
        assert change.status is DeadlineChangeStatus.REQUESTED  # it can still be declined
