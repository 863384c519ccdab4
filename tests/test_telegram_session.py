"""The bot's calls to Telegram: as JSON bodies, with the same result as aiogram's forms."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.entry.telegram_session import JsonBodySession
from tests.emulator import BotAPIEmulator

TOKEN = "123456:JSON-body"
CHAT = 4242


@pytest.fixture
async def bot() -> AsyncIterator[tuple[Bot, BotAPIEmulator]]:
    async with BotAPIEmulator(token=TOKEN, bot_username="json_bot") as emulator:
        emulator.user(CHAT, first_name="Мария")
        session = JsonBodySession(api=TelegramAPIServer.from_base(emulator.base_url))
        bot = Bot(TOKEN, session=session)
        yield bot, emulator
        await bot.session.close()


async def test_a_message_in_russian_with_buttons_arrives_as_written(bot) -> None:
    bot, emulator = bot
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Отчёт «№ 5»", callback_data="r:5")]]
    )
    sent = await bot.send_message(
        CHAT, "<b>Срок</b> 30.05 &amp; «ещё»", parse_mode="HTML", reply_markup=keyboard
    )

    record = emulator.message(CHAT, sent.message_id)
    assert record.text == "Срок 30.05 & «ещё»"
    assert sent.text == "Срок 30.05 & «ещё»"
    assert sent.reply_markup is not None
    button = sent.reply_markup.inline_keyboard[0][0]
    assert (button.text, button.callback_data) == ("Отчёт «№ 5»", "r:5")
    assert emulator.calls_to("sendMessage")[-1].params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Отчёт «№ 5»", "callback_data": "r:5"}]]
    }


def test_a_call_without_a_file_is_a_json_body_and_one_with_a_file_is_not() -> None:
    from aiogram.methods import SendDocument, SendMessage

    session = JsonBodySession()
    bot = Bot(TOKEN, session=session)
    body = session.json_payload(bot, SendMessage(chat_id=1, text="Привет", parse_mode=None))
    assert body is not None
    assert "Привет".encode() in body
    document = SendDocument(chat_id=1, document=BufferedInputFile(b"x", filename="a.txt"))
    assert session.json_payload(bot, document) is None


async def test_a_document_still_uploads_and_a_refusal_is_still_an_error(bot) -> None:
    bot, emulator = bot
    sent = await bot.send_document(CHAT, BufferedInputFile(b"%PDF-1.4", filename="акт.pdf"))
    assert sent.document is not None
    assert emulator.file_content(sent.document.file_id) == b"%PDF-1.4"
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(CHAT, "x" * 4097)


async def test_a_sent_keyboard_comes_back_as_the_object_the_bot_sent(bot) -> None:
    bot, _emulator = bot
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"№ {n}", callback_data=f"m:{n}")] for n in (1, 2)
        ]
    )
    sent = await bot.send_message(CHAT, "Ваши мероприятия", reply_markup=keyboard)
    assert sent.reply_markup is keyboard
    edited = await bot.edit_message_text(
        "Страница 2", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard
    )
    assert edited.reply_markup is keyboard and edited.text == "Страница 2"
    plain = await bot.send_message(CHAT, "Без кнопок")
    assert plain.reply_markup is None


async def test_a_pressed_button_arrives_without_the_keyboard_it_was_pressed_on(bot) -> None:
    bot, emulator = bot
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Открыть", callback_data="m:7")]]
    )
    sent = await bot.send_message(CHAT, "Мероприятие 7", reply_markup=keyboard)
    emulator.user(CHAT).press(sent.message_id, callback_data="m:7")

    (update,) = await bot.get_updates()
    pressed = update.callback_query
    assert pressed is not None and pressed.data == "m:7"
    assert pressed.message.message_id == sent.message_id
    assert pressed.message.chat.id == CHAT and pressed.message.text == "Мероприятие 7"
    assert pressed.message.reply_markup is None


def test_the_quick_json_body_says_what_aiograms_own_walk_says() -> None:
    import json
    from datetime import UTC, datetime

    from aiogram.client.default import DefaultBotProperties
    from aiogram.methods import (
        AnswerCallbackQuery,
        BanChatMember,
        EditMessageText,
        SendDocument,
        SendMediaGroup,
        SendMessage,
    )
    from aiogram.types import InputMediaDocument, LinkPreviewOptions

    session = JsonBodySession()
    bot = Bot(
        TOKEN,
        session=session,
        default=DefaultBotProperties(
            parse_mode="HTML", link_preview=LinkPreviewOptions(is_disabled=True)
        ),
    )
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Срок «30.05»", callback_data="m:1")]]
    )
    calls = [
        SendMessage(chat_id=1, text="<b>Привет</b>", reply_markup=keyboard),
        SendMessage(chat_id=1, text="plain", parse_mode=None, disable_notification=False),
        EditMessageText(chat_id=1, message_id=5, text="Страница 2", reply_markup=keyboard),
        AnswerCallbackQuery(callback_query_id="7", text="Устарело", show_alert=True),
        SendDocument(chat_id=1, document="file-id-123", caption="Акт"),
        BanChatMember(chat_id=1, user_id=2, until_date=datetime(2030, 1, 1, tzinfo=UTC)),
    ]
    for call in calls:
        quick, walked = session.json_payload(bot, call), session.walked_payload(bot, call)
        assert quick is not None and walked is not None
        assert json.loads(quick) == json.loads(walked), call
    upload = SendMediaGroup(
        chat_id=1, media=[InputMediaDocument(media=BufferedInputFile(b"x", filename="a.txt"))]
    )
    assert session.json_payload(bot, upload) is None


async def test_the_bots_own_formatting_is_not_read_back_but_a_persons_is(bot) -> None:
    bot, emulator = bot
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Открыть", callback_data="m:7")]]
    )
    sent = await bot.send_message(
        CHAT, "<b>7.</b> Мероприятие", parse_mode="HTML", reply_markup=keyboard
    )
    assert emulator.calls_to("sendMessage")[-1].result["entities"]  # Telegram gave them
    assert sent.text == "7. Мероприятие" and sent.entities is None
    emulator.user(CHAT).press(sent.message_id, callback_data="m:7")
    emulator.user(CHAT).send_command("/my")

    pressed, typed = await bot.get_updates()
    assert pressed.callback_query is not None
    assert pressed.callback_query.message.text == "7. Мероприятие"
    assert pressed.callback_query.message.entities is None
    assert typed.message is not None and typed.message.text == "/my"
    assert typed.message.entities is not None and typed.message.entities[0].type == "bot_command"
