"""A coordinator's weekly digest over the Bot API emulator: it arrives on Monday at 09:00 in
their zone through the outbox, the chart first, then the summary and what changed, once;
/digest moves it, and the next one follows. A chart Telegram refuses does not lose the text."""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from sqlalchemy import select

from bot.access import Roles
from bot.entry.translations import create_i18n
from bot.measure_status import Status, StatusDates
from bot.notification_kinds import DigestItem, DigestList, PlanDigest, WeeklyDigestNotice
from bot.presentation.fits import message_fits
from bot.presentation.summary_view import counts_lines
from bot.summaries import BodyRow, StatusCounts, plan_summary
from models.tables import Assignment, Measure, Membership, Official, Organization, Plan, Role
from scheduler.digest_messages import render_weekly_digest
from scheduler.digests import scan_digests
from scheduler.notifications import Delivery

COORDINATOR = 7301
MONDAY_NINE = datetime(2025, 5, 19, 6, 0, tzinfo=UTC)  # Monday 19 May 2025, 09:00 in Moscow


def set_clock(running_bot, moment: datetime) -> None:
    running_bot.settings.clock_shift_seconds = (moment - datetime.now(UTC)).total_seconds()


async def scan(running_bot, moment: datetime) -> int:
    set_clock(running_bot, moment)
    return await scan_digests(
        running_bot.sessionmaker,
        now=moment,
        default_timezone=running_bot.settings.default_timezone,
    )


async def seed(sessionmaker) -> None:
    async with sessionmaker() as session, session.begin():
        plan = Plan(title="План Томской области")
        body = Organization(full_name="Комитет по делам молодёжи", name_key="молодёжь")
        coordinator = Official(telegram_id=COORDINATOR, first_name="Ирина")
        session.add_all([plan, body, coordinator])
        await session.flush()
        session.add(Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id))
        for number, deadline in ((1, date(2025, 5, 16)), (2, date(2025, 6, 30))):
            measure = Measure(
                plan_id=plan.id,
                number=f"{number}.",
                number_key=str(number),
                sort_key=f"{number:05d}",
                title=f"Утвержден регламент {number}",
                deadline=deadline,
            )
            session.add(measure)
            await session.flush()
            session.add(Assignment(measure_id=measure.id, organization_id=body.id, is_lead=True))


def digests_to(running_bot) -> list:
    messages = running_bot.emulator.messages(COORDINATOR)
    return [m for m in messages if "Еженедельная сводка," in (m.text or "")]


def charts_to(running_bot) -> list:
    return [m for m in running_bot.emulator.messages(COORDINATOR) if m.photo]


def ru_translations():
    i18n = create_i18n()

    def gettext(message: str) -> str:
        return i18n.gettext(message, locale="ru")

    def ngettext(singular: str, plural: str, n: int) -> str:
        return i18n.gettext(singular, plural, n, locale="ru")

    return gettext, ngettext


async def summary_lines(running_bot, plan_title: str, moment: datetime) -> list[str]:
    """The counts /summary gives for the plan now, as plain text lines."""
    async with running_bot.sessionmaker() as session:
        plan_id = await session.scalar(select(Plan.id).where(Plan.title == plan_title))
        roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
        dates = StatusDates.at(moment, running_bot.settings.default_timezone)
        summary = await plan_summary(session, roles, plan_id, dates)
    return [
        re.sub(r"<[^>]+>", "", line) for line in counts_lines(summary.counts, *ru_translations())
    ]


def assert_a_png_chart(running_bot, message, plan_title: str) -> None:
    assert message.method == "sendPhoto"
    image = Image.open(io.BytesIO(running_bot.emulator.file_content(message.photo[0]["file_id"])))
    assert image.format == "PNG" and image.width >= 1000
    assert plan_title in message.caption


async def test_the_digest_arrives_on_monday_at_nine_and_digest_moves_it(running_bot):
    set_clock(running_bot, MONDAY_NINE - timedelta(hours=1))
    await seed(running_bot.sessionmaker)
    coordinator = running_bot.emulator.user(COORDINATOR, first_name="Ирина")
    assert await scan(running_bot, MONDAY_NINE - timedelta(minutes=1)) == 0

    assert await scan(running_bot, MONDAY_NINE) == 1
    chart = await coordinator.wait_for_message(lambda m: m.photo is not None, timeout=20)
    assert_a_png_chart(running_bot, chart, "План Томской области")
    digest = await coordinator.wait_for_message("Еженедельная сводка", timeout=20)
    assert digest.message_id > chart.message_id
    assert "План Томской области" in digest.text
    # The summary of /summary: its counts, the body with "no one registered".
    lines = await summary_lines(running_bot, "План Томской области", MONDAY_NINE)
    assert lines[0] == "2 мероприятия, выполнено 0%" and "Просрочено: 1" in lines
    assert all(line in digest.text.splitlines() for line in lines)
    assert "1. Комитет по делам молодёжи — 🔴1 🟡0 🔵0 ✅0 из 2 ⚠️ никто не зарегистрирован" in (
        digest.text
    )
    assert "📊 Сводка: План Томской области" in digest.flat_button_texts()
    assert "Стали просроченными: 1" in digest.text
    assert "1. Утвержден регламент 1 — Комитет по делам молодёжи, срок 16.05.2025" in digest.text
    assert "Комитет по делам молодёжи — 2 открытых мероприятия" in digest.text
    assert any(text.startswith("1. Утвержден") for text in digest.flat_button_texts())
    # Scanned again, and after what a restart would read: still one.
    assert await scan(running_bot, MONDAY_NINE + timedelta(minutes=5)) == 0

    coordinator.send_command("/digest")
    menu = await coordinator.wait_for_message("Еженедельная сводка")
    assert "понедельник, 09:00" in menu.text and "Следующая: 26.05.2025" in menu.text
    coordinator.press(menu, text="Ср")
    menu = await coordinator.wait_for_edit(menu, "среда, 09:00")
    coordinator.press(menu, text="15:00")
    menu = await coordinator.wait_for_edit(menu, "среда, 15:00")
    assert "Следующая: 28.05.2025" in menu.text

    next_wednesday_three = MONDAY_NINE + timedelta(days=9, hours=6)
    assert await scan(running_bot, MONDAY_NINE + timedelta(days=7)) == 0
    assert await scan(running_bot, next_wednesday_three - timedelta(minutes=1)) == 0
    assert await scan(running_bot, next_wednesday_three) == 1
    second = await coordinator.wait_for_message("Еженедельная сводка", timeout=20)
    assert "19.05.2025–28.05.2025" in second.text
    assert len(digests_to(running_bot)) == 2 and len(charts_to(running_bot)) == 2
    # Nothing newly overdue this time; measure 1 of the first digest opens its card.
    assert "новых просрочек, принятых и возвращённых отчётов нет" in second.text
    button = next(t for t in digest.flat_button_texts() if t.startswith("1. Утвержден"))
    coordinator.press(digest, text=button)
    card = await coordinator.wait_for_edit(digest, "Утвержден регламент 1")
    assert "16.05.2025" in card.text
    # The summary button of the digest opens the whole summary, every number a button.
    coordinator.press(second, text="📊 Сводка: План Томской области")
    summary = await coordinator.wait_for_edit(second, "Сводка: План Томской области")
    assert "Просрочено: 1" in summary.text


async def test_a_non_coordinator_is_refused_politely(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        body = Organization(full_name="Департамент ЗАГС", name_key="загс")
        official = Official(telegram_id=7302, first_name="Анна")
        session.add_all([body, official])
        await session.flush()
        session.add(
            Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=body.id)
        )
    user = running_bot.emulator.user(7302, first_name="Анна")
    user.send_command("/digest")
    answer = await user.wait_for_message()
    assert "координатор" in answer.text.lower()


def test_a_digest_of_long_lists_fits_telegram_and_has_a_compact_form() -> None:
    i18n = create_i18n()

    def gettext(message: str) -> str:
        return i18n.gettext(message, locale="ru")

    def ngettext(singular: str, plural: str, n: int) -> str:
        return i18n.gettext(singular, plural, n, locale="ru")

    long = "Очень длинное название мероприятия " * 20
    items = tuple(
        DigestItem(
            measure_id=n, number=f"{n}.1.1.", title=long, deadline=date(2025, 5, 1), body=long
        )
        for n in range(1, 6)
    )
    listed = DigestList(count=300, items=items)
    plan = PlanDigest(
        plan_id=1,
        title=long,
        counts={"overdue": 100, "review": 20, "done": 180},
        review_past_deadline=7,
        bodies=tuple(
            BodyRow(n, long, StatusCounts({Status.OVERDUE: 20, Status.DONE: 36}), n % 2 == 0)
            for n in range(5)
        ),
        body_count=60,
        newly_overdue=listed,
        accepted=listed,
        returned=listed,
        unregistered=DigestList(
            60, tuple(DigestItem(None, "", "", None, long, 9) for _ in range(5))
        ),
    )
    notice = WeeklyDigestNotice(
        plan_ids=(1, 2, 3),
        period_start=MONDAY_NINE - timedelta(days=7),
        period_end=MONDAY_NINE,
        timezone="Asia/Vladivostok",
        plans=(plan, plan, plan),
    )
    payload = notice.to_json()
    text, markup = render_weekly_digest(payload, gettext, ngettext, Delivery(now=MONDAY_NINE))
    assert message_fits(text, markup)
    assert "и ещё" in text and "На проверке: 20 (из них после срока: 7)" in text
    compact, none = render_weekly_digest(
        payload, gettext, ngettext, Delivery(now=MONDAY_NINE, compact=True)
    )
    assert none is None and message_fits(compact, None)
    assert "Стали просроченными: <b>300</b>" in compact


async def test_a_refused_chart_still_delivers_the_text_and_is_logged(running_bot, caplog):
    set_clock(running_bot, MONDAY_NINE - timedelta(hours=1))
    await seed(running_bot.sessionmaker)
    coordinator = running_bot.emulator.user(COORDINATOR, first_name="Ирина")
    running_bot.emulator.fail_next(
        "sendPhoto", 400, description="Bad Request: IMAGE_PROCESS_FAILED"
    )
    with caplog.at_level(logging.ERROR):
        assert await scan(running_bot, MONDAY_NINE) == 1
        digest = await coordinator.wait_for_message("Еженедельная сводка", timeout=20)
    assert "2 мероприятия, выполнено 0%" in digest.text
    assert charts_to(running_bot) == []
    assert any("picture refused" in record.getMessage() for record in caplog.records)
    assert await scan(running_bot, MONDAY_NINE + timedelta(minutes=5)) == 0


async def test_a_coordinator_of_five_plans_gets_each_chart_and_text_once(running_bot):
    set_clock(running_bot, MONDAY_NINE - timedelta(hours=1))
    await seed(running_bot.sessionmaker)
    async with running_bot.sessionmaker() as session, session.begin():
        coordinator_id = await session.scalar(
            select(Official.id).where(Official.telegram_id == COORDINATOR)
        )
        for n in range(4):
            plan = Plan(title=f"План {n + 2}")
            session.add(plan)
            await session.flush()
            session.add(
                Membership(official_id=coordinator_id, role=Role.COORDINATOR, plan_id=plan.id)
            )
    coordinator = running_bot.emulator.user(COORDINATOR, first_name="Ирина")
    assert await scan(running_bot, MONDAY_NINE) == 2
    first, second = await coordinator.wait_for_messages(2, "Еженедельная сводка", timeout=40)
    assert "(часть 1 из 2)" in first.text and "(часть 2 из 2)" in second.text
    # A restart's scan writes nothing more; a later drain sends nothing twice.
    assert await scan(running_bot, MONDAY_NINE + timedelta(minutes=5)) == 0
    set_clock(running_bot, MONDAY_NINE + timedelta(minutes=10))
    await running_bot.dispatcher["sender"].drain_once()
    charts = charts_to(running_bot)
    assert len(digests_to(running_bot)) == 2 and len(charts) == 5
    titles = sorted(chart.caption.split("»")[0].removeprefix("«") for chart in charts)
    assert titles == ["План 2", "План 3", "План 4", "План 5", "План Томской области"]
    assert charts[2].message_id < first.message_id < charts[3].message_id < second.message_id
