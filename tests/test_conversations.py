"""Conversations with the bot as wired in production, over a local Bot API emulator."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from sqlalchemy import func, select

from bot import people
from bot.clock import today_in
from bot.refusals import Refusal, Refused
from models.tables import (
    Assignment,
    AuditEvent,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
)
from tests.conftest import ADMIN_TELEGRAM_ID


async def eventually(read, timeout: float = 5.0):
    """The first truthy result of `read()`: the bot answers before its transaction commits."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await read()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.02)


async def stored_person(sessionmaker, telegram_id: int) -> Official | None:
    async with sessionmaker() as session:
        return await session.scalar(select(Official).where(Official.telegram_id == telegram_id))


async def add_plan(sessionmaker, title: str, deadlines: list[date | None], done: int = 0) -> int:
    """A plan whose measures have these deadlines; the first `done` of them are done."""
    async with sessionmaker() as session, session.begin():
        plan = Plan(title=title)
        session.add(plan)
        await session.flush()
        for index, deadline in enumerate(deadlines, 1):
            session.add(
                Measure(
                    plan_id=plan.id,
                    number=f"{index}.",
                    number_key=str(index),
                    sort_key=f"{index:04d}",
                    title=f"Мероприятие {index}",
                    deadline=deadline,
                    done_on=deadline if index <= done else None,
                )
            )
        return plan.id


async def register(sessionmaker, telegram_id: int, first_name: str, role: Role, **scope) -> None:
    async with sessionmaker() as session, session.begin():
        official = Official(telegram_id=telegram_id, first_name=first_name)
        session.add(official)
        await session.flush()
        session.add(Membership(official_id=official.id, role=role, **scope))


async def test_a_stranger_is_greeted_in_russian_and_told_how_to_get_access(running_bot):
    user = running_bot.emulator.user(1001, first_name="Ольга", last_name="Ким")
    user.send_command("/start")
    reply = await user.wait_for_message()
    assert "Здравствуйте, Ольга Ким!" in reply.text
    assert "ссылку-приглашение" in reply.text
    person = await eventually(lambda: stored_person(running_bot.sessionmaker, 1001))
    assert person is not None and person.first_name == "Ольга" and person.locale is None


async def test_an_english_client_is_answered_in_english(running_bot):
    user = running_bot.emulator.user(1002, first_name="John", language_code="en")
    user.send_command("/start")
    reply = await user.wait_for_message()
    assert reply.text.startswith("Hello, John!")
    assert "invitation link" in reply.text


async def test_names_are_escaped_in_html_replies(running_bot):
    user = running_bot.emulator.user(1003, first_name="<b>Bobby</b> & Co")
    user.send_command("/start")
    reply = await user.wait_for_message()
    assert "Здравствуйте, <b>Bobby</b> & Co!" in reply.text  # shown literally, not as markup
    assert "&lt;b&gt;" in reply.html


async def test_help_shows_what_each_kind_of_user_can_do(running_bot):
    stranger = running_bot.emulator.user(1004)
    stranger.send_command("/help")
    guest_help = await stranger.wait_for_message()
    assert "/plans" not in guest_help.text
    assert "/start" in guest_help.text and "/lang" in guest_help.text

    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    admin.send_command("/help")
    admin_help = await admin.wait_for_message()
    assert "/plans — Планы и ход их выполнения" in admin_help.text


async def test_language_is_switched_with_a_button_and_remembered(running_bot):
    emulator = running_bot.emulator
    user = emulator.user(1005, first_name="Пётр")
    user.send_command("/lang")
    prompt = await user.wait_for_message("Выберите язык")
    assert emulator.button_texts(prompt) == [["✓ Русский", "English"]]
    user.press(prompt, text="English")
    edited = await user.wait_for_edit(prompt)
    assert edited.text == "The bot will speak English with you."
    assert edited.reply_markup is None
    answer = await user.wait_for_callback_answer()
    assert answer.show_alert is False

    user.send_command("/help")
    assert "What you can do" in (await user.wait_for_message()).text
    # Updates of one person take turns: the switch is committed before /help is handled.
    person = await stored_person(running_bot.sessionmaker, 1005)
    assert person.locale == "en"
    # The personal menu follows the chosen language.
    menu = emulator.get_commands("chat", chat_id=1005)
    assert menu is not None and {"command": "lang", "description": "Change the language"} in menu

    user.send_command("/lang")
    prompt = await user.wait_for_message("Choose the language")
    user.press(prompt, text="Русский")
    edited = await user.wait_for_edit(prompt)
    assert edited.text == "Язык бота: Русский."


async def test_the_language_change_is_in_the_audit_trail(running_bot):
    user = running_bot.emulator.user(1006)
    user.send_command("/lang")
    user.press(await user.wait_for_message(), text="English")
    await user.wait_for_callback_answer()

    async def locale_event():
        async with running_bot.sessionmaker() as session:
            return await session.scalar(select(AuditEvent).where(AuditEvent.field == "locale"))

    event = await eventually(locale_event)
    assert (event.old_value, event.new_value) == (None, "en")


async def test_forged_language_buttons_change_nothing(running_bot):
    emulator = running_bot.emulator
    user = emulator.user(1007)
    user.send_command("/lang")
    prompt = await user.wait_for_message()
    for forged in ("lang:de", "lang:", "lang:en:extra", "plans:drop"):
        emulator.inject_update(
            {
                "callback_query": {
                    "id": f"forged-{forged}",
                    "from": user.user_dict,
                    "chat_instance": "1",
                    "message": prompt.payload,
                    "data": forged,
                }
            }
        )
        answer = await user.wait_for_callback_answer(f"forged-{forged}")
        assert answer.show_alert is True
        assert "недоступен" in answer.text or "устарела" in answer.text
    user.send_command("/help")
    await user.wait_for_message("Что можно сделать")  # the forged presses are all committed
    person = await stored_person(running_bot.sessionmaker, 1007)
    assert person.locale is None


async def test_a_failure_inside_an_update_saves_nothing_and_is_explained(
    running_bot, monkeypatch, caplog
):
    real_choose_locale = people.choose_locale

    async def choose_then_fail(session, official, locale):
        await real_choose_locale(session, official, locale)  # writes the locale and an audit row
        await session.flush()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(people, "choose_locale", choose_then_fail)
    user = running_bot.emulator.user(1008, first_name="Вера", language_code="en")
    user.send_command("/lang")
    prompt = await user.wait_for_message()
    with caplog.at_level(logging.ERROR, logger="handlers.errors"):
        user.press(prompt, text="Русский")
        answer = await user.wait_for_callback_answer()
    assert answer.show_alert is True
    assert answer.text.startswith("Sorry, something went wrong")  # in the user's language
    assert any("disk on fire" in record.getMessage() for record in caplog.records)
    async with running_bot.sessionmaker() as session:
        person = await session.scalar(select(Official).where(Official.telegram_id == 1008))
        audit_rows = await session.scalar(select(func.count(AuditEvent.id)))
    # The locale and its audit row were written in the failed update: both rolled back.
    assert person.locale is None
    assert audit_rows == 0


async def test_a_refusal_saves_nothing_and_says_why_in_the_persons_language(
    running_bot, monkeypatch
):
    real_choose_locale = people.choose_locale

    async def choose_then_refuse(session, official, locale):
        await real_choose_locale(session, official, locale)  # writes the locale and an audit row
        await session.flush()
        raise Refused(Refusal.NOT_AVAILABLE)

    monkeypatch.setattr(people, "choose_locale", choose_then_refuse)
    user = running_bot.emulator.user(1009, first_name="Анна", language_code="en")
    user.send_command("/lang")
    prompt = await user.wait_for_message()
    user.press(prompt, text="Русский")
    answer = await user.wait_for_callback_answer()
    assert answer.show_alert is True
    assert answer.text == "This is not available to you."
    async with running_bot.sessionmaker() as session:
        person = await session.scalar(select(Official).where(Official.telegram_id == 1009))
        audit_rows = await session.scalar(select(func.count(AuditEvent.id)))
    assert person.locale is None
    assert audit_rows == 0


async def test_a_coordinator_sees_progress_of_their_plans_only(running_bot):
    today = today_in(running_bot.settings.default_timezone)
    past, future = today - timedelta(days=3), today + timedelta(days=30)
    own = await add_plan(running_bot.sessionmaker, "План НСО <2025>", [past, past, future, None], 1)
    await add_plan(running_bot.sessionmaker, "Чужой план", [future])
    await register(running_bot.sessionmaker, 2001, "Ирина", Role.COORDINATOR, plan_id=own)

    coordinator = running_bot.emulator.user(2001, first_name="Ирина")
    coordinator.send_command("/plans")
    reply = await coordinator.wait_for_message()
    assert reply.text == "План НСО <2025>\n4 мероприятия, выполнено: 1, просрочено: 1, без срока: 1"
    assert "<b>План НСО &lt;2025&gt;</b>" in reply.html

    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    admin.send_command("/plans")
    admin_reply = await admin.wait_for_message()
    assert "План НСО" in admin_reply.text and "Чужой план\n1 мероприятие" in admin_reply.text


async def test_an_administrator_with_many_long_plans_gets_them_all_in_messages_that_fit(
    running_bot,
):
    future = today_in(running_bot.settings.default_timezone) + timedelta(days=30)
    for n in range(30):
        await add_plan(running_bot.sessionmaker, f"План {n:02} " + "мероприятий " * 80, [future])
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    admin.send_command("/plans")
    await running_bot.emulator.wait_until(
        lambda: any("План 29" in (m.text or "") for m in running_bot.emulator.messages(admin.id))
    )
    texts = [m.text or "" for m in running_bot.emulator.messages(admin.id) if m.from_bot]
    assert len(texts) > 1 and all(len(text) <= 4096 for text in texts)
    assert all(f"План {n:02}" in "".join(texts) for n in range(30))
    assert "…" in texts[0]


async def test_an_official_cannot_list_plans(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        body = Organization(full_name="Министерство труда", name_key="министерство труда")
        session.add(body)
        await session.flush()
        body_id = body.id
    await register(running_bot.sessionmaker, 2002, "Олег", Role.OFFICIAL, organization_id=body_id)
    official = running_bot.emulator.user(2002)
    official.send_command("/plans")
    assert (await official.wait_for_message()).text == "Эта команда доступна координаторам."


async def test_an_official_sees_how_many_measures_are_open_and_overdue(running_bot):
    today = today_in(running_bot.settings.default_timezone)
    plan_id = await add_plan(
        running_bot.sessionmaker,
        "План",
        [today - timedelta(days=1), today + timedelta(days=5), today + timedelta(days=9), today],
        done=0,
    )
    async with running_bot.sessionmaker() as session, session.begin():
        body = Organization(full_name="Минцифры", name_key="минцифры")
        other = Organization(full_name="Минтруд", name_key="минтруд")
        session.add_all([body, other])
        await session.flush()
        measures = (await session.scalars(select(Measure).order_by(Measure.sort_key))).all()
        for measure in measures[:3]:
            session.add(Assignment(measure_id=measure.id, organization_id=body.id))
        session.add(Assignment(measure_id=measures[3].id, organization_id=other.id))
        body_id = body.id
    assert plan_id
    await register(running_bot.sessionmaker, 2003, "Анна", Role.OFFICIAL, organization_id=body_id)
    official = running_bot.emulator.user(2003, first_name="Анна")
    official.send_command("/start")
    reply = await official.wait_for_message()
    assert "За вашими органами 3 невыполненных мероприятия." in reply.text
    assert "Из них просрочено: 1." in reply.text
    # A registered person gets a personal menu.
    await running_bot.emulator.wait_for_call(
        "setMyCommands", lambda call: call.params.get("scope", {}).get("chat_id") == 2003
    )
    assert running_bot.emulator.get_commands("chat", chat_id=2003) is not None


async def test_menus_are_set_per_scope_at_start(running_bot):
    emulator = running_bot.emulator
    russian = emulator.get_commands("default")
    english = emulator.get_commands("default", language_code="en")
    assert [c["command"] for c in russian] == ["start", "help", "lang"]
    assert russian[1]["description"] == "Что умеет бот"
    assert english[1]["description"] == "What the bot can do"
    # The administrator has not written to the bot yet: Telegram refuses a menu for that chat.
    assert emulator.get_commands("chat", chat_id=ADMIN_TELEGRAM_ID) is None
    admin = emulator.user(ADMIN_TELEGRAM_ID)
    admin.send_command("/start")
    await admin.wait_for_message()
    await emulator.wait_until(lambda: emulator.get_commands("chat", chat_id=ADMIN_TELEGRAM_ID))
    admin_menu = emulator.get_commands("chat", chat_id=ADMIN_TELEGRAM_ID)
    assert [c["command"] for c in admin_menu] == [
        "start",
        "summary",
        "overdue",
        "upcoming",
        "org",
        "section",
        "plans",
        "export",
        "review",
        "find",
        "import",
        "amend",
        "invite",
        "orgs",
        "officials",
        "reminders",
        "evidence",
        "digest",
        "coordinators",
        "help",
        "settings",
    ]


async def test_unknown_text_and_stale_buttons_get_a_polite_answer(running_bot):
    user = running_bot.emulator.user(1009)
    user.send_text("когда срок?")
    assert "/help" in (await user.wait_for_message()).text


async def test_quick_taps_of_one_person_are_handled_in_order(running_bot):
    """A language switch followed at once by /help: /help already speaks the new language."""
    emulator = running_bot.emulator
    user = emulator.user(1010, first_name="Лев")
    user.send_command("/lang")
    prompt = await user.wait_for_message()
    for _ in range(3):
        user.press(prompt, text="English")
        user.send_command("/help")
        assert "What you can do" in (await user.wait_for_message("can do")).text
        user.send_command("/lang")
        prompt = await user.wait_for_message()
        user.press(prompt, text="Русский")
        user.send_command("/help")
        assert "Что можно сделать" in (await user.wait_for_message("Что можно")).text
        user.send_command("/lang")
        prompt = await user.wait_for_message()
