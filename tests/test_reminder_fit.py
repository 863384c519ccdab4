"""Reminders, escalations and every other notification fit Telegram whatever their size; the
"show all" button opens the complete list; a refused message never costs a reminder."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.change_announcements import MEASURES_PER_MESSAGE
from bot.change_notices import DEADLINE_DECIDED, DEADLINE_REQUESTED, MEASURES_CHANGED
from bot.config import Settings
from bot.due_lists import DueList
from bot.entry.app import create_bot, create_dispatcher
from bot.entry.translations import create_i18n
from bot.notification_kinds import NOBODY_TO_REMIND
from bot.presentation.callbacks import DueListPage
from bot.presentation.text_limits import KEYBOARD_BUTTON_LIMIT, MESSAGE_LIMIT, utf16_length
from bot.report_notifications import REPORT_REVIEWED_KIND, REPORT_SUBMITTED_KIND
from models.tables import (
    Assignment,
    Measure,
    Membership,
    Notification,
    NotificationStatus,
    Official,
    Organization,
    Plan,
    ReminderMark,
    Role,
)
from scheduler import (  # noqa: F401  (register renderers)
    change_messages,
    reminder_messages,
    report_messages,
)
from scheduler.notifications import UNREACHABLE
from scheduler.reminders import REMINDER_KIND, write_due_reminders
from scheduler.sender import OutboxSender
from tests.conftest import TEST_TOKEN, RunningBot

MOSCOW = "Europe/Moscow"
# Wednesday 14 May 2025, 10:00 in Moscow: a working morning.
WEDNESDAY = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)
TODAY = date(2025, 5, 14)
# 2,000 characters with everything HTML cares about.
LONG = ("Обеспечение <организации> & «контроля» " * 60)[:2000]

_chats = itertools.count(950_000_001)


def long_text(index: int) -> str:
    return f"{index} {LONG}"


def reminder_items(count: int, audience: str) -> list[dict]:
    return [
        {
            "audience": audience,
            "measure_id": 1_000_000 + index,
            "plan_id": 1,
            "plan": LONG,
            "number": f"{index}.{index}.{index}.{LONG}",
            "title": long_text(index),
            # From 40 days overdue to 14 days ahead.
            "deadline": (TODAY + timedelta(days=index % 55 - 40)).isoformat(),
            "result": long_text(index),
            # Every item of its own body: as many bodies as items.
            "body": long_text(index),
            "kind": "overdue",
            "days_before": None,
            "working_days_overdue": 3,
        }
        for index in range(count)
    ]


def payloads(count: int) -> dict[str, tuple[str, dict]]:
    """Every notification kind the bot sends, with `count` items of long text."""
    request = {
        "change_id": 1,
        "measure_id": 1,
        "number": LONG,
        "title": LONG,
        "coordinator": LONG,
        "deadline": "2025-05-14",
        "requested": "2025-06-30",
    }
    report = {
        "report_id": 1,
        "measure_id": 1,
        "number": LONG,
        "title": LONG,
        "body": LONG,
        "person": LONG,
        "reviewer": LONG,
        "documents": count,
    }
    return {
        "official reminder": (
            REMINDER_KIND,
            {"timezone": MOSCOW, "items": reminder_items(count, "executor")},
        ),
        "head escalation": (
            REMINDER_KIND,
            {"timezone": MOSCOW, "items": reminder_items(count, "head")},
        ),
        "coordinator escalation": (
            REMINDER_KIND,
            {
                "timezone": "Asia/Vladivostok",
                "items": reminder_items(count, "coordinator") + reminder_items(count, "executor"),
            },
        ),
        "nobody to remind": (
            NOBODY_TO_REMIND,
            {"timezone": MOSCOW, "items": reminder_items(count, "executor")},
        ),
        "report submitted": (REPORT_SUBMITTED_KIND, {**report, "comment": LONG * count}),
        "report accepted": (
            REPORT_REVIEWED_KIND,
            {**report, "accepted": True, "measure_done": True},
        ),
        "report returned": (
            REPORT_REVIEWED_KIND,
            {**report, "accepted": False, "reason": LONG * count},
        ),
        "unreachable": (
            UNREACHABLE,
            {"official_id": 1, "person": LONG, "bodies": [long_text(i) for i in range(count)]},
        ),
        "deadline requested": (
            DEADLINE_REQUESTED,
            {**request, "plan": LONG, "body": LONG, "person": LONG, "reason": LONG * count},
        ),
        "deadline approved": (DEADLINE_DECIDED, {**request, "approved": True}),
        "deadline declined": (
            DEADLINE_DECIDED,
            {**request, "approved": False, "reason": LONG * count},
        ),
        "measures changed": (
            MEASURES_CHANGED,
            {
                "total": count,
                "parts": 1 + count // MEASURES_PER_MESSAGE,
                "measures": [
                    {
                        "measure_id": index + 1,
                        "plan": LONG,
                        "number": f"{index}.{LONG}",
                        "title": long_text(index),
                        "changes": [
                            {"kind": "body_added", "body": long_text(index)},
                            {"kind": "deadline", "old": "2025-05-01", "new": "2025-06-01"},
                            {"kind": "body_removed", "body": LONG},
                            {"kind": "wording"},
                            {"kind": "excluded"},
                        ],
                    }
                    for index in range(min(count, MEASURES_PER_MESSAGE))
                ],
            },
        ),
    }


def make_sender(emulator, sessionmaker, bot, now: datetime = WEDNESDAY) -> OutboxSender:
    return OutboxSender(bot, sessionmaker, create_i18n(), clock=lambda: now, per_chat_interval=0.05)


@pytest.fixture
async def bot(emulator):
    bot = emulator.create_bot()
    yield bot
    await bot.session.close()


async def add_person(sessionmaker, emulator, telegram_id: int, locale: str | None = None) -> int:
    emulator.user(telegram_id, first_name="Анна")
    async with sessionmaker() as session, session.begin():
        official = Official(telegram_id=telegram_id, first_name="Анна", locale=locale)
        session.add(official)
        await session.flush()
        return official.id


@pytest.mark.parametrize("count", [1, 10, 100, 500])
async def test_every_kind_fits_telegram_whatever_its_size(
    emulator, sessionmaker, bot, caplog, count
):
    sent: dict[int, str] = {}
    for (name, (kind, payload)), locale in itertools.product(payloads(count).items(), ("ru", "en")):
        chat = next(_chats)
        person = await add_person(sessionmaker, emulator, chat, locale)
        async with sessionmaker() as session, session.begin():
            session.add(
                Notification(
                    recipient_id=person,
                    chat_id=chat,
                    kind=kind,
                    dedup_key=f"fit:{count}:{chat}",
                    payload=payload,
                    not_before=WEDNESDAY,
                    updated_at=WEDNESDAY,
                )
            )
        sent[chat] = f"{name} ({locale})"

    with caplog.at_level(logging.ERROR, logger="scheduler.sender"):
        stats = await make_sender(emulator, sessionmaker, bot).drain_once()

    # Telegram's validation took every message as built: no refusal, no safe form needed.
    assert (stats.sent, stats.failed, stats.retried) == (len(sent), 0, 0)
    assert [c.status for c in emulator.calls_to("sendMessage")] == [200] * len(sent)
    assert caplog.records == []
    for chat, name in sent.items():
        [message] = emulator.messages(chat)
        assert 0 < utf16_length(message.text) <= MESSAGE_LIMIT, name
        buttons = message.buttons()
        assert len(buttons) <= KEYBOARD_BUTTON_LIMIT, name
        assert all(len(b["callback_data"].encode()) <= 64 for b in buttons), name
        # Escaped once: shown literally, never as an entity.
        assert "<организации> &" in message.text and "&amp;" not in message.text, name


async def test_a_big_reminder_is_a_digest_with_the_most_urgent_first(emulator, sessionmaker, bot):
    chat = next(_chats)
    person = await add_person(sessionmaker, emulator, chat)
    payload = {"timezone": MOSCOW, "items": reminder_items(300, "executor")}
    async with sessionmaker() as session, session.begin():
        session.add(
            Notification(
                recipient_id=person,
                chat_id=chat,
                kind=REMINDER_KIND,
                dedup_key="digest",
                payload=payload,
                not_before=WEDNESDAY,
                updated_at=WEDNESDAY,
            )
        )
    await make_sender(emulator, sessionmaker, bot).drain_once()
    [message] = emulator.messages(chat)
    text = message.text
    assert text.startswith("Сроки ваших мероприятий: 300")
    # 40 days overdue down to 14 ahead, 55 deadlines: counted by urgency.
    deadlines = [item["deadline"] for item in payload["items"]]
    overdue = sum(1 for day in deadlines if day < TODAY.isoformat())
    today = deadlines.count(TODAY.isoformat())
    assert f"просрочено: {overdue} · срок сегодня: {today} · скоро: {300 - overdue - today}" in text
    # The five most overdue in full (the deadline 40 days ago), then how many more.
    assert text.count("Срок 04.04.2025 (просрочено на") == 5
    assert "…и ещё 295 мероприятий" in text
    rows = message.button_texts()
    # Under the most urgent one, the requests to the coordinators: one tap from the reminder.
    assert [len(row) for row in rows] == [2, 2, 1, 2, 2, 2, 2, 1]
    assert rows[1] == ["Перенести срок", "Вопрос координатору"]
    assert rows[2] == ["Не наше мероприятие"]
    assert {row[1] for row in rows[:1] + rows[3:7]} == {"Отчитаться"}
    assert rows[7] == ["Все мои сроки"]


# --- The complete list behind the button ------------------------------------------------------


@pytest.fixture
async def shifted_bot(emulator, engine, sessionmaker, tmp_path) -> AsyncIterator[RunningBot]:
    """The bot with its clock on WEDNESDAY (every `now` it takes comes from Settings)."""
    settings = Settings(
        bot_token=TEST_TOKEN,
        telegram_api_url=emulator.base_url,
        data_dir=tmp_path / "data",
        clock_shift_seconds=(WEDNESDAY - datetime.now(UTC)).total_seconds(),
        _env_file=None,
    )
    bot = create_bot(settings)
    dispatcher = create_dispatcher(settings, engine, sessionmaker, create_i18n())
    async with emulator.polling(dispatcher, bot):
        yield RunningBot(emulator, dispatcher, bot, sessionmaker, settings)


OFFICIAL, COORDINATOR, OTHER, STRANGER = 960_000_001, 960_000_002, 960_000_003, 960_000_004


async def seed_busy_body(sessionmaker, emulator, measures: int = 300) -> None:
    """A body with `measures` open measures due from 40 days ago to 14 days ahead; its
    official, the plan's coordinator, and an official of another body."""
    for telegram_id in (OFFICIAL, COORDINATOR, OTHER, STRANGER):
        emulator.user(telegram_id, first_name="Person")
    async with sessionmaker() as session, session.begin():
        plan = Plan(title="План")
        body = Organization(
            full_name="Министерство труда", short_name="Минтруд <&>", name_key="минтруд"
        )
        other_body = Organization(full_name="Другой орган", name_key="другой орган")
        people = [
            Official(telegram_id=telegram_id, first_name="Person")
            for telegram_id in (OFFICIAL, COORDINATOR, OTHER)
        ]
        session.add_all([plan, body, other_body, *people])
        await session.flush()
        session.add_all(
            [
                Membership(official_id=people[0].id, role=Role.OFFICIAL, organization_id=body.id),
                Membership(official_id=people[1].id, role=Role.COORDINATOR, plan_id=plan.id),
                Membership(
                    official_id=people[2].id, role=Role.OFFICIAL, organization_id=other_body.id
                ),
            ]
        )
        rows = [
            Measure(
                plan_id=plan.id,
                number=f"{index}.",
                number_key=str(index),
                sort_key=f"{index:05d}",
                title=long_text(index),
                deadline=TODAY + timedelta(days=index % 55 - 40),
                result="приказ",
            )
            for index in range(1, measures + 1)
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            Assignment(measure_id=row.id, organization_id=body.id, is_lead=True) for row in rows
        )


async def scan_and_send(running: RunningBot) -> None:
    async with running.sessionmaker() as session, session.begin():
        await write_due_reminders(session, now=running.settings.now(), default_timezone=MOSCOW)
    sender = OutboxSender(
        running.bot,
        running.sessionmaker,
        create_i18n(),
        clock=running.settings.now,
        per_chat_interval=0.05,
    )
    stats = await sender.drain_once()
    assert stats.failed == 0 and stats.sent >= 1


async def page_through(person, message, expected_pages: int) -> list[str]:
    """Press "›" until the last page; the measure buttons' callback data of every page."""
    seen = [b["callback_data"] for b in message.buttons() if b["callback_data"].startswith("m:")]
    for page in range(2, expected_pages + 1):
        person.press(message, text="›")
        message = await person.wait_for_edit(message, min_edits=page - 1)
        assert f"(страница {page} из {expected_pages})" in message.text
        assert utf16_length(message.text) <= MESSAGE_LIMIT
        seen += [
            b["callback_data"] for b in message.buttons() if b["callback_data"].startswith("m:")
        ]
    assert "›" not in message.flat_button_texts()
    return seen


async def test_show_all_opens_the_complete_list_page_by_page(shifted_bot):
    emulator = shifted_bot.emulator
    await seed_busy_body(shifted_bot.sessionmaker, emulator)
    await scan_and_send(shifted_bot)
    official = emulator.users[OFFICIAL]
    [reminder] = emulator.messages(OFFICIAL)
    assert reminder.text.startswith("Сроки ваших мероприятий")
    assert "…и ещё" in reminder.text and utf16_length(reminder.text) <= MESSAGE_LIMIT

    official.press(reminder, text="Все мои сроки")
    first = await official.wait_for_message("Ваши сроки: 300")
    assert emulator.messages(OFFICIAL)[0].text == reminder.text  # the reminder stays
    seen = await page_through(official, first, expected_pages=38)
    async with shifted_bot.sessionmaker() as session:
        ids = set(await session.scalars(select(Measure.id)))
    assert len(seen) == 300 and {int(data.split(":")[1]) for data in seen} == ids
    # Each opens its card.
    official.press(first, callback_data=seen[-1])
    card = await official.wait_for_edit(first, lambda m: "План: План" in (m.text or ""))
    assert "Министерство труда" in card.text

    # The coordinator's escalation opens the late measures of the plan.
    coordinator = emulator.users[COORDINATOR]
    [escalation] = emulator.messages(COORDINATOR)
    assert escalation.text.startswith("Просроченные мероприятия органов")
    coordinator.press(escalation, text="Все просроченные")
    late = await coordinator.wait_for_message("Просроченные мероприятия ваших органов")
    async with shifted_bot.sessionmaker() as session:
        overdue = await session.scalar(
            select(func.count(Measure.id)).where(Measure.deadline < TODAY)
        )
    assert f"органов: {overdue} " in late.text
    assert "Минтруд &lt;&amp;&gt;" not in late.text and "Минтруд <&>" in late.text


async def press_forged(running: RunningBot, person, data: str):
    person.send_command("/start")
    carrier = await person.wait_for_message()
    query_id = f"forged-{person.id}-{data}"
    running.emulator.inject_update(
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
    return await person.wait_for_callback_answer(query_id), carrier


async def test_a_forged_list_button_shows_nobody_elses_measures(shifted_bot):
    emulator = shifted_bot.emulator
    await seed_busy_body(shifted_bot.sessionmaker, emulator, measures=20)
    own = DueListPage(which=DueList.OWN).pack()
    late = DueListPage(which=DueList.LATE, page=3).pack()

    stranger = emulator.users[STRANGER]
    for data in (own, late):
        answer, _ = await press_forged(shifted_bot, stranger, data)
        assert answer.show_alert and answer.text == "Этот список вам недоступен."
    # An official of another body: not an overseer, and their own list has none of these.
    other = emulator.users[OTHER]
    answer, _ = await press_forged(shifted_bot, other, late)
    assert answer.show_alert and answer.text == "Этот список вам недоступен."
    _, carrier = await press_forged(shifted_bot, other, own)
    empty = await other.wait_for_edit(carrier, "Ваши сроки")
    assert empty.text == "Ваши сроки: 0\n\nСейчас сроков нет."
    assert empty.buttons() == []


# --- Nothing is lost when Telegram refuses ----------------------------------------------------


async def marks(sessionmaker) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count(ReminderMark.id)))


async def scan(sessionmaker, now: datetime = WEDNESDAY) -> int:
    async with sessionmaker() as session, session.begin():
        return await write_due_reminders(session, now=now, default_timezone=MOSCOW)


async def seed_one(sessionmaker, emulator, measures: int = 1) -> None:
    emulator.user(OFFICIAL, first_name="Анна")
    async with sessionmaker() as session, session.begin():
        plan = Plan(title="План")
        body = Organization(full_name="Минтруд", name_key="минтруд")
        official = Official(telegram_id=OFFICIAL, first_name="Анна")
        session.add_all([plan, body, official])
        await session.flush()
        session.add(
            Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=body.id)
        )
        for index in range(1, measures + 1):
            measure = Measure(
                plan_id=plan.id,
                number=f"{index}.",
                number_key=str(index),
                sort_key=f"{index:05d}",
                title=f"Мероприятие {index}",
                deadline=date(2025, 5, 21),
            )
            session.add(measure)
            await session.flush()
            session.add(Assignment(measure_id=measure.id, organization_id=body.id))


async def test_a_message_refused_twice_gives_its_points_back_for_the_next_scan(
    emulator, sessionmaker, bot, caplog
):
    await seed_one(sessionmaker, emulator)
    assert await scan(sessionmaker) == 1 and await marks(sessionmaker) == 1
    emulator.fail_next("sendMessage", 400, chat_id=OFFICIAL, times=2)
    sender = make_sender(emulator, sessionmaker, bot)
    with caplog.at_level(logging.ERROR, logger="scheduler.sender"):
        stats = await sender.drain_once()
    assert (stats.sent, stats.failed) == (0, 1)
    refusals = [r.getMessage() for r in caplog.records if "refused by Telegram" in r.getMessage()]
    assert len(refusals) == 2 and "(reminder)" in refusals[0] and "full form" in refusals[0]
    assert "safe form" in refusals[1] and "buttons" in refusals[1]
    assert await marks(sessionmaker) == 0  # not delivered: not given

    # The next scan reminds again, and this time it arrives.
    assert await scan(sessionmaker, WEDNESDAY + timedelta(minutes=1)) == 1
    sender = make_sender(emulator, sessionmaker, bot, WEDNESDAY + timedelta(minutes=1))
    assert (await sender.drain_once()).sent == 1
    [reminder] = emulator.messages(OFFICIAL)
    assert "1. Мероприятие 1" in reminder.text
    assert await marks(sessionmaker) == 1
    assert await scan(sessionmaker, WEDNESDAY + timedelta(minutes=2)) == 0


async def test_a_message_refused_once_arrives_in_its_compact_form(emulator, sessionmaker, bot):
    await seed_one(sessionmaker, emulator, measures=3)
    await scan(sessionmaker)
    emulator.fail_next("sendMessage", 400, chat_id=OFFICIAL)
    stats = await make_sender(emulator, sessionmaker, bot).drain_once()
    assert (stats.sent, stats.failed) == (1, 0)
    [reminder] = emulator.messages(OFFICIAL)
    # Counts and the button to the list: no items, nothing that could be refused again.
    assert reminder.text == "Сроки ваших мероприятий: 3\nскоро: 3"
    assert reminder.button_texts() == [["Все мои сроки"]]
    assert await marks(sessionmaker) == 3


async def test_a_message_that_fails_after_its_attempts_gives_its_points_back(
    emulator, sessionmaker, bot
):
    await seed_one(sessionmaker, emulator)
    await scan(sessionmaker)
    emulator.fail_next("sendMessage", 502, chat_id=OFFICIAL, times=10)
    now = [WEDNESDAY]
    sender = OutboxSender(
        bot,
        sessionmaker,
        create_i18n(),
        clock=lambda: now[0],
        per_chat_interval=0.05,
        max_attempts=2,
    )
    await sender.drain_once()
    now[0] += timedelta(minutes=10)
    assert (await sender.drain_once()).failed == 1
    async with sessionmaker() as session:
        status = await session.scalar(select(Notification.status))
    assert status == NotificationStatus.FAILED
    assert await marks(sessionmaker) == 0
