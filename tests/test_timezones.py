"""One clock and one time-zone rule: "today" is the person's, in their zone; coordinators set a
body's zone from its card in /orgs, a person sets their own in /settings; reminders follow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.clock import person_timezone, timezone_of, utc_offset
from models.tables import (
    Assignment,
    AuditEvent,
    Measure,
    Membership,
    Notification,
    Official,
    Organization,
    Plan,
    Role,
)
from scheduler.reminders import scan_reminders
from tests.conftest import ADMIN_TELEGRAM_ID

VLADIVOSTOK, MOSCOW = "Asia/Vladivostok", "Europe/Moscow"
COORDINATOR, FAR_EAST, CAPITAL, OTHER_COORDINATOR = 5101, 5102, 5103, 5104
# Wednesday 14 May 2025, the deadline day of both measures.
DEADLINE = date(2025, 5, 14)
# 23:30 in Moscow on the deadline day: already 06:30 on Thursday in Vladivostok.
LATE_EVENING_IN_MOSCOW = datetime(2025, 5, 14, 20, 30, tzinfo=UTC)
# 11:00 in Vladivostok, 04:00 in Moscow, the day before the deadline of 15 May.
MORNING_IN_VLADIVOSTOK = datetime(2025, 5, 14, 1, 0, tzinfo=UTC)


@dataclass
class World:
    plan: int
    far_east: int  # body in Vladivostok, its official FAR_EAST
    capital: int  # body without a zone (Moscow by default), its official CAPITAL


def person(running_bot, telegram_id: int):
    return running_bot.emulator.user(telegram_id, first_name=f"U{telegram_id}", language_code="en")


def set_clock(running_bot, moment: datetime) -> None:
    """The bot's clock (Settings.now) shows `moment`: CLOCK_SHIFT_SECONDS, as on staging."""
    shift = (moment - datetime.now(UTC)).total_seconds()
    running_bot.settings.clock_shift_seconds = shift


async def make_world(sessionmaker, *, far_east_zone: str | None, deadline: date) -> World:
    async with sessionmaker() as session, session.begin():
        plan = Plan(title="План Дальнего Востока")
        other_plan = Plan(title="Чужой план")
        far_east = Organization(
            full_name="Администрация Владивостока",
            name_key="администрация владивостока",
            short_name="АдмВл",
            timezone=far_east_zone,
        )
        capital = Organization(full_name="Министерство столицы", name_key="министерство столицы")
        session.add_all([plan, other_plan, far_east, capital])
        await session.flush()
        for number, body in (("1.", far_east), ("2.", capital)):
            measure = Measure(
                plan_id=plan.id,
                number=number,
                number_key=number.strip("."),
                sort_key=number.strip(".").zfill(5),
                title=f"Мероприятие {number}",
                deadline=deadline,
            )
            session.add(measure)
            await session.flush()
            session.add(Assignment(measure_id=measure.id, organization_id=body.id, is_lead=True))
        for telegram_id, role, scope in (
            (COORDINATOR, Role.COORDINATOR, {"plan_id": plan.id}),
            (OTHER_COORDINATOR, Role.COORDINATOR, {"plan_id": other_plan.id}),
            (FAR_EAST, Role.OFFICIAL, {"organization_id": far_east.id}),
            (CAPITAL, Role.OFFICIAL, {"organization_id": capital.id}),
        ):
            official = Official(telegram_id=telegram_id, first_name=f"U{telegram_id}")
            session.add(official)
            await session.flush()
            session.add(Membership(official_id=official.id, role=role, **scope))
        return World(plan.id, far_east.id, capital.id)


async def stored(running_bot, model, *where):
    async with running_bot.sessionmaker() as session:
        return list(await session.scalars(select(model).where(*where).order_by(model.id)))


# --- The rule -----------------------------------------------------------------------------------


def test_a_person_s_zone_is_their_own_else_their_body_s_else_the_plan_s_else_the_default():
    assert person_timezone("Asia/Omsk", VLADIVOSTOK, "Europe/Samara", MOSCOW) == "Asia/Omsk"
    assert person_timezone(None, VLADIVOSTOK, "Europe/Samara", MOSCOW) == VLADIVOSTOK
    assert person_timezone(None, None, "Europe/Samara", MOSCOW) == "Europe/Samara"
    assert person_timezone(None, None, None, MOSCOW) == MOSCOW
    assert person_timezone("Mars/Olympus", "", None, MOSCOW) == MOSCOW


def test_offsets_are_shown_as_people_know_them():
    assert utc_offset(VLADIVOSTOK, LATE_EVENING_IN_MOSCOW) == "UTC+10"
    assert utc_offset("Europe/Kaliningrad", LATE_EVENING_IN_MOSCOW) == "UTC+2"
    assert utc_offset("Asia/Kolkata", LATE_EVENING_IN_MOSCOW) == "UTC+5:30"


async def test_the_zone_is_looked_up_through_the_body_and_the_plan(running_bot):
    world = await make_world(running_bot.sessionmaker, far_east_zone=VLADIVOSTOK, deadline=DEADLINE)
    async with running_bot.sessionmaker() as session, session.begin():
        plan = await session.get(Plan, world.plan)
        plan.timezone = "Asia/Yakutsk"
        far_east, capital, coordinator = [
            await session.scalar(select(Official).where(Official.telegram_id == telegram_id))
            for telegram_id in (FAR_EAST, CAPITAL, COORDINATOR)
        ]
    async with running_bot.sessionmaker() as session:
        assert await timezone_of(session, far_east, MOSCOW) == VLADIVOSTOK
        # A body without a zone: the zone of the plan its measures belong to.
        assert await timezone_of(session, capital, MOSCOW) == "Asia/Yakutsk"
        assert await timezone_of(session, coordinator, MOSCOW) == "Asia/Yakutsk"
        assert await timezone_of(session, None, MOSCOW) == MOSCOW


# --- "today" is the person's --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("telegram_id", "group", "deadline", "status"),
    [
        # Already Thursday in Vladivostok.
        (FAR_EAST, "Overdue: 1", "deadline 14.05.2025 (overdue by 1 working day)", "Overdue"),
        # Still Wednesday in Moscow.
        (CAPITAL, "Due within 7 days: 1", "deadline 14.05.2025 (today)", "Due within 7 days"),
    ],
)
async def test_at_half_past_eleven_in_moscow_a_vladivostok_measure_is_overdue_a_moscow_one_not(
    running_bot, telegram_id, group, deadline, status
):
    await make_world(running_bot.sessionmaker, far_east_zone=VLADIVOSTOK, deadline=DEADLINE)
    set_clock(running_bot, LATE_EVENING_IN_MOSCOW)
    official = person(running_bot, telegram_id)
    official.send_command("/my")
    overview = await official.wait_for_message("Your measures")
    assert group in overview.text.splitlines()
    official.press(overview, text=group)
    listing = await official.wait_for_edit(
        overview, lambda m: any("Мероприятие" in t for t in m.flat_button_texts())
    )
    assert deadline in listing.text
    official.press(listing, text=next(t for t in listing.flat_button_texts() if "Мероприятие" in t))
    card = await official.wait_for_edit(listing, "Plan:")
    assert f"Status: {status}" in card.text.splitlines()


# --- A body's zone, set by a coordinator --------------------------------------------------------


async def open_body_card(coordinator, name: str):
    coordinator.send_command("/orgs")
    bodies = await coordinator.wait_for_message("Bodies of your plans")
    coordinator.press(bodies, text=name)
    return await coordinator.wait_for_message("Time zone")


async def test_a_coordinator_sets_a_body_s_zone_from_its_card_in_orgs(running_bot):
    world = await make_world(running_bot.sessionmaker, far_east_zone=None, deadline=DEADLINE)
    set_clock(running_bot, LATE_EVENING_IN_MOSCOW)
    coordinator = person(running_bot, COORDINATOR)
    card = await open_body_card(coordinator, "АдмВл")
    assert "Time zone: not set, Moscow (UTC+3) applies" in card.text
    coordinator.press(card, text="Time zone")
    zones = await coordinator.wait_for_edit(card, "choose the city")
    cities = zones.flat_button_texts()
    assert len(cities) == 12
    assert cities[0] == "Kaliningrad (UTC+2)" and cities[-1] == "Kamchatka (UTC+12)"
    assert all(len(data.encode()) <= 64 for data in zones.callback_datas())
    coordinator.press(zones, text="Vladivostok (UTC+10)")
    done = await coordinator.wait_for_edit(zones, "✓ Time zone set")
    assert "Time zone: Vladivostok (UTC+10)" in done.text

    (body,) = await stored(running_bot, Organization, Organization.id == world.far_east)
    assert body.timezone == VLADIVOSTOK
    (event,) = await stored(
        running_bot, AuditEvent, AuditEvent.action == "organization_timezone_set"
    )
    assert (event.entity_id, event.old_value, event.new_value) == (body.id, None, VLADIVOSTOK)

    # Now the body's official is a day ahead of Moscow: the measure is overdue for them.
    official = person(running_bot, FAR_EAST)
    official.send_command("/my")
    assert "Overdue: 1" in (await official.wait_for_message("Your measures")).text


async def test_only_a_coordinator_of_the_body_s_plan_or_an_administrator_sets_its_zone(
    running_bot,
):
    world = await make_world(running_bot.sessionmaker, far_east_zone=None, deadline=DEADLINE)
    for telegram_id, data in (
        (OTHER_COORDINATOR, f"tzb:{world.far_east}:{VLADIVOSTOK}"),
        (FAR_EAST, f"tzb:{world.far_east}:{VLADIVOSTOK}"),
        (OTHER_COORDINATOR, f"body:{world.far_east}"),
        (FAR_EAST, f"tzbl:{world.far_east}"),
    ):
        stranger = person(running_bot, telegram_id)
        stranger.send_command("/help")
        carrier = await stranger.wait_for_message("What you can do")
        query_id = f"forged-{telegram_id}-{data}"
        running_bot.emulator.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": stranger.user_dict,
                    "chat_instance": "1",
                    "message": carrier.payload,
                    "data": data,
                }
            }
        )
        answer = await stranger.wait_for_callback_answer(query_id)
        assert answer.show_alert and answer.text == "This is not available to you."
    (body,) = await stored(running_bot, Organization, Organization.id == world.far_east)
    assert body.timezone is None

    admin = person(running_bot, ADMIN_TELEGRAM_ID)
    card = await open_body_card(admin, "АдмВл")
    admin.press(card, text="Time zone")
    zones = await admin.wait_for_edit(card, "choose the city")
    admin.press(zones, text=next(t for t in zones.flat_button_texts() if "Omsk" in t))
    await admin.wait_for_edit(zones, "✓ Time zone set")
    (body,) = await stored(running_bot, Organization, Organization.id == world.far_east)
    assert body.timezone == "Asia/Omsk"


# --- A person's own zone, in /settings; reminders follow it ----------------------------------


async def scan(running_bot, now: datetime) -> int:
    return await scan_reminders(
        running_bot.sessionmaker, now=now, default_timezone=running_bot.settings.default_timezone
    )


async def test_an_official_sets_their_zone_in_settings_and_is_reminded_in_their_working_hours(
    running_bot,
):
    await make_world(running_bot.sessionmaker, far_east_zone=None, deadline=date(2025, 5, 15))
    # 04:00 in Moscow: nobody's working hours yet, nothing is written.
    assert await scan(running_bot, MORNING_IN_VLADIVOSTOK) == 0

    set_clock(running_bot, MORNING_IN_VLADIVOSTOK)
    official = person(running_bot, CAPITAL)
    official.send_command("/settings")
    menu = await official.wait_for_message("Settings")
    assert "Language: English" in menu.text
    assert "Time zone: Moscow (UTC+3), as your body's" in menu.text
    official.press(menu, text="Time zone")
    zones = await official.wait_for_edit(menu, "Choose the city")
    assert zones.flat_button_texts()[-1] == "✓ As my body's"
    official.press(zones, text="Vladivostok (UTC+10)")
    done = await official.wait_for_edit(zones, "✓ Time zone set: Vladivostok (UTC+10).")
    assert "Time zone: Vladivostok (UTC+10)" in done.text.splitlines()
    (me,) = await stored(running_bot, Official, Official.telegram_id == CAPITAL)
    assert me.timezone == VLADIVOSTOK

    # 11:00 in Vladivostok: the reminder of the day before the deadline is written for them
    # (the Vladivostok body's official keeps Moscow time, still night for them) and delivered.
    await scan(running_bot, MORNING_IN_VLADIVOSTOK)
    reminders = await stored(running_bot, Notification, Notification.kind == "reminder")
    assert [(n.recipient_id, n.payload["timezone"]) for n in reminders] == [(me.id, VLADIVOSTOK)]
    assert "Мероприятие 2." in (await official.wait_for_message("Мероприятие")).text

    # "As my body's" gives the body's zone back.
    official.send_command("/settings")
    menu = await official.wait_for_message("Settings")
    official.press(menu, text="Time zone")
    zones = await official.wait_for_edit(menu, "Choose the city")
    official.press(zones, text="As my body's")
    await official.wait_for_edit(zones, "as your body's")
    (me,) = await stored(running_bot, Official, Official.telegram_id == CAPITAL)
    assert me.timezone is None
    events = await stored(running_bot, AuditEvent, AuditEvent.action == "official_timezone_set")
    assert [(e.old_value, e.new_value) for e in events] == [
        (None, VLADIVOSTOK),
        (VLADIVOSTOK, None),
    ]


async def test_settings_holds_the_language_and_lang_keeps_working(running_bot):
    official = person(running_bot, 5199)
    official.send_command("/settings")
    menu = await official.wait_for_message("Settings")
    official.press(menu, text="Language")
    choice = await official.wait_for_edit(menu, "Choose the language")
    official.press(choice, text="Русский")
    await official.wait_for_edit(choice, "Язык бота: Русский.")
    official.send_command("/settings")
    assert "Язык: Русский" in (await official.wait_for_message("Настройки")).text
    official.send_command("/lang")
    assert "язык" in (await official.wait_for_message()).text.lower()
