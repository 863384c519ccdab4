"""The yardstick of the load benchmark: a bare aiogram bot that answers like the real one does
(a message gets a message with buttons; a button press gets its answer and an edit), with no
database and no rules. Run by bench/load_bench.py with BOT_TOKEN and TELEGRAM_API_URL set.
"""

from __future__ import annotations

import asyncio
import html
import os

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

# The same shape of buttons the real /my shows, so the benchmark's user presses the same ones.
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="Later: 30", callback_data="my:later:0")],
        [InlineKeyboardButton(text="1. Measure", callback_data="m:1:later:0")],
        [InlineKeyboardButton(text="›", callback_data="my:later:1")],
    ]
)

dispatcher = Dispatcher()


@dispatcher.message()
async def echo_message(message: Message) -> None:
    await message.answer(html.escape(message.text or "…"), reply_markup=KEYBOARD)


@dispatcher.callback_query()
async def echo_press(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(html.escape(query.data or "…"), reply_markup=KEYBOARD)


async def main() -> None:
    bot = Bot(
        os.environ["BOT_TOKEN"],
        session=AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    await dispatcher.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
