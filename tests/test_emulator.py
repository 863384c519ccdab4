"""End-to-end tests of the Telegram Bot API emulator with a real aiogram Bot/Dispatcher."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.emulator import BotAPIEmulator, EntityParseError, MessageRecord, parse_html

TOKEN = "123456:TEST-token"
USER_ID = 1001


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator(token=TOKEN, bot_username="roadmap_test_bot") as emu:
        yield emu


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    bot = Bot(token=TOKEN, session=session)
    yield bot
    await bot.session.close()


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in buttons
        ]
    )


def make_dispatcher(downloaded: list[bytes]) -> Dispatcher:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        assert message.from_user is not None
        await message.answer(
            f"Hello, <b>{message.from_user.first_name}</b>! ref={command.args}",
            parse_mode="HTML",
            reply_markup=keyboard(("Plan", "menu:plan"), ("Help", "menu:help")),
        )

    @router.callback_query(F.data == "menu:plan")
    async def plan(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text(
            "<i>Plan</i> selected", parse_mode="HTML", reply_markup=keyboard(("Back", "menu:back"))
        )
        await query.answer("Plan opened", show_alert=True)

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        data = await bot.download(message.document)
        assert data is not None
        content = data.read()
        downloaded.append(content)
        await message.answer_document(
            BufferedInputFile(content[::-1], filename="reversed.txt"),
            caption=f"{len(content)} bytes",
        )

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def test_start_command_keyboard_and_button_press(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = emulator.user(USER_ID, first_name="Ann", username="ann")
    async with emulator.polling(make_dispatcher([]), bot):
        update = user.send_command("/start", args="abc")
        assert update.message is not None
        assert update.message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

        greeting = await user.wait_for_message()
        assert greeting.text == "Hello, Ann! ref=abc"
        assert greeting.html == "Hello, <b>Ann</b>! ref=abc"
        assert greeting.entities == [{"offset": 7, "length": 3, "type": "bold"}]
        assert greeting.button_texts() == [["Plan"], ["Help"]]
        assert greeting.payload["from"]["username"] == "roadmap_test_bot"

        press = user.press(greeting, text="Plan")
        answer = await user.wait_for_callback_answer()
        assert answer.callback_query_id == press.callback_query_id
        assert (answer.text, answer.show_alert) == ("Plan opened", True)

        edited = await user.wait_for_edit(greeting)
        assert edited.text == "Plan selected"
        assert edited.button_texts() == [["Back"]]
        assert edited.history[0]["text"] == "Hello, Ann! ref=abc"

        with pytest.raises(AssertionError, match="Back"):
            user.press(greeting, text="Missing")

    assert [m.message_id for m in emulator.messages(USER_ID)] == [greeting.message_id]
    assert [c.status for c in emulator.calls_to("editMessageText")] == [200]


async def test_document_round_trip(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = emulator.user(USER_ID)
    downloaded: list[bytes] = []
    content = bytes(range(256)) * 40 + "Привет".encode()
    async with emulator.polling(make_dispatcher(downloaded), bot):
        sent = user.send_document("report.txt", content, caption="numbers")
        assert sent.message is not None
        assert sent.message["document"]["mime_type"] == "text/plain"

        reply = await user.wait_for_message(lambda m: m.document is not None)

    assert downloaded == [content]
    assert emulator.downloads  # the bot really fetched /file/bot<token>/<path>
    assert reply.document is not None
    assert reply.document["file_name"] == "reversed.txt"
    assert reply.caption == f"{len(content)} bytes"
    assert reply.file is not None
    assert reply.file.content == content[::-1]
    assert emulator.messages(USER_ID) == [reply]


async def test_send_photo_and_resend_by_file_id(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.user(USER_ID)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR"
        + (640).to_bytes(4, "big")
        + (480).to_bytes(4, "big")
    )
    first = await bot.send_photo(USER_ID, BufferedInputFile(png, filename="p.png"))
    assert first.photo is not None
    assert (first.photo[-1].width, first.photo[-1].height) == (640, 480)
    again = await bot.send_photo(USER_ID, first.photo[-1].file_id)
    assert again.photo is not None
    assert again.photo[-1].file_unique_id == first.photo[-1].file_unique_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(USER_ID, "no-such-file-id")


async def test_set_my_commands_per_scope_and_language(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.user(USER_ID)
    ru = [
        BotCommand(command="start", description="Начать"),
        BotCommand(command="help", description="Помощь"),
    ]
    en = [BotCommand(command="start", description="Start")]
    admin = [*ru, BotCommand(command="admin", description="Админка")]
    assert await bot.set_my_commands(ru, scope=BotCommandScopeDefault(), language_code="ru")
    assert await bot.set_my_commands(en)
    assert await bot.set_my_commands(admin, scope=BotCommandScopeChat(chat_id=USER_ID))

    assert emulator.commands[("default", None, "ru")] == [
        c.model_dump(exclude_none=True) for c in ru
    ]
    assert emulator.get_commands() == [{"command": "start", "description": "Start"}]
    assert emulator.get_commands("chat", chat_id=USER_ID) == [
        c.model_dump(exclude_none=True) for c in admin
    ]
    fetched = await bot.get_my_commands(language_code="ru")
    assert [(c.command, c.description) for c in fetched] == [(c.command, c.description) for c in ru]
    assert await bot.get_my_commands(language_code="de") == []

    assert await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=USER_ID))
    assert emulator.get_commands("chat", chat_id=USER_ID) is None
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(en, scope=BotCommandScopeChat(chat_id=999))


async def test_html_validation_and_text_checks(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.user(USER_ID)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER_ID, "a < b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='end tag corresponding to start tag "b"'):
        await bot.send_message(USER_ID, "<b>bold", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER_ID, "Tom & Jerry", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Unsupported start tag"):
        await bot.send_message(USER_ID, "<div>x</div>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER_ID, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER_ID, "")

    html = (
        'a &lt; b &amp; <a href="https://example.com/?q=1&amp;r=2">link</a> '
        "<tg-spoiler>s</tg-spoiler>"
    )
    sent = await bot.send_message(USER_ID, html, parse_mode="HTML")
    assert sent.text == "a < b & link s"
    record = emulator.messages(USER_ID)[-1]
    assert record.html == html
    assert record.entities == [
        {"offset": 8, "length": 4, "type": "text_link", "url": "https://example.com/?q=1&r=2"},
        {"offset": 13, "length": 1, "type": "spoiler"},
    ]
    assert (await bot.send_message(USER_ID, "x" * 4096)).text == "x" * 4096
    # without parse_mode the same characters are plain text
    assert (await bot.send_message(USER_ID, "a < b & c")).text == "a < b & c"


async def test_callback_data_longer_than_64_bytes_is_rejected(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.user(USER_ID)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER_ID, "x", reply_markup=keyboard(("ok", "a"), ("long", "b" * 65)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER_ID, "x", reply_markup=keyboard(("cyrillic", "я" * 33)))
    sent = await bot.send_message(USER_ID, "x", reply_markup=keyboard(("max", "b" * 64)))
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "b" * 64


async def test_edit_errors(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.user(USER_ID)
    sent = await bot.send_message(USER_ID, "same", reply_markup=keyboard(("a", "a")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=USER_ID, message_id=sent.message_id, reply_markup=keyboard(("a", "a"))
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("new", chat_id=USER_ID, message_id=sent.message_id + 100)
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    edited = await bot.edit_message_text("same", chat_id=USER_ID, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER_ID, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("12345")
    # A hand-made callback query (e.g. forged data) can be answered once, like a real one.
    user = emulator.users[USER_ID]
    emulator.inject_update(
        {
            "callback_query": {
                "id": "forged-1",
                "from": user.user_dict,
                "chat_instance": "1",
                "message": emulator.messages(USER_ID)[0].payload,
                "data": "no:such:action",
            }
        }
    )
    assert await bot.answer_callback_query("forged-1", text="Unknown button")
    assert (await user.wait_for_callback_answer("forged-1")).text == "Unknown button"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("forged-1")


async def test_fail_next_429_then_500(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.user(USER_ID)
    emulator.fail_next("sendMessage", 429, retry_after=7)
    emulator.fail_next("sendMessage", 500)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER_ID, "one")
    assert retry.value.retry_after == 7
    with pytest.raises(TelegramServerError):
        await bot.send_message(USER_ID, "two")
    assert (await bot.send_message(USER_ID, "three")).text == "three"

    assert [c.status for c in emulator.calls_to("sendMessage")] == [429, 500, 200]
    stats = emulator.stats()
    assert (stats.sent_messages, stats.too_many_requests) == (1, 1)

    emulator.fail_next("sendMessage", 502, chat_id=42)  # another chat: not triggered here
    assert (await bot.send_message(USER_ID, "four")).text == "four"


async def test_delay_chat_holds_that_chat_only_until_released(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.user(USER_ID)
    emulator.user(2002)
    emulator.delay_chat(USER_ID, 60)
    slow = asyncio.create_task(bot.send_message(USER_ID, "slow"))
    await emulator.wait_until(lambda: emulator.delayed_calls_waiting == 1)
    for number in range(3):
        assert (await bot.send_message(2002, f"quick {number}")).text == f"quick {number}"
    assert not slow.done()
    assert [c.params["chat_id"] for c in emulator.calls_to("sendMessage")] == [2002, 2002, 2002]

    emulator.release_chat(USER_ID)
    assert (await slow).text == "slow"
    answered = [c.params["chat_id"] for c in emulator.calls_to("sendMessage")]
    assert answered == [2002, 2002, 2002, USER_ID]
    assert (await bot.send_message(USER_ID, "now quick")).text == "now quick"


async def test_delay_chat_ends_after_its_seconds(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.user(USER_ID)
    emulator.delay_chat(USER_ID, 0.2)
    first = await bot.send_message(USER_ID, "late")
    second = await bot.send_message(USER_ID, "late again")
    assert (first.text, second.text) == ("late", "late again")
    assert all(c.duration >= 0.2 for c in emulator.calls_to("sendMessage"))


async def test_rate_limit_answers_429(emulator: BotAPIEmulator, bot: Bot) -> None:
    emulator.user(USER_ID)
    emulator.rate_limit(per_chat_per_second=1)
    await bot.send_message(USER_ID, "first")
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER_ID, "second")
    assert retry.value.retry_after >= 1
    assert emulator.stats().rate_limit_violations == 1


async def test_blocked_user_gets_forbidden(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = emulator.user(USER_ID)
    user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "hi")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(USER_ID, "typing")
    user.unblock_bot()
    assert (await bot.send_message(USER_ID, "hi again")).text == "hi again"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "nobody")


async def test_long_polling_returns_promptly_on_injected_update(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    user = emulator.user(USER_ID)
    # A poll that asks to wait an hour (longer than the client's own request timeout):
    # only the injected update can end it with an answer.
    poll = asyncio.create_task(bot.get_updates(timeout=3600, allowed_updates=["message"]))
    await emulator.wait_for_polling()
    injected = user.send_text("wake up")
    updates = await poll
    assert [u.update_id for u in updates] == [injected.update_id]
    assert updates[0].message is not None
    assert updates[0].message.text == "wake up"
    # injection helpers are synchronous; awaiting their result works too
    again = await user.send_text("again")
    assert again.update_id == injected.update_id + 1

    # Not confirmed yet: delivered again; confirmed by offset: gone.
    assert len(await bot.get_updates(timeout=0)) == 2
    assert await bot.get_updates(offset=again.update_id + 1, timeout=0) == []
    assert emulator.pending_updates == []

    # An empty long poll times out with [].
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_http_level_behaviour(emulator: BotAPIEmulator) -> None:
    emulator.user(USER_ID)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emulator.base_url}/bot{TOKEN}/noSuchMethod") as resp:
            assert resp.status == 404
            assert (await resp.json())["description"] == "Not Found: method not found"
        async with http.post(
            f"{emulator.base_url}/bot{TOKEN}/sendmessage",
            json={"chat_id": USER_ID, "text": "json body", "reply_markup": {"inline_keyboard": []}},
        ) as resp:
            body = await resp.json()
            assert body["ok"] is True
            assert body["result"]["text"] == "json body"
        async with http.get(
            f"{emulator.base_url}/bot{TOKEN}/sendMessage", params={"chat_id": USER_ID, "text": "q"}
        ) as resp:
            assert (await resp.json())["result"]["message_id"] == 2

    wrong = Bot(
        token="654321:WRONG",
        session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url)),
    )
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await wrong.session.close()
    assert [m.text for m in emulator.messages(USER_ID)] == ["json body", "q"]
    assert isinstance(emulator.messages(USER_ID)[0], MessageRecord)


async def test_wait_timeout_reports_failed_calls(emulator: BotAPIEmulator, bot: Bot) -> None:
    user = emulator.user(USER_ID)
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(USER_ID, "<b>oops", parse_mode="HTML")
    with pytest.raises(AssertionError, match="can't parse entities"):
        await user.wait_for_message(timeout=0.1)


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<b>a<i>b</i></b>", "ab", [(0, 2, "bold"), (1, 1, "italic")]),
        ("😀 <u>x</u>", "😀 x", [(3, 1, "underline")]),  # offsets in UTF-16 units
        ('<pre><code class="language-py">x</code></pre>', "x", [(0, 1, "pre")]),
        ("1 &gt; 0 &#33; &#x41;", "1 > 0 ! A", []),
        ("  <s>trimmed</s>\n", "trimmed", [(0, 7, "strikethrough")]),
    ],
)
def test_html_parser(html: str, text: str, entities: list[tuple[int, int, str]]) -> None:
    parsed = parse_html(html)
    assert parsed.text == text
    assert [(e["offset"], e["length"], e["type"]) for e in parsed.entities] == entities


@pytest.mark.parametrize(
    "html", ["a < b", "<b>x", "<b>x</i>", "</b>", "<br>", "<span>x</span>", "&nbsp;"]
)
def test_html_parser_rejects(html: str) -> None:
    with pytest.raises(EntityParseError):
        parse_html(html)
