"""The bot works in private chats only: in a group every command and button is answered "write
to me privately" and shows nothing; being added to a group says so once; nothing is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.entry.app import create_bot, create_dispatcher
from bot.entry.private_chats import used_update_types
from bot.entry.translations import create_i18n
from models.tables import AuditEvent, Official
from tests.conftest import ADMIN_TELEGRAM_ID, TEST_TOKEN, RunningBot
from tests.test_coordination import COORDINATOR_A, make_world, today

BOT_LINK = "https://t.me/roadmap_test_bot"


@pytest.fixture
async def bot_in_groups(emulator, engine, sessionmaker, tmp_path) -> AsyncIterator[RunningBot]:
    """The bot as in production, asking for the update types it asks Telegram for."""
    settings = Settings(
        bot_token=TEST_TOKEN,
        telegram_api_url=emulator.base_url,
        admin_ids=frozenset({ADMIN_TELEGRAM_ID}),
        data_dir=tmp_path / "data",
        _env_file=None,
    )
    emulator.user(ADMIN_TELEGRAM_ID, "Admin", language_code="en")
    bot = create_bot(settings)
    dispatcher = create_dispatcher(settings, engine, sessionmaker, create_i18n())
    allowed = used_update_types(dispatcher.resolve_used_update_types())
    async with emulator.polling(dispatcher, bot, allowed_updates=allowed):
        yield RunningBot(emulator, dispatcher, bot, sessionmaker, settings)


async def stored(running_bot, model) -> int:
    async with running_bot.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


def says_write_privately(message) -> bool:
    return "privately" in message.text and "@roadmap_test_bot" in message.text


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_every_command_in_a_group_answers_write_to_me_privately(bot_in_groups, chat_type):
    emulator = bot_in_groups.emulator
    await make_world(bot_in_groups.sessionmaker, today(bot_in_groups))
    people_before = await stored(bot_in_groups, Official)
    events_before = await stored(bot_in_groups, AuditEvent)
    admin = emulator.user(ADMIN_TELEGRAM_ID)
    coordinator = emulator.user(COORDINATOR_A, "Анна", language_code="en")
    stranger = emulator.user(777_001, "Stranger", language_code="en")
    group = emulator.group(-100_500, "Regional working group", chat_type)

    commands = ["/start", "/my", "/summary", "/review", "/find 1", "/orgs", "/export", "/help"]
    for person in (admin, coordinator, stranger):
        for command in commands:
            group.send_command(command, by=person)
            answer = await group.wait_for_message()
            assert says_write_privately(answer), (command, answer.text)
            rows = answer.reply_markup["inline_keyboard"]
            assert [[button.get("url") for button in row] for row in rows] == [[BOT_LINK]]
            # Nothing of a plan: no title, no measure, no body, no count.
            assert "План" not in answer.text and "Минтруд" not in answer.text
    group.send_command("/summary@roadmap_test_bot", by=admin)
    assert says_write_privately(await group.wait_for_message())

    # Nobody was recognised or stored, nothing was written, nothing reached a private chat.
    assert await stored(bot_in_groups, Official) == people_before
    assert await stored(bot_in_groups, AuditEvent) == events_before
    assert not stranger.messages and not coordinator.messages


async def test_group_chatter_and_other_bots_commands_get_no_answer(bot_in_groups):
    emulator = bot_in_groups.emulator
    ann = emulator.user(777_002, "Ann", language_code="en")
    group = emulator.group(-100_501, "Chat")
    group.send_text("good morning, colleagues", by=ann)
    group.send_command("/start@another_bot", by=ann)
    group.send_command("/help", by=ann)  # a marker: the one answer expected
    answer = await group.wait_for_message()
    assert says_write_privately(answer)
    assert len(group.messages) == 1


async def test_a_button_pressed_in_a_group_shows_nothing(bot_in_groups):
    emulator = bot_in_groups.emulator
    admin = emulator.user(ADMIN_TELEGRAM_ID)
    group = emulator.group(-100_502, "Chat")
    group.send_command("/help", by=admin)
    message = await group.wait_for_message()
    # A button whose data a card carries (a forged press: the bot never puts one in a group).
    payload = dict(message.payload)
    emulator.inject_update(
        {
            "callback_query": {
                "id": "77001",
                "from": admin.user_dict,
                "message": payload,
                "chat_instance": "-1",
                "data": "card:1",
            }
        }
    )
    answer = await admin.wait_for_callback_answer("77001")
    assert answer.show_alert and "privately" in answer.text
    assert len(group.messages) == 1 and not admin.messages


async def test_being_added_to_a_group_says_so_once_and_to_a_channel_nothing(bot_in_groups):
    emulator = bot_in_groups.emulator
    ann = emulator.user(777_003, "Ann", language_code="ru")
    group = emulator.group(-100_503, "Рабочая группа", "supergroup")
    channel = emulator.group(-100_504, "Новости", "channel")
    group.add_bot(by=ann)
    channel.add_bot(by=ann)
    greeting = await group.wait_for_message()
    assert "@roadmap_test_bot" in greeting.text and "лично" in greeting.text
    group.send_command("/help", by=ann)  # the marker after the two additions
    await group.wait_for_message()
    assert len(group.messages) == 2 and not channel.messages
    assert await stored(bot_in_groups, Official) == 0


async def test_a_private_chat_still_works(bot_in_groups):
    ann = bot_in_groups.emulator.user(777_004, "Ann", language_code="en")
    ann.send_command("/help")
    answer = await ann.wait_for_message()
    assert "privately" not in answer.text
