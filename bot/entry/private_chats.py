"""The bot works in private chats only: nothing of a plan is ever shown in a group.

`PrivateChatsOnly` is the first outer middleware of every update, before the database session:
an update from a group, supergroup or channel never opens a session, never recognises (and so
never stores) its sender, and reaches no router. Instead:

* a command meant for this bot (`/my`, `/my@this_bot`) is answered "write to me privately",
  with a button opening the private chat;
* a pressed button answers the same as an alert;
* the bot being added to a group says so once, politely; in a channel it says nothing;
* anything else (group chatter, edits, channel posts) is left unanswered.

A change of the bot's membership in a private chat (a person blocked or unblocked it) is
dropped here too: the sender learns a block from Telegram's answer (scheduler/telegram_answers).
Group digests may come later, deliberately, as a feature of their own.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    Chat,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
    Update,
    User,
)
from aiogram.utils.i18n import I18n

from bot.i18n import pick_locale

logger = logging.getLogger(__name__)

# Update types the bot must ask Telegram for beyond those its routers handle.
EXTRA_UPDATE_TYPES = ("my_chat_member",)
_OUTSIDE = (ChatMemberStatus.LEFT, ChatMemberStatus.KICKED)
_INSIDE = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.RESTRICTED)


def used_update_types(routers_use: list[str]) -> list[str]:
    """What to ask getUpdates for: the routers' update types and ours."""
    return sorted({*routers_use, *EXTRA_UPDATE_TYPES})


class PrivateChatsOnly(BaseMiddleware):
    """Updates from private chats go on; the rest are answered here (see the module)."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def __call__(self, handler: Any, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        chat: Chat | None = data.get("event_chat")
        if event.my_chat_member is None and (chat is None or chat.type == ChatType.PRIVATE):
            return await handler(event, data)
        if chat is not None and chat.type != ChatType.PRIVATE:
            bot: Bot = data["bot"]
            user: User | None = data.get("event_from_user")
            locale = pick_locale(None, user.language_code if user else None)
            try:
                await self._answer(event, bot, locale)
            except TelegramAPIError as error:
                # No right to write there, or the bot was removed meanwhile: nothing to do.
                logger.info("Could not answer in chat %s: %s", chat.id, type(error).__name__)
        return UNHANDLED

    async def _answer(self, update: Update, bot: Bot, locale: str) -> None:
        username = await _username(bot)
        if update.message is not None and _is_command_for(update.message, username):
            await update.message.answer(
                self._text(locale, username), reply_markup=self._button(locale, username)
            )
        elif update.callback_query is not None:
            await update.callback_query.answer(self._alert(locale, username), show_alert=True)
        elif (
            update.my_chat_member is not None
            and update.my_chat_member.chat.type != ChatType.CHANNEL
            and _bot_was_added(update.my_chat_member)
        ):
            await bot.send_message(
                update.my_chat_member.chat.id,
                self._greeting(locale, username),
                reply_markup=self._button(locale, username),
            )

    def _text(self, locale: str, username: str) -> str:
        return self.i18n.gettext(
            "I answer only in a private chat, so that nothing of your plans shows here. "
            "Write to me privately: @{bot}",
            locale=locale,
        ).format(bot=username)

    def _alert(self, locale: str, username: str) -> str:
        return self.i18n.gettext(
            "I answer only in a private chat. Write to me privately: @{bot}", locale=locale
        ).format(bot=username)

    def _greeting(self, locale: str, username: str) -> str:
        return self.i18n.gettext(
            "Hello! I work only in private chats, so that nothing of your plans shows in a "
            "group. Each of you can write to me privately: @{bot}",
            locale=locale,
        ).format(bot=username)

    def _button(self, locale: str, username: str) -> InlineKeyboardMarkup:
        text = self.i18n.gettext("Write to me privately", locale=locale)
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=text, url=f"https://t.me/{username}")]]
        )


async def _username(bot: Bot) -> str:
    me = await bot.me()  # asked once, then kept by aiogram
    return me.username or ""


def _is_command_for(message: Message, username: str) -> bool:
    """A command for this bot: `/cmd`, or `/cmd@this_bot` (not one for another bot)."""
    text = message.text or ""
    if not text.startswith("/"):
        return False
    _command, _at, addressee = text.split(maxsplit=1)[0].partition("@")
    return not addressee or addressee.lower() == username.lower()


def _bot_was_added(change: ChatMemberUpdated) -> bool:
    return change.old_chat_member.status in _OUTSIDE and change.new_chat_member.status in _INSIDE
