"""A local emulator of the Telegram Bot API for end-to-end tests.

The emulator is an aiohttp server on ``127.0.0.1:<free port>`` serving

* ``GET|POST {base_url}/bot{token}/{method}`` - Bot API methods, and
* ``GET {base_url}/file/bot{token}/{file_path}`` - file downloads,

which is what ``TelegramAPIServer.from_base(emulator.base_url)`` produces, so a
real aiogram bot (in this event loop or in another process) can long-poll it.
Tests inject updates through :class:`~.users.TestUser` handles and inspect what
the bot did through the emulator's records.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import logging
import math
import re
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from .html_entities import EntityParseError, ParsedText, parse_html
from .media import guess_mime_type, image_size
from .models import (
    ApiCall,
    CallbackAnswer,
    EmulatorStats,
    FailureRule,
    FileRecord,
    Injected,
    MessageRecord,
)
from .params import ApiError, Params, UploadedFile
from .users import TestGroup, TestUser

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.client.telegram import TelegramAPIServer

__all__ = ["BotAPIEmulator"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
MethodHandler = Callable[[Params], Awaitable[Any]]
CustomHandler = Callable[[dict[str, Any]], Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
BLOCKED = "Forbidden: bot was blocked by the user"

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: BLOCKED,
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# Update types Telegram does not send unless explicitly listed in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Methods counted by the rate limiter ("messages sent").
RATE_LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_URL_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_BOT_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")

CommandsKey = tuple[str, Any, str]


@dataclass
class _ChatState:
    user: TestUser
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    bot_messages: list[MessageRecord] = field(default_factory=list)
    next_message_id: int = 1
    chat_actions: list[str] = field(default_factory=list)


@dataclass
class _PendingQuery:
    query_id: str
    user_id: int
    answered: bool = False


@dataclass
class _Poll:
    conflict: bool = False


@dataclass
class _RateLimit:
    per_chat_per_second: float | None
    global_per_second: float | None
    enforce: bool
    retry_after: int | None


class BotAPIEmulator:
    """In-process fake Telegram Bot API server (see module docstring)."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "roadmap_test_bot",
        *,
        bot_first_name: str = "Roadmap Test Bot",
        host: str = "127.0.0.1",
        strict_html_ampersand: bool = True,
    ) -> None:
        bot_id, sep, _ = token.partition(":")
        if not sep or not bot_id.isdigit():
            msg = f"token must look like '<bot id>:<secret>', got {token!r}"
            raise ValueError(msg)
        self.token = token
        self.bot_id = int(bot_id)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.host = host
        self.strict_html_ampersand = strict_html_ampersand

        self.calls: list[ApiCall] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.files: dict[str, FileRecord] = {}
        self.downloads: list[str] = []
        self.internal_errors: list[BaseException] = []
        self.webhook_url = ""
        self.bot_settings: dict[tuple[str, Any], Any] = {}

        self._users: dict[int, TestUser] = {}
        self._chats: dict[int, _ChatState] = {}
        self._commands: dict[CommandsKey, list[dict[str, str]]] = {}
        self._files_by_path: dict[str, FileRecord] = {}
        self._queries: dict[str, _PendingQuery] = {}
        self._failures: list[FailureRule] = []
        self._custom_methods: dict[str, tuple[str, CustomHandler]] = {}
        self._delayed_chats: dict[int, tuple[float, asyncio.Event]] = {}
        self.delayed_calls_waiting = 0  # calls held by delay_chat right now
        self._failing_downloads = (0, 404)

        self._updates: list[Injected] = []
        self._allowed_updates: list[str] = []
        self._update_seq = itertools.count(100_000_001)
        self._file_seq = itertools.count(1)
        self._query_seq = itertools.count(1)
        self._active_poll: _Poll | None = None
        self._parked_polls = 0
        self._closing = False
        self._consumed_calls: set[int] = set()

        self._rate: _RateLimit | None = None
        self._sends_by_chat: dict[Any, deque[float]] = {}
        self._sends_global: deque[float] = deque()
        self._counters = {
            "sent": 0,
            "edited": 0,
            "deleted": 0,
            "429": 0,
            "violations": 0,
        }

        self._updates_event: asyncio.Event | None = None
        self._state_event: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

        self._methods: dict[str, tuple[str, MethodHandler]] = {}
        for name, handler in (
            ("getMe", self._m_get_me),
            ("getUpdates", self._m_get_updates),
            ("setWebhook", self._m_set_webhook),
            ("deleteWebhook", self._m_delete_webhook),
            ("getWebhookInfo", self._m_get_webhook_info),
            ("setMyCommands", self._m_set_my_commands),
            ("getMyCommands", self._m_get_my_commands),
            ("deleteMyCommands", self._m_delete_my_commands),
            ("sendMessage", self._m_send_message),
            ("editMessageText", self._m_edit_message_text),
            ("editMessageReplyMarkup", self._m_edit_message_reply_markup),
            ("editMessageCaption", self._m_edit_message_caption),
            ("deleteMessage", self._m_delete_message),
            ("answerCallbackQuery", self._m_answer_callback_query),
            ("sendDocument", self._m_send_document),
            ("sendPhoto", self._m_send_photo),
            ("getFile", self._m_get_file),
            ("sendChatAction", self._m_send_chat_action),
            ("getChat", self._m_get_chat),
            ("setMyDescription", self._setting("description")),
            ("setMyShortDescription", self._setting("short_description")),
            ("setMyName", self._setting("name")),
            ("getMyDescription", self._get_setting("description", "")),
            ("getMyShortDescription", self._get_setting("short_description", "")),
            ("getMyName", self._get_setting("name", bot_first_name)),
            ("setChatMenuButton", self._m_set_chat_menu_button),
            ("getChatMenuButton", self._m_get_chat_menu_button),
        ):
            self._methods[name.lower()] = (name, handler)

    # ------------------------------------------------------------------
    # lifecycle
    # ------------------------------------------------------------------
    async def start(self) -> None:
        """Start the HTTP server on a free port of ``host``."""
        if self._runner is not None:
            return
        self._closing = False
        self._updates_event = asyncio.Event()
        self._state_event = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        runner = web.AppRunner(
            app,
            handler_cancellation=True,  # a client hanging up cancels its long poll
            shutdown_timeout=1.0,
            access_log=None,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        """Stop the server; pending long polls return an empty list first."""
        if self._runner is None:
            return
        self._closing = True
        self._wake_pollers()
        await asyncio.sleep(0)
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            msg = "emulator is not started"
            raise RuntimeError(msg)
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` - pass to ``TelegramAPIServer.from_base``."""
        return f"http://{self.host}:{self.port}"

    def api_server(self) -> TelegramAPIServer:
        """An aiogram ``TelegramAPIServer`` pointing at the emulator."""
        from aiogram.client.telegram import TelegramAPIServer as Server

        return Server.from_base(self.base_url)

    def create_bot(self, **kwargs: Any) -> Bot:
        """A real ``aiogram.Bot`` using the emulator (kwargs go to ``Bot``)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession

        session = AiohttpSession(api=self.api_server())
        return Bot(token=self.token, session=session, **kwargs)

    @contextlib.asynccontextmanager
    async def polling(
        self,
        dp: Dispatcher,
        bot: Bot,
        *,
        ready_timeout: float = 5.0,
        **polling_kwargs: Any,
    ) -> AsyncIterator[asyncio.Task[None]]:
        """Run ``dp.start_polling(bot)`` in a task for the duration of the block.

        Entering waits until the bot's first getUpdates is parked (so injected
        updates are picked up at once); leaving calls ``dp.stop_polling()``.
        """
        polling_kwargs.setdefault("handle_signals", False)
        task: asyncio.Task[None] = asyncio.create_task(dp.start_polling(bot, **polling_kwargs))
        try:
            ready = asyncio.ensure_future(self.wait_for_polling(timeout=ready_timeout))
            await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                ready.cancel()
                await asyncio.gather(ready, return_exceptions=True)
                task.result()  # re-raise why polling died
                msg = "dp.start_polling() returned before polling started"
                raise AssertionError(msg)
            await ready
            yield task
        finally:
            await self._stop_polling(dp, task)

    async def _stop_polling(self, dp: Dispatcher, task: asyncio.Task[None]) -> None:
        if not task.done():
            try:
                await asyncio.wait_for(dp.stop_polling(), timeout=10)
            except (RuntimeError, TimeoutError):
                task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    # ------------------------------------------------------------------
    # users and chats
    # ------------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> TestUser:
        """Get or create a user; their private chat has ``chat_id == user_id``."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        user = TestUser(self, user_id, first_name, last_name, username, language_code)
        self._users[user_id] = user
        self._chats[user_id] = _ChatState(user=user)
        return user

    def group(self, chat_id: int, title: str = "Group", chat_type: str = "supergroup") -> TestGroup:
        """Get or create a group (``chat_type`` "group", "supergroup" or "channel"; a negative
        ``chat_id``) in which users write with :meth:`TestGroup.send_command`."""
        existing = self._chats.get(chat_id)
        if existing is not None:
            assert isinstance(existing.user, TestGroup)
            return existing.user
        group = TestGroup(self, chat_id, title, chat_type)
        self._chats[chat_id] = _ChatState(user=group)
        return group

    def _inject_bot_added(self, group: TestGroup, by: TestUser) -> Injected:
        left = {"status": "left", "user": self.bot_user}
        member = {"status": "member", "user": self.bot_user}
        return self.inject_update(
            {
                "my_chat_member": {
                    "chat": group.chat_dict,
                    "from": by.user_dict,
                    "date": int(time.time()),
                    "old_chat_member": left,
                    "new_chat_member": member,
                }
            }
        )

    def fail_next_downloads(self, times: int = 1, status: int = 404) -> None:
        """Answer the next ``times`` file downloads (``/file/bot<token>/...``) with ``status``."""
        self._failing_downloads = (times, status)

    @property
    def users(self) -> dict[int, TestUser]:
        return dict(self._users)

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's ``User`` object as used in ``from`` of its messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[MessageRecord]:
        """Bot messages (sent, possibly edited/deleted) in a chat, oldest first."""
        return [m for m in self._bot_messages(chat_id) if include_deleted or not m.deleted]

    def chat_history(self, chat_id: int) -> list[MessageRecord]:
        """All messages of a chat (user's and bot's) by message_id."""
        chat = self._chats.get(chat_id)
        return sorted(chat.messages.values(), key=lambda m: m.message_id) if chat else []

    def message(self, chat_id: int, message_id: int) -> MessageRecord:
        chat = self._chats.get(chat_id)
        if chat is None or message_id not in chat.messages:
            msg = f"no message {message_id} in chat {chat_id}"
            raise KeyError(msg)
        return chat.messages[message_id]

    def chat_actions(self, chat_id: int) -> list[str]:
        chat = self._chats.get(chat_id)
        return list(chat.chat_actions) if chat else []

    @staticmethod
    def button_texts(message: MessageRecord) -> list[list[str]]:
        """Inline keyboard button texts of a message, as rows."""
        return message.button_texts()

    def file_content(self, file_id: str) -> bytes:
        return self.files[file_id].content

    # ------------------------------------------------------------------
    # API calls, commands, stats
    # ------------------------------------------------------------------
    def calls_to(self, method: str) -> list[ApiCall]:
        lowered = method.lower()
        return [c for c in self.calls if c.method.lower() == lowered]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 10.0,
    ) -> ApiCall:
        """Wait for a finished API call of ``method`` matching ``predicate``.

        Each call is returned at most once by wait_for_call, so consecutive
        waits return consecutive matching calls (past ones included).
        """
        lowered = method.lower()

        def find() -> ApiCall | None:
            for index, call in enumerate(self.calls):
                if index in self._consumed_calls or call.method.lower() != lowered:
                    continue
                if predicate is None or predicate(call):
                    self._consumed_calls.add(index)
                    return call
            return None

        found = await self._wait_for(find, timeout)
        if found is None:
            recent = [c for c in self.calls if c.method.lower() != "getupdates"][-20:]
            raise AssertionError(
                f"Timed out after {timeout}s waiting for a {method} call; recent calls:\n"
                + "\n".join(f"  {c!r}" for c in recent)
            )
        return found

    async def wait_for_polling(self, timeout: float = 5.0) -> None:
        """Wait until a getUpdates long poll is parked on the emulator."""
        if await self._wait_for(lambda: True if self._parked_polls else None, timeout) is None:
            msg = f"no getUpdates long poll arrived within {timeout}s"
            raise AssertionError(msg)

    async def wait_until(
        self, condition: Callable[[], Any], timeout: float = 10.0, message: str = ""
    ) -> Any:
        """Wait until ``condition()`` is truthy (re-checked on every emulator event)."""
        result = await self._wait_for(lambda: condition() or None, timeout)
        if result is None:
            raise AssertionError(message or f"condition not met within {timeout}s")
        return result

    @property
    def polling_active(self) -> bool:
        return self._parked_polls > 0

    @property
    def pending_updates(self) -> list[Injected]:
        """Injected updates the bot has not confirmed (via offset) yet."""
        return list(self._updates)

    @property
    def commands(self) -> dict[CommandsKey, list[dict[str, str]]]:
        """setMyCommands state keyed by (scope type, chat_id, language_code).

        ``chat_id`` is None for chat-less scopes and ``(chat_id, user_id)`` for
        the chat_member scope; ``language_code`` is ``""`` when not given.
        """
        return copy.deepcopy(self._commands)

    def get_commands(
        self,
        scope: str = "default",
        chat_id: int | None = None,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> list[dict[str, str]] | None:
        key_chat: Any = (chat_id, user_id) if scope == "chat_member" else chat_id
        found = self._commands.get((scope, key_chat, language_code or ""))
        return copy.deepcopy(found) if found is not None else None

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: int | None = None,
        delay: float = 0.0,
        body: str | None = None,
        disconnect: bool = False,
    ) -> FailureRule:
        """Answer the next ``times`` calls of ``method`` (``"*"`` = any but
        getUpdates), optionally only for ``chat_id``, with an error.

        429 answers carry ``parameters.retry_after`` (default 1).  ``delay``
        sleeps before answering; ``body`` sends that raw text instead of JSON
        (like an nginx 502 page); ``disconnect`` drops the connection.
        """
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            default = f"Too Many Requests: retry after {retry_after}"
        else:
            default = DEFAULT_DESCRIPTIONS.get(status, "Error")
        rule = FailureRule(
            method="*" if method == "*" else method.lower(),
            status=status,
            description=description or default,
            retry_after=retry_after,
            remaining=times,
            chat_id=chat_id,
            delay=delay,
            body=body,
            disconnect=disconnect,
        )
        self._failures.append(rule)
        return rule

    def clear_failures(self) -> None:
        self._failures.clear()

    def delay_chat(self, chat_id: int, seconds: float) -> None:
        """A slow network to one chat: every later call for ``chat_id`` (its ``chat_id``
        parameter, or answering a callback query of that user) waits ``seconds`` before it is
        handled, or until :meth:`release_chat`, whichever comes first."""
        self._delayed_chats[chat_id] = (seconds, asyncio.Event())

    def release_chat(self, chat_id: int) -> None:
        """End :meth:`delay_chat`: waiting calls for the chat go on at once."""
        delayed = self._delayed_chats.pop(chat_id, None)
        if delayed is not None:
            delayed[1].set()

    async def _delay_for_chat(self, method: str, params: Mapping[str, Any]) -> None:
        if not self._delayed_chats:
            return
        chat_id = params.get("chat_id")
        if method == "answerCallbackQuery":
            query = self._queries.get(str(params.get("callback_query_id")))
            chat_id = query.user_id if query is not None else None
        try:
            delayed = self._delayed_chats.get(int(chat_id)) if chat_id is not None else None
        except (TypeError, ValueError):
            return
        if delayed is not None:
            seconds, released = delayed
            self.delayed_calls_waiting += 1
            self._notify()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(released.wait(), seconds)
            finally:
                self.delayed_calls_waiting -= 1

    def rate_limit(
        self,
        per_chat_per_second: float | None = 1,
        global_per_second: float | None = 30,
        enforce: bool = True,
        *,
        retry_after: int | None = None,
    ) -> None:
        """Emulate Telegram's flood limits for sent messages (1-second window).

        With ``enforce`` sends over the limit answer 429 with retry_after;
        without it they succeed but are counted in ``stats().rate_limit_violations``.
        """
        self._rate = _RateLimit(per_chat_per_second, global_per_second, enforce, retry_after)

    def disable_rate_limit(self) -> None:
        self._rate = None

    def stats(self) -> EmulatorStats:
        by_method: dict[str, int] = {}
        for call in self.calls:
            by_method[call.method] = by_method.get(call.method, 0) + 1
        return EmulatorStats(
            api_calls=len(self.calls),
            sent_messages=self._counters["sent"],
            edited_messages=self._counters["edited"],
            deleted_messages=self._counters["deleted"],
            too_many_requests=self._counters["429"],
            rate_limit_violations=self._counters["violations"],
            errors=sum(1 for c in self.calls if not c.ok),
            calls_by_method=by_method,
            sent_by_chat={cid: len(chat.bot_messages) for cid, chat in self._chats.items()},
        )

    def register_method(self, name: str, handler: CustomHandler) -> None:
        """Serve an extra API method: ``handler(params) -> result`` (may be async,
        may raise :class:`ApiError`)."""
        self._custom_methods[name.lower()] = (name, handler)

    def inject_update(self, payload: Mapping[str, Any]) -> Injected:
        """Queue a raw update (``update_id`` is added) for getUpdates."""
        update = Injected({"update_id": next(self._update_seq), **payload})
        query = update.get("callback_query")
        if isinstance(query, Mapping) and "id" in query:
            # Any injected callback query (pressed or hand-made) can be answered once.
            sender = query.get("from")
            user_id = int(sender["id"]) if isinstance(sender, Mapping) and "id" in sender else 0
            self._queries[str(query["id"])] = _PendingQuery(str(query["id"]), user_id)
        self._updates.append(update)
        self._wake_pollers()
        self._notify()
        return update

    # ------------------------------------------------------------------
    # internals shared with TestUser
    # ------------------------------------------------------------------
    def _loop_time(self) -> float:
        return asyncio.get_running_loop().time()

    def _notify(self) -> None:
        """Wake everything waiting on emulator state (tests' wait_* helpers)."""
        if self._state_event is None:
            return
        event, self._state_event = self._state_event, asyncio.Event()
        event.set()

    def _wake_pollers(self) -> None:
        if self._updates_event is None:
            return
        event, self._updates_event = self._updates_event, asyncio.Event()
        event.set()

    async def _wait_for(self, check: Callable[[], T | None], timeout: float) -> T | None:
        loop = asyncio.get_running_loop()
        if self._state_event is None:
            self._state_event = asyncio.Event()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            event = self._state_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _bot_messages(self, chat_id: int) -> list[MessageRecord]:
        chat = self._chats.get(chat_id)
        return list(chat.bot_messages) if chat else []

    def _chat_report(self, chat_id: int, new_messages: list[MessageRecord] | None = None) -> str:
        lines = []
        if new_messages is not None:
            lines.append(f"New bot messages since last wait ({len(new_messages)}):")
            lines.extend(f"  {m.describe()}" for m in new_messages)
        lines.append("Chat history:")
        lines.extend(f"  {m.describe()}" for m in self.chat_history(chat_id)[-30:])
        failed = [
            c for c in self.calls if not c.ok and str(c.params.get("chat_id")) == str(chat_id)
        ]
        if failed:
            lines.append("Failed API calls for this chat:")
            lines.extend(f"  {c!r}" for c in failed[-10:])
        other = [c for c in self.calls if not c.ok and "chat_id" not in c.params]
        if other:
            lines.append("Other failed API calls:")
            lines.extend(f"  {c!r}" for c in other[-10:])
        if self.internal_errors:
            lines.append(f"EMULATOR INTERNAL ERRORS: {self.internal_errors!r}")
        return "\n".join(lines)

    def _resolve_message(self, chat_id: int, message: Any) -> MessageRecord:
        if isinstance(message, MessageRecord):
            message_id = message.message_id
        elif isinstance(message, int):
            message_id = message
        elif isinstance(message, Mapping):
            inner = message.get("message") if "update_id" in message else message
            if not isinstance(inner, Mapping) or "message_id" not in inner:
                msg = f"can't find a message_id in {message!r}"
                raise AssertionError(msg)
            message_id = int(inner["message_id"])
        else:
            msg = f"unsupported message reference {message!r}"
            raise TypeError(msg)
        chat = self._chats.get(chat_id)
        if chat is None or message_id not in chat.messages:
            msg = f"message {message_id} does not exist in chat {chat_id}"
            raise AssertionError(msg)
        return chat.messages[message_id]

    def _new_message_id(self, chat: _ChatState) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _build_payload(self, chat: _ChatState, record: MessageRecord) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": record.message_id,
            "from": self.bot_user if record.from_bot else (record.sender or chat.user.user_dict),
            "chat": chat.user.chat_dict,
            "date": record.date,
        }
        if record.edit_date is not None:
            msg["edit_date"] = record.edit_date
        if record.reply_to_message_id is not None:
            replied = chat.messages.get(record.reply_to_message_id)
            if replied is not None:
                msg["reply_to_message"] = {
                    k: v for k, v in replied.payload.items() if k != "reply_to_message"
                }
        if record.text is not None:
            msg["text"] = record.text
            if record.entities:
                msg["entities"] = copy.deepcopy(record.entities)
        if record.file is not None:
            if record.file.kind == "photo":
                msg["photo"] = record.file.photo_sizes()
            else:
                msg["document"] = record.file.document_dict()
            if record.caption:
                msg["caption"] = record.caption
                if record.caption_entities:
                    msg["caption_entities"] = copy.deepcopy(record.caption_entities)
        if record.reply_markup and "inline_keyboard" in record.reply_markup:
            # Telegram only echoes inline keyboards back in Message objects.
            msg["reply_markup"] = {
                "inline_keyboard": copy.deepcopy(record.reply_markup["inline_keyboard"])
            }
        return msg

    def _add_message(self, chat: _ChatState, record: MessageRecord) -> MessageRecord:
        record.payload = self._build_payload(chat, record)
        chat.messages[record.message_id] = record
        if record.from_bot:
            chat.bot_messages.append(record)
        self._notify()
        return record

    def _inject_user_message(
        self,
        user: TestUser,
        *,
        text: str | None = None,
        reply_to: Any = None,
        file: FileRecord | None = None,
        caption: str | None = None,
        group: TestGroup | None = None,
    ) -> Injected:
        chat = self._chats[group.id if group is not None else user.id]
        record = MessageRecord(
            message_id=self._new_message_id(chat),
            chat_id=chat.user.id,
            sender=user.user_dict if group is not None else None,
            from_bot=False,
            date=int(time.time()),
            method="user",
            text=text,
            html=text,
            caption=caption,
            caption_html=caption,
            file=file,
        )
        if text is not None:
            match = _BOT_COMMAND_RE.match(text)
            if match:
                record.entities = [{"type": "bot_command", "offset": 0, "length": match.end()}]
        if reply_to is not None:
            record.reply_to_message_id = self._resolve_message(chat.user.id, reply_to).message_id
        self._add_message(chat, record)
        return self.inject_update({"message": copy.deepcopy(record.payload)})

    def _inject_user_file(
        self,
        user: TestUser,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        caption: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> Injected:
        if kind == "photo":
            size = image_size(content) or (800, 600)
            record = self._store_file(
                content, "photo", width=width or size[0], height=height or size[1]
            )
        else:
            record = self._store_file(
                content,
                "document",
                file_name=file_name,
                mime_type=mime_type or guess_mime_type(file_name),
            )
        return self._inject_user_message(user, file=record, caption=caption)

    def _press(
        self,
        user: TestUser,
        message: Any,
        *,
        text: str | None,
        callback_data: str | None,
        group: TestGroup | None = None,
    ) -> Injected:
        chat = self._chats[group.id if group is not None else user.id]
        if message is None:
            candidates = [m for m in reversed(chat.bot_messages) if not m.deleted]
            target = next(
                (m for m in candidates if self._match_button(m, text, callback_data)), None
            )
            if target is None:
                available = {m.message_id: m.button_texts() for m in candidates if m.buttons()}
                msg = (
                    f"no bot message in chat {user.id} has a button with text={text!r} "
                    f"callback_data={callback_data!r}; buttons by message_id: {available}"
                )
                raise AssertionError(msg)
        else:
            target = self._resolve_message(chat.user.id, message)
        if target.deleted:
            msg = f"message {target.message_id} was deleted; can't press its buttons"
            raise AssertionError(msg)
        button = self._match_button(target, text, callback_data)
        if button is None:
            available = [
                {k: v for k, v in b.items() if k in ("text", "callback_data", "url")}
                for b in target.buttons()
            ]
            msg = (
                f"message {target.message_id} has no inline button with text={text!r} "
                f"callback_data={callback_data!r}; available buttons: {available}"
            )
            raise AssertionError(msg)
        if "callback_data" not in button:
            msg = f"button {button!r} has no callback_data; it can't be pressed"
            raise AssertionError(msg)
        query_id = str(4_000_000_000_000_000 + next(self._query_seq))
        return self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.user_dict,
                    "message": copy.deepcopy(target.payload),
                    "chat_instance": str(-(10**12) - user.id),
                    "data": button["callback_data"],
                }
            }
        )

    @staticmethod
    def _match_button(
        record: MessageRecord, text: str | None, callback_data: str | None
    ) -> dict[str, Any] | None:
        if text is None and callback_data is None:
            buttons = record.buttons()
            return buttons[0] if len(buttons) == 1 else None
        return record.find_button(text=text, callback_data=callback_data)

    def _set_blocked(self, user: TestUser, *, blocked: bool, notify: bool) -> None:
        if user.blocked == blocked:
            return
        user.blocked = blocked
        if notify:
            member = {"status": "member", "user": self.bot_user}
            kicked = {"status": "kicked", "user": self.bot_user, "until_date": 0}
            self.inject_update(
                {
                    "my_chat_member": {
                        "chat": user.chat_dict,
                        "from": user.user_dict,
                        "date": int(time.time()),
                        "old_chat_member": member if blocked else kicked,
                        "new_chat_member": kicked if blocked else member,
                    }
                }
            )
        self._notify()

    def _store_file(
        self,
        content: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 0,
        height: int = 0,
        source_url: str | None = None,
    ) -> FileRecord:
        seq = next(self._file_seq)
        prefix = "AgACAgIAAxk" if kind == "photo" else "BQACAgIAAxk"
        ext = ".jpg" if kind == "photo" else _extension(file_name)
        folder = "photos" if kind == "photo" else "documents"
        record = FileRecord(
            file_id=f"{prefix}{seq:06d}{secrets.token_urlsafe(9)}",
            file_unique_id=f"AQAD{seq:06d}",
            content=content,
            kind=kind,
            file_path=f"{folder}/file_{seq}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            source_url=source_url,
        )
        self.files[record.file_id] = record
        self._files_by_path[record.file_path] = record
        return record

    # ------------------------------------------------------------------
    # HTTP layer
    # ------------------------------------------------------------------
    async def _read_params(self, request: web.Request) -> Params:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            if request.can_read_body:
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON request body") from None
                if isinstance(body, dict):
                    raw.update(body)
        elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        field=key,
                        filename=value.filename,
                        content_type=value.content_type,
                        content=value.file.read(),
                    )
                else:
                    raw[key] = value
        return Params(raw, files)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        method_raw = request.match_info["method"]
        call = ApiCall(method=method_raw, params={}, time=started)
        try:
            params = await self._read_params(request)
            call.params = params.decoded()
            call.files = {k: (f.filename, len(f.content)) for k, f in params.files.items()}
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._lookup(method_raw, call)
            await self._delay_for_chat(call.method, call.params)
            rule = self._take_failure(call.method, call.params.get("chat_id"))
            if rule is not None:
                response = await self._apply_failure(request, rule)
                if response is not None:
                    call.status = rule.status
                    call.error = "connection dropped" if rule.disconnect else rule.description
                    return response
            if call.method in RATE_LIMITED_METHODS:
                self._check_rate(params.chat_id())
            result = await handler(params)
            if call.method in RATE_LIMITED_METHODS:
                self._record_send(params.chat_id())
            call.status = 200
            call.result = result
            return web.json_response({"ok": True, "result": result})
        except ApiError as error:
            call.status = error.status
            call.error = error.description
            if error.status == 429:
                self._counters["429"] += 1
            return web.json_response(error.payload(), status=error.status)
        except (asyncio.CancelledError, ConnectionError):
            call.status = 499
            call.error = "client disconnected"
            raise
        except Exception as exc:
            logger.exception("emulator failed to handle %s", method_raw)
            self.internal_errors.append(exc)
            call.status = 500
            call.error = f"Internal Server Error: emulator bug: {exc!r}"
            body = {"ok": False, "error_code": 500, "description": call.error}
            return web.json_response(body, status=500)
        finally:
            call.duration = time.monotonic() - started
            if call.status != 499:
                self.calls.append(call)
                self._notify()

    def _lookup(self, method_raw: str, call: ApiCall) -> MethodHandler:
        lowered = method_raw.lower()
        custom = self._custom_methods.get(lowered)
        if custom is not None:
            call.method = custom[0]
            custom_handler = custom[1]

            async def run_custom(params: Params) -> Any:
                result = custom_handler(params.decoded())
                if asyncio.iscoroutine(result):
                    result = await result
                return result

            return run_custom
        entry = self._methods.get(lowered)
        if entry is None:
            raise ApiError(404, "Not Found: method not found")
        call.method = entry[0]
        return entry[1]

    def _take_failure(self, method: str, chat_id: Any) -> FailureRule | None:
        for rule in self._failures:
            if rule.matches(method, chat_id):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._failures.remove(rule)
                return rule
        return None

    async def _apply_failure(
        self, request: web.Request, rule: FailureRule
    ) -> web.StreamResponse | None:
        if rule.delay:
            await asyncio.sleep(rule.delay)
        if rule.disconnect:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=rule.status)  # never reaches the client
        if rule.body is not None:
            if rule.status == 429:
                self._counters["429"] += 1
            return web.Response(status=rule.status, text=rule.body, content_type="text/html")
        raise ApiError(rule.status, rule.description, retry_after=rule.retry_after)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["file_path"]
        record = self._files_by_path.get(path)
        failing, status = self._failing_downloads
        if failing:
            self._failing_downloads = (failing - 1, status)
            return web.json_response(
                {"ok": False, "error_code": status, "description": "Not Found"}, status=status
            )
        if record is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        self.downloads.append(path)
        self._notify()
        return web.Response(
            body=record.content, content_type=record.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------
    # rate limiting
    # ------------------------------------------------------------------
    def _check_rate(self, chat_id: Any) -> None:
        cfg = self._rate
        if cfg is None:
            return
        now = time.monotonic()
        per_chat = self._sends_by_chat.setdefault(chat_id, deque())
        for window in (per_chat, self._sends_global):
            while window and window[0] <= now - 1.0:
                window.popleft()
        wait = 0.0
        if cfg.per_chat_per_second is not None and len(per_chat) >= cfg.per_chat_per_second:
            wait = max(wait, per_chat[0] + 1.0 - now)
        if cfg.global_per_second is not None and len(self._sends_global) >= cfg.global_per_second:
            wait = max(wait, self._sends_global[0] + 1.0 - now)
        if wait <= 0:
            return
        self._counters["violations"] += 1
        if cfg.enforce:
            retry_after = cfg.retry_after or max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    def _record_send(self, chat_id: Any) -> None:
        now = time.monotonic()
        self._sends_by_chat.setdefault(chat_id, deque()).append(now)
        self._sends_global.append(now)

    # ------------------------------------------------------------------
    # validation helpers
    # ------------------------------------------------------------------
    def _chat(self, params: Params, *, check_blocked: bool = True) -> _ChatState:
        chat_id = params.chat_id()
        if chat_id is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if check_blocked and chat.user.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _parse_mode(self, params: Params) -> str | None:
        mode = params.get_str("parse_mode")
        if not mode:
            return None
        normalized = {"html": "HTML", "markdown": "Markdown", "markdownv2": "MarkdownV2"}.get(
            mode.lower()
        )
        if normalized is None:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {mode!r}")
        return normalized

    def _format(
        self,
        text: str,
        parse_mode: str | None,
        entities: Any,
        *,
        limit: int,
        what: str,
    ) -> ParsedText:
        if parse_mode == "HTML":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_html_ampersand)
            except EntityParseError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
        else:
            # Markdown modes are not validated; explicit entities are kept as given.
            parsed = ParsedText(text.strip(), list(entities) if isinstance(entities, list) else [])
        if len(parsed.text) > limit:
            raise ApiError(400, f"Bad Request: {what} is too long")
        return parsed

    def _text(self, params: Params) -> tuple[ParsedText, str, str | None]:
        text = params.get_str("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = self._parse_mode(params)
        parsed = self._format(
            text, parse_mode, params.get_json("entities"), limit=MAX_TEXT_LENGTH, what="message"
        )
        if not parsed.text:
            raise ApiError(400, "Bad Request: message text is empty")
        return parsed, text, parse_mode

    def _caption(self, params: Params) -> tuple[ParsedText, str | None, str | None]:
        caption = params.get_str("caption")
        parse_mode = self._parse_mode(params)
        if not caption:
            return ParsedText(""), None, parse_mode
        parsed = self._format(
            caption,
            parse_mode,
            params.get_json("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            what="message caption",
        )
        return parsed, caption, parse_mode

    def _reply_markup(self, params: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _validate_inline_keyboard(markup["inline_keyboard"])
        elif inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        elif not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        return markup

    def _reply_to(self, params: Params, chat: _ChatState) -> int | None:
        reply = params.get_json("reply_parameters")
        allow_missing = params.get_bool("allow_sending_without_reply")
        message_id: int | None = None
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            message_id = int(reply["message_id"])
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        elif params.has("reply_to_message_id"):
            message_id = params.get_int("reply_to_message_id")
        if message_id is None:
            return None
        target = chat.messages.get(message_id)
        if target is None or target.deleted:
            if allow_missing:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return message_id

    def _editable(self, params: Params) -> tuple[_ChatState, MessageRecord]:
        if params.has("inline_message_id") and not params.has("chat_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the emulator")
        chat = self._chat(params)
        message_id = params.get_int("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        record = chat.messages.get(message_id)
        if record is None or record.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not record.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, record

    def _input_file(self, params: Params, name: str, kind: str) -> FileRecord:
        value = params.raw.get(name)
        upload = params.files.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = params.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, f"Bad Request: can't find attached file for {name!r}")
        if upload is not None:
            if not upload.content:
                if kind == "photo":
                    raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
                raise ApiError(400, "Bad Request: file must be non-empty")
            if kind == "photo":
                width, height = image_size(upload.content) or (800, 600)
                return self._store_file(upload.content, "photo", width=width, height=height)
            return self._store_file(
                upload.content,
                "document",
                file_name=upload.filename,
                mime_type=guess_mime_type(upload.filename),
            )
        if not isinstance(value, str) or not value:
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        if value.startswith(("http://", "https://")):
            file_name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return self._store_file(
                b"",
                kind,
                file_name=None if kind == "photo" else file_name,
                mime_type=None if kind == "photo" else guess_mime_type(file_name),
                source_url=value,
            )
        existing = self.files.get(value)
        if existing is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if existing.kind != kind:
            raise ApiError(
                400,
                f"Bad Request: can't use file of type {existing.kind.capitalize()} "
                f"as {kind.capitalize()}",
            )
        return existing

    # ------------------------------------------------------------------
    # API methods
    # ------------------------------------------------------------------
    async def _m_get_me(self, params: Params) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _update_allowed(self, update: Mapping[str, Any]) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in OPT_IN_UPDATES

    def _deliverable(self, limit: int) -> list[Injected]:
        self._updates = [u for u in self._updates if self._update_allowed(u)]
        return [copy.deepcopy(u) for u in self._updates[:limit]]

    async def _m_get_updates(self, params: Params) -> Any:
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = params.get_int("offset")
        limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
        timeout = max(params.get_int("timeout", 0) or 0, 0)
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        elif offset is not None:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

        if self._active_poll is not None:
            self._active_poll.conflict = True
            self._wake_pollers()
        poll = _Poll()
        self._active_poll = poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if poll.conflict:
                    raise ApiError(409, POLL_CONFLICT)
                if self._closing:
                    return []
                batch = self._deliverable(limit)
                if batch:
                    return batch
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                event = self._updates_event
                assert event is not None
                self._parked_polls += 1
                self._notify()
                try:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(event.wait(), remaining)
                finally:
                    self._parked_polls -= 1
        finally:
            if self._active_poll is poll:
                self._active_poll = None

    async def _m_set_webhook(self, params: Params) -> Any:
        self.webhook_url = params.get_str("url") or ""
        if params.get_bool("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_delete_webhook(self, params: Params) -> Any:
        self.webhook_url = ""
        if params.get_bool("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_get_webhook_info(self, params: Params) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _commands_key(self, params: Params) -> CommandsKey:
        scope = params.get_json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        scope_type = str(scope["type"])
        chat_key: Any = None
        if scope_type in ("chat", "chat_administrators", "chat_member"):
            raw_chat = scope.get("chat_id")
            try:
                chat_key = int(raw_chat)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                chat_key = raw_chat
            if chat_key not in self._chats:
                raise ApiError(400, "Bad Request: chat not found")
            if scope_type == "chat_member":
                chat_key = (chat_key, int(scope.get("user_id") or 0))
        language = params.get_str("language_code") or ""
        if language and not _LANGUAGE_RE.match(language):
            raise ApiError(400, "Bad Request: LANG_CODE_INVALID")
        return scope_type, chat_key, language

    async def _m_set_my_commands(self, params: Params) -> Any:
        commands = params.get_json("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            command = item.get("command")
            description = item.get("description")
            if not isinstance(command, str) or not _COMMAND_RE.match(command):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({k: v for k, v in item.items() if v is not None})
        key = self._commands_key(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        self._notify()
        return True

    async def _m_get_my_commands(self, params: Params) -> Any:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    async def _m_delete_my_commands(self, params: Params) -> Any:
        self._commands.pop(self._commands_key(params), None)
        self._notify()
        return True

    async def _m_send_message(self, params: Params) -> Any:
        chat = self._chat(params)
        parsed, raw_text, parse_mode = self._text(params)
        markup = self._reply_markup(params)
        reply_to = self._reply_to(params, chat)
        record = MessageRecord(
            message_id=self._new_message_id(chat),
            chat_id=chat.user.id,
            from_bot=True,
            date=int(time.time()),
            method="sendMessage",
            text=parsed.text,
            html=raw_text,
            parse_mode=parse_mode,
            entities=parsed.entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )
        self._counters["sent"] += 1
        return self._add_message(chat, record).payload

    async def _send_file(self, params: Params, kind: str, method: str) -> Any:
        chat = self._chat(params)
        parsed, raw_caption, parse_mode = self._caption(params)
        markup = self._reply_markup(params)
        reply_to = self._reply_to(params, chat)
        file = self._input_file(params, kind, kind)
        record = MessageRecord(
            message_id=self._new_message_id(chat),
            chat_id=chat.user.id,
            from_bot=True,
            date=int(time.time()),
            method=method,
            caption=parsed.text or None,
            caption_html=raw_caption,
            caption_entities=parsed.entities,
            parse_mode=parse_mode,
            reply_markup=markup,
            file=file,
            reply_to_message_id=reply_to,
        )
        self._counters["sent"] += 1
        return self._add_message(chat, record).payload

    async def _m_send_document(self, params: Params) -> Any:
        return await self._send_file(params, "document", "sendDocument")

    async def _m_send_photo(self, params: Params) -> Any:
        return await self._send_file(params, "photo", "sendPhoto")

    async def _m_edit_message_text(self, params: Params) -> Any:
        chat, record = self._editable(params)
        if record.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        parsed, raw_text, parse_mode = self._text(params)
        markup = self._reply_markup(params, inline_only=True)
        unchanged = record.text == parsed.text and record.entities == parsed.entities
        if unchanged and _inline(record.reply_markup) == markup:
            raise ApiError(400, NOT_MODIFIED)
        record.history.append(record.snapshot())
        record.text, record.entities = parsed.text, parsed.entities
        record.html, record.parse_mode = raw_text, parse_mode
        record.reply_markup = markup
        return self._finish_edit(chat, record)

    async def _m_edit_message_caption(self, params: Params) -> Any:
        chat, record = self._editable(params)
        if record.file is None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        parsed, raw_caption, parse_mode = self._caption(params)
        markup = self._reply_markup(params, inline_only=True)
        caption = parsed.text or None
        unchanged = record.caption == caption and record.caption_entities == parsed.entities
        if unchanged and _inline(record.reply_markup) == markup:
            raise ApiError(400, NOT_MODIFIED)
        record.history.append(record.snapshot())
        record.caption, record.caption_entities = caption, parsed.entities
        record.caption_html, record.parse_mode = raw_caption, parse_mode
        record.reply_markup = markup
        return self._finish_edit(chat, record)

    async def _m_edit_message_reply_markup(self, params: Params) -> Any:
        chat, record = self._editable(params)
        markup = self._reply_markup(params, inline_only=True)
        if _inline(record.reply_markup) == markup:
            raise ApiError(400, NOT_MODIFIED)
        record.history.append(record.snapshot())
        record.reply_markup = markup
        return self._finish_edit(chat, record)

    def _finish_edit(self, chat: _ChatState, record: MessageRecord) -> Any:
        record.edit_date = int(time.time())
        record.payload = self._build_payload(chat, record)
        self._counters["edited"] += 1
        self._notify()
        return record.payload

    async def _m_delete_message(self, params: Params) -> Any:
        chat = self._chat(params, check_blocked=False)
        message_id = params.get_int("message_id")
        record = chat.messages.get(message_id) if message_id is not None else None
        if record is None or record.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        record.deleted = True
        self._counters["deleted"] += 1
        self._notify()
        return True

    async def _m_answer_callback_query(self, params: Params) -> Any:
        query_id = params.get_str("callback_query_id") or ""
        query = self._queries.get(query_id)
        if query is None or query.answered:
            raise ApiError(400, QUERY_INVALID)
        text = params.get_str("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        answer = CallbackAnswer(
            callback_query_id=query_id,
            user_id=query.user_id,
            text=text,
            show_alert=params.get_bool("show_alert"),
            url=params.get_str("url"),
            cache_time=params.get_int("cache_time"),
            time=time.monotonic(),
        )
        self.callback_answers.append(answer)
        user = self._users.get(query.user_id)
        if user is not None:
            user.callback_answers.append(answer)
        self._notify()
        return True

    async def _m_get_file(self, params: Params) -> Any:
        record = self.files.get(params.get_str("file_id") or "")
        if record is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if record.file_size > MAX_DOWNLOAD_SIZE:
            raise ApiError(400, "Bad Request: file is too big")
        return record.file_dict()

    async def _m_send_chat_action(self, params: Params) -> Any:
        chat = self._chat(params)
        action = params.get_str("action")
        if action not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        chat.chat_actions.append(action)
        self._notify()
        return True

    async def _m_get_chat(self, params: Params) -> Any:
        chat = self._chat(params, check_blocked=False)
        return {
            **chat.user.chat_dict,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _setting(self, name: str) -> MethodHandler:
        async def handler(params: Params) -> Any:
            self.bot_settings[(name, params.get_str("language_code") or "")] = params.get_str(name)
            self._notify()
            return True

        return handler

    def _get_setting(self, name: str, default: str) -> MethodHandler:
        async def handler(params: Params) -> Any:
            value = self.bot_settings.get((name, params.get_str("language_code") or ""))
            return {name: value if value is not None else default}

        return handler

    async def _m_set_chat_menu_button(self, params: Params) -> Any:
        button = params.get_json("menu_button") or {"type": "default"}
        self.bot_settings[("menu_button", params.chat_id())] = button
        self._notify()
        return True

    async def _m_get_chat_menu_button(self, params: Params) -> Any:
        stored = self.bot_settings.get(("menu_button", params.chat_id()))
        return stored or {"type": "default"}


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup and "inline_keyboard" in markup else None


def _extension(file_name: str | None) -> str:
    if not file_name or "." not in file_name:
        return ""
    ext = "." + file_name.rsplit(".", 1)[-1]
    return ext if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", ext) else ""


def _validate_inline_keyboard(keyboard: Any) -> None:
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
            "should be an Array of Arrays",
        )
    for row in keyboard:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(
                    400, "Bad Request: can't parse inline keyboard button: Text must be a String"
                )
            actions = [key for key in INLINE_BUTTON_ACTIONS if key in button]
            if not actions:
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                scheme = _URL_SCHEME_RE.match(url) if isinstance(url, str) else None
                if (
                    not isinstance(url, str)
                    or not url.strip()
                    or (
                        scheme is not None
                        and scheme.group(1).lower() not in ("http", "https", "tg")
                    )
                ):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
