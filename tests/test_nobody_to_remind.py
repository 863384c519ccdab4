"""Nobody left unreminded: a body with open measures and nobody registered is flagged in /orgs
and the summary, and the reminders that had no one to go to reach the coordinators, grouped,
once per point of the schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import today_in
from bot.digest_content import plan_digest, plan_standing
from bot.entry.translations import create_i18n
from bot.notification_kinds import NOBODY_TO_REMIND, WeeklyDigestNotice
from bot.presentation.fits import message_fits
from bot.presentation.text_limits import KEYBOARD_BUTTON_LIMIT, MESSAGE_LIMIT, utf16_length
from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Notification,
    Official,
    Organization,
    Plan,
    ReminderMark,
    Role,
)
from scheduler import reminder_messages  # noqa: F401  (registers the renderers)
from scheduler.digest_messages import render_weekly_digest
from scheduler.notifications import Delivery
from scheduler.reminders import write_due_reminders
from scheduler.sender import OutboxSender
from tests.emulator import plain_text
from tests.test_digest_chat import ru_translations

MOSCOW = "Europe/Moscow"
# Wednesday 14 May 2025, 10:00 in Moscow: a working morning.
WEDNESDAY = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)
FRIDAY = WEDNESDAY + timedelta(days=2)
MONDAY = WEDNESDAY + timedelta(days=5)
COORDINATOR, OFFICIAL, NEWCOMER = 970_000_001, 970_000_002, 970_000_003
NOBODY_HEADING = "Некому направить напоминания"


def measure(plan_id: int, number: str, deadline: date, **values) -> Measure:
    return Measure(
        plan_id=plan_id,
        number=number,
        number_key=number.strip("."),
        sort_key=number.strip(".").zfill(5),
        title=f"Мероприятие {number}",
        deadline=deadline,
        result="приказ",
        **values,
    )


async def seed(sessionmaker) -> dict[str, int]:
    """A plan with its coordinator; «Комитет по делам молодёжи <КДМ>» and «Комитет по туризму»
    without people, «Министерство труда» with its official."""
    async with sessionmaker() as session, session.begin():
        plan = Plan(title="План Томской области")
        youth = Organization(
            full_name="Комитет по делам молодёжи", short_name="КДМ <&>", name_key="кдм"
        )
        tourism = Organization(full_name="Комитет по туризму", name_key="комитет по туризму")
        labour = Organization(full_name="Министерство труда", name_key="министерство труда")
        coordinator = Official(telegram_id=COORDINATOR, first_name="Ирина")
        official = Official(telegram_id=OFFICIAL, first_name="Анна")
        session.add_all([plan, youth, tourism, labour, coordinator, official])
        await session.flush()
        session.add_all(
            [
                Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id),
                Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=labour.id),
            ]
        )
        rows = {
            "1.1.": (youth, date(2025, 5, 15)),
            "1.2.": (youth, date(2025, 5, 21)),
            "2.1.": (tourism, date(2025, 5, 21)),
            "3.1.": (labour, date(2025, 5, 21)),
        }
        for number, (body, deadline) in rows.items():
            row = measure(plan.id, number, deadline)
            session.add(row)
            await session.flush()
            session.add(Assignment(measure_id=row.id, organization_id=body.id, is_lead=True))
        # Reported: nothing to remind of.
        reported = measure(plan.id, "1.3.", date(2025, 5, 15))
        session.add(reported)
        await session.flush()
        session.add(
            Assignment(
                measure_id=reported.id,
                organization_id=youth.id,
                is_lead=True,
                status=AssignmentStatus.SUBMITTED,
            )
        )
        return {"plan": plan.id, "youth": youth.id, "tourism": tourism.id}


async def scan_and_send(emulator, sessionmaker, bot, now: datetime) -> int:
    async with sessionmaker() as session, session.begin():
        written = await write_due_reminders(session, now=now, default_timezone=MOSCOW)
    sender = OutboxSender(bot, sessionmaker, create_i18n(), clock=lambda: now, per_chat_interval=0)
    stats = await sender.drain_once()
    assert (stats.failed, stats.retried) == (0, 0)
    return written


def nobody_messages(emulator) -> list:
    return [m for m in emulator.messages(COORDINATOR) if NOBODY_HEADING in (m.text or "")]


@pytest.fixture
async def bot(emulator):
    bot = emulator.create_bot()
    yield bot
    await bot.session.close()


async def test_reminders_without_a_recipient_reach_the_coordinator_once_per_point(
    emulator, sessionmaker, bot
):
    ids = await seed(sessionmaker)
    for telegram_id in (COORDINATOR, OFFICIAL, NEWCOMER):
        emulator.user(telegram_id, first_name="Person")

    await scan_and_send(emulator, sessionmaker, bot, WEDNESDAY)
    # The body with its official: reminded as ever.
    [own] = emulator.messages(OFFICIAL)
    assert "3.1." in own.text
    # The two bodies with nobody: one message to the coordinator, through Telegram's checks.
    [message] = nobody_messages(emulator)
    assert [c.status for c in emulator.calls_to("sendMessage")] == [200, 200]
    text = message.text
    assert (
        "Некому направить напоминания: в 2 органах нет зарегистрированных сотрудников"
        " либо бот не может направлять им сообщения." in text
    )
    assert "Не направлены напоминания по 3 мероприятиям:" in text
    lines = text.splitlines()
    # The soonest deadline first; the short name shown escaped once; numbers named.
    assert lines[2] == (
        "• КДМ <&> — 2 мероприятия (1.1., 1.2.), ближайший срок 15.05.2025 (через 1 рабочий день)"
    )
    assert lines[3] == (
        "• Комитет по туризму — 1 мероприятие (2.1.), срок 21.05.2025 (через 5 рабочих дней)"
    )
    assert "1.3." not in text  # reported, nothing to remind of
    assert "/invite" in text and "/orgs" in text
    async with sessionmaker() as session:
        marks = set(await session.scalars(select(ReminderMark.point_key)))
    assert f"nobody:{ids['youth']}:executor:before:1:2025-05-14" in marks

    # An hour later: the same points, not told again.
    assert await scan_and_send(emulator, sessionmaker, bot, WEDNESDAY + timedelta(hours=1)) == 0
    assert len(nobody_messages(emulator)) == 1

    # Friday: measure 1.1.'s point of its deadline day (Thursday, missed: the bot did not scan)
    # is a new point, said as of Friday; the others wait for theirs.
    await scan_and_send(emulator, sessionmaker, bot, FRIDAY)
    [_, friday] = nobody_messages(emulator)
    assert "в 1 органе нет зарегистрированных сотрудников" in friday.text
    assert "• КДМ <&> — 1 мероприятие (1.1.), срок 15.05.2025 (просрочено на 1 рабочий день)" in (
        friday.text
    )
    assert "Комитет по туризму" not in friday.text

    # Someone registers with the youth committee: its reminders go to them from then on.
    async with sessionmaker() as session, session.begin():
        newcomer = Official(telegram_id=NEWCOMER, first_name="Пётр")
        session.add(newcomer)
        await session.flush()
        session.add(
            Membership(official_id=newcomer.id, role=Role.OFFICIAL, organization_id=ids["youth"])
        )
    await scan_and_send(emulator, sessionmaker, bot, MONDAY)
    [reminder] = emulator.messages(NEWCOMER)
    assert "Сроки ваших мероприятий" in reminder.text and "1.2." in reminder.text
    [*_, monday] = nobody_messages(emulator)
    assert len(nobody_messages(emulator)) == 3
    assert "Комитет по туризму" in monday.text and "КДМ" not in monday.text


async def test_a_plan_without_a_coordinator_tells_the_administrators(emulator, sessionmaker, bot):
    ids = await seed(sessionmaker)
    async with sessionmaker() as session, session.begin():
        for membership in await session.scalars(
            select(Membership).where(Membership.plan_id == ids["plan"])
        ):
            await session.delete(membership)
    emulator.user(COORDINATOR, first_name="Ирина")
    async with sessionmaker() as session, session.begin():
        await write_due_reminders(
            session,
            now=WEDNESDAY,
            default_timezone=MOSCOW,
            admin_telegram_ids=frozenset({COORDINATOR}),
        )
        kinds = list(await session.scalars(select(Notification.kind)))
    assert kinds.count(NOBODY_TO_REMIND) == 1


# --- /orgs and the summary of a directory of 200 bodies ----------------------------------------


LONG_NAME = "Государственное казённое учреждение «Центр <информационных> & технологий» " * 3


def user(running_bot, telegram_id: int):
    return running_bot.emulator.user(telegram_id, first_name=f"U{telegram_id}", language_code="en")


async def seed_directory(running_bot) -> int:
    """200 bodies of one plan: 150 with an open measure and nobody registered, 20 with nobody
    registered and nothing open (done or reported), 30 with an official."""
    today = today_in(running_bot.settings.default_timezone)
    async with running_bot.sessionmaker() as session, session.begin():
        plan = Plan(title="План Томской области")
        coordinator = Official(telegram_id=COORDINATOR, first_name="Ирина")
        session.add_all([plan, coordinator])
        await session.flush()
        session.add(Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id))
        for index in range(200):
            body = Organization(
                full_name=f"{index:03d} {LONG_NAME}",
                short_name=f"МО № {index:03d} <{'x' * 40}>",
                name_key=f"body {index:03d}",
            )
            session.add(body)
            await session.flush()
            row = measure(plan.id, f"{index + 1}.", today + timedelta(days=index % 30 - 10))
            if 150 <= index < 160:
                row.done_on = today
            session.add(row)
            await session.flush()
            status = AssignmentStatus.SUBMITTED if 160 <= index < 170 else None
            session.add(
                Assignment(
                    measure_id=row.id,
                    organization_id=body.id,
                    is_lead=True,
                    **({"status": status} if status else {}),
                )
            )
            if index >= 170:
                person = Official(telegram_id=980_000_000 + index, first_name="Official")
                session.add(person)
                await session.flush()
                session.add(
                    Membership(official_id=person.id, role=Role.OFFICIAL, organization_id=body.id)
                )
        return plan.id


async def test_orgs_flags_the_bodies_nobody_reminds_across_pages(running_bot):
    await seed_directory(running_bot)
    coordinator = user(running_bot, COORDINATOR)
    coordinator.send_command("/orgs")
    message = await coordinator.wait_for_message("Bodies of your plans")
    assert "Bodies of your plans: 200, nobody registered yet: 170. (page 1 of 14)" in message.text
    assert "⚠️ With open measures and nobody to remind: 150." in message.text
    flagged, others, order = [], [], []
    for page in range(1, 15):
        if page > 1:
            coordinator.press(message, text="›")
            message = await coordinator.wait_for_edit(message, f"(page {page} of 14)")
        assert utf16_length(message.text) <= MESSAGE_LIMIT
        assert len(message.buttons()) <= KEYBOARD_BUTTON_LIMIT
        for line in message.text.splitlines():
            if line.startswith("• "):
                is_flagged = "⚠️ 1 open measure, nobody to remind" in line
                (flagged if is_flagged else others).append(line)
                order.append(is_flagged)
    # Every flagged body listed once, before the rest; escaped once.
    assert len(set(flagged)) == 150 and len(others) == 50
    assert order == sorted(order, reverse=True)
    assert all("<x" in line and "&amp;" not in line for line in flagged)


async def test_the_summary_counts_the_bodies_nobody_reminds_above_its_table(running_bot):
    await seed_directory(running_bot)
    coordinator = user(running_bot, COORDINATOR)
    coordinator.send_command("/summary")
    summary = await coordinator.wait_for_message("Summary: План Томской области")
    header, _, table = summary.text.partition("Bodies, the most overdue first")
    # Counted in the header: visible whatever page of the table the bodies are on.
    assert "⚠️ Bodies with open measures and no one registered: 150" in header
    assert "no one registered" in table
    assert utf16_length(summary.text) <= MESSAGE_LIMIT


async def test_the_digest_names_the_bodies_nobody_reminds_and_fits(running_bot):
    plan_id = await seed_directory(running_bot)
    now = running_bot.settings.now()
    zone = running_bot.settings.default_timezone
    async with running_bot.sessionmaker() as session:
        standing = await plan_standing(session, plan_id, end=now, default_timezone=zone)
        plan = await plan_digest(
            session, standing, start=now - timedelta(days=7), end=now, default_timezone=zone
        )
    notice = WeeklyDigestNotice((plan_id,), None, now, zone, (plan,))
    text, markup = render_weekly_digest(notice.to_json(), *ru_translations(), Delivery(now=now))
    assert message_fits(text, markup)
    lines = plain_text(text).splitlines()
    heading = lines.index("👤 Органы с открытыми мероприятиями, где никто не зарегистрирован: 150")
    # The first few named, each shortened and escaped once, then how many more.
    named = lines[heading + 1 : heading + 6]
    assert all(line.startswith("• МО № ") and "1 открытое мероприятие" in line for line in named)
    assert "и ещё 145" in lines[heading + 6]


async def test_a_body_whose_only_official_blocked_the_bot_is_told_too(emulator, sessionmaker, bot):
    await seed(sessionmaker)
    for telegram_id in (COORDINATOR, OFFICIAL):
        emulator.user(telegram_id, first_name="Person")
    async with sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.telegram_id == OFFICIAL))
        official.blocked_bot_at = WEDNESDAY - timedelta(days=1)
    await scan_and_send(emulator, sessionmaker, bot, WEDNESDAY)
    assert emulator.messages(OFFICIAL) == []
    [message] = nobody_messages(emulator)
    assert "в 3 органах" in message.text
    assert "• Министерство труда — 1 мероприятие (3.1.)" in message.text
