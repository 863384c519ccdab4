"""Local Telegram Bot API emulator for end-to-end tests of the aiogram bot.

Usage::

    async with BotAPIEmulator(token="123456:TEST-token") as emulator:
        bot = emulator.create_bot()  # or Bot(token, session=AiohttpSession(
        #     api=TelegramAPIServer.from_base(emulator.base_url)))
        user = emulator.user(42, first_name="Ann")
        async with emulator.polling(dp, bot):
            user.send_command("/start")
            message = await user.wait_for_message()
"""

from .html_entities import EntityParseError, ParsedText, parse_html, plain_text
from .models import (
    ApiCall,
    CallbackAnswer,
    EmulatorStats,
    FailureRule,
    FileRecord,
    Injected,
    MessageRecord,
)
from .params import ApiError
from .server import BotAPIEmulator
from .users import TestGroup, TestUser

__all__ = [
    "ApiCall",
    "ApiError",
    "BotAPIEmulator",
    "CallbackAnswer",
    "EmulatorStats",
    "EntityParseError",
    "FailureRule",
    "FileRecord",
    "Injected",
    "MessageRecord",
    "ParsedText",
    "TestGroup",
    "TestUser",
    "parse_html",
    "plain_text",
]
