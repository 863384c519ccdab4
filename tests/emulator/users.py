"""Test-side handle of an emulated Telegram user (and their private chat)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .models import CallbackAnswer, Injected, MessageRecord

if TYPE_CHECKING:
    from .server import BotAPIEmulator

__all__ = ["MessagePredicate", "TestGroup", "TestUser"]

MessagePredicate = Callable[[MessageRecord], bool] | str | None
MessageRef = MessageRecord | Mapping[str, Any] | int | None


class TestUser:
    """A user talking to the bot in a private chat (chat id == user id).

    Created by :meth:`BotAPIEmulator.user`.  ``send_*``/``press`` inject updates
    (they are plain synchronous calls; awaiting their result also works).
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        emulator: BotAPIEmulator,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> None:
        self.emulator = emulator
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.callback_answers: list[CallbackAnswer] = []
        self._message_cursor = 0
        self._answer_cursor = 0

    # -- identity -------------------------------------------------------
    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def user_dict(self) -> dict[str, Any]:
        """The Telegram ``User`` object of this user."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            user["last_name"] = self.last_name
        if self.username is not None:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    @property
    def chat_dict(self) -> dict[str, Any]:
        """The Telegram ``Chat`` object of the private chat with this user."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            chat["last_name"] = self.last_name
        if self.username is not None:
            chat["username"] = self.username
        return chat

    # -- injecting updates ----------------------------------------------
    def send_text(self, text: str, *, reply_to: MessageRef = None) -> Injected:
        """Send a text message; a leading ``/command`` gets a bot_command entity."""
        return self.emulator._inject_user_message(self, text=text, reply_to=reply_to)

    def send_command(self, command: str, args: str | None = None) -> Injected:
        """Send ``/command [args]`` with a bot_command entity."""
        cmd = command if command.startswith("/") else f"/{command}"
        text = f"{cmd} {args}" if args else cmd
        return self.emulator._inject_user_message(self, text=text)

    def press(
        self,
        message: MessageRef = None,
        text: str | None = None,
        callback_data: str | None = None,
    ) -> Injected:
        """Press an inline button of a bot message (by its text or callback_data).

        ``message`` may be a :class:`MessageRecord`, a message dict or a
        message_id; when omitted the newest bot message having such a button is
        used.  Raises AssertionError listing the available buttons if not found.
        """
        return self.emulator._press(self, message, text=text, callback_data=callback_data)

    def send_document(
        self,
        file_name: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> Injected:
        """Send a document; the bot can getFile and download it."""
        return self.emulator._inject_user_file(
            self, "document", content, file_name=file_name, mime_type=mime_type, caption=caption
        )

    def send_photo(
        self,
        content: bytes,
        caption: str | None = None,
        *,
        width: int | None = None,
        height: int | None = None,
    ) -> Injected:
        """Send a photo (size read from PNG/JPEG/GIF headers unless given)."""
        return self.emulator._inject_user_file(
            self, "photo", content, caption=caption, width=width, height=height
        )

    def block_bot(self, *, notify: bool = True) -> None:
        """Block the bot: sends/edits to this chat answer 403 until unblocked.

        With ``notify`` a ``my_chat_member`` update (member -> kicked) is
        queued, as Telegram does (the bot only gets it if it polls for it).
        """
        self.emulator._set_blocked(self, blocked=True, notify=notify)

    def unblock_bot(self, *, notify: bool = True) -> None:
        self.emulator._set_blocked(self, blocked=False, notify=notify)

    # -- reading what the bot did ------------------------------------------
    @property
    def messages(self) -> list[MessageRecord]:
        """All bot messages in this chat, oldest first."""
        return self.emulator.messages(self.id)

    @property
    def last_message(self) -> MessageRecord | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def chat_actions(self) -> list[str]:
        return self.emulator.chat_actions(self.id)

    def mark(self) -> None:
        """Make wait_for_message ignore every bot message sent so far."""
        self._message_cursor = len(self.emulator._bot_messages(self.id))

    async def wait_for_message(
        self, predicate: MessagePredicate = None, timeout: float = 10.0
    ) -> MessageRecord:
        """Wait for the next new bot message (since the last wait or mark).

        ``predicate`` is a callable on :class:`MessageRecord` or a substring of
        the text/caption.  Non-matching messages before the match are skipped.
        """
        check = _as_predicate(predicate)

        def find() -> tuple[int, MessageRecord] | None:
            records = self.emulator._bot_messages(self.id)
            for index in range(self._message_cursor, len(records)):
                if check(records[index]):
                    return index, records[index]
            return None

        found = await self.emulator._wait_for(find, timeout)
        if found is None:
            new = self.emulator._bot_messages(self.id)[self._message_cursor :]
            raise AssertionError(
                f"Timed out after {timeout}s waiting for a bot message to chat {self.id}"
                f"{_describe_predicate(predicate)}.\n"
                + self.emulator._chat_report(self.id, new_messages=new)
            )
        index, record = found
        self._message_cursor = index + 1
        return record

    async def wait_for_messages(
        self, count: int, predicate: MessagePredicate = None, timeout: float = 10.0
    ) -> list[MessageRecord]:
        """Wait for ``count`` new bot messages matching ``predicate``."""
        loop_deadline = self.emulator._loop_time() + timeout
        result = []
        for _ in range(count):
            remaining = max(loop_deadline - self.emulator._loop_time(), 0.0)
            result.append(await self.wait_for_message(predicate, timeout=remaining))
        return result

    async def wait_for_edit(
        self,
        message: MessageRef,
        predicate: MessagePredicate = None,
        timeout: float = 10.0,
        *,
        min_edits: int = 1,
    ) -> MessageRecord:
        """Wait until a bot message has ``min_edits`` edits and matches ``predicate``."""
        record = self.emulator._resolve_message(self.id, message)
        check = _as_predicate(predicate)

        def done() -> MessageRecord | None:
            if record.edit_count >= min_edits and check(record):
                return record
            return None

        found = await self.emulator._wait_for(done, timeout)
        if found is None:
            raise AssertionError(
                f"Timed out after {timeout}s waiting for an edit (>= {min_edits}) of message "
                f"{record.message_id}{_describe_predicate(predicate)}; now: {record.describe()}\n"
                f"history: {record.history}\n" + self.emulator._chat_report(self.id)
            )
        return found

    async def wait_for_callback_answer(
        self, callback_query_id: str | None = None, timeout: float = 10.0
    ) -> CallbackAnswer:
        """Wait for answerCallbackQuery (the next one, or for a given query id)."""

        def find() -> CallbackAnswer | None:
            if callback_query_id is not None:
                for answer in self.callback_answers:
                    if answer.callback_query_id == callback_query_id:
                        return answer
                return None
            if self._answer_cursor < len(self.callback_answers):
                answer = self.callback_answers[self._answer_cursor]
                self._answer_cursor += 1
                return answer
            return None

        found = await self.emulator._wait_for(find, timeout)
        if found is None:
            raise AssertionError(
                f"Timed out after {timeout}s waiting for answerCallbackQuery "
                f"(query {callback_query_id!r}) from user {self.id}; answers so far: "
                f"{self.callback_answers}\n" + self.emulator._chat_report(self.id)
            )
        return found

    def __repr__(self) -> str:
        return f"<TestUser id={self.id} {self.first_name!r} @{self.username}>"


class TestGroup(TestUser):
    """A group, supergroup or channel the bot is in (a negative chat id); users write in it
    with ``send_command(..., by=user)``. Its messages and waits are those of a chat."""

    __test__ = False

    def __init__(self, emulator: BotAPIEmulator, chat_id: int, title: str, chat_type: str) -> None:
        super().__init__(emulator, chat_id, title, language_code=None)
        self.title = title
        self.type = chat_type

    @property
    def chat_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}

    def send_command(  # type: ignore[override]
        self, command: str, args: str | None = None, *, by: TestUser
    ) -> Injected:
        cmd = command if command.startswith("/") else f"/{command}"
        text = f"{cmd} {args}" if args else cmd
        return self.emulator._inject_user_message(by, text=text, group=self)

    def send_text(self, text: str, *, by: TestUser, reply_to: MessageRef = None) -> Injected:  # type: ignore[override]
        return self.emulator._inject_user_message(by, text=text, reply_to=reply_to, group=self)

    def press(  # type: ignore[override]
        self,
        message: MessageRef = None,
        text: str | None = None,
        callback_data: str | None = None,
        *,
        by: TestUser,
    ) -> Injected:
        return self.emulator._press(by, message, text=text, callback_data=callback_data, group=self)

    def add_bot(self, *, by: TestUser) -> Injected:
        """The bot is added to this chat by ``by`` (a ``my_chat_member`` update)."""
        return self.emulator._inject_bot_added(self, by)


def _as_predicate(predicate: MessagePredicate) -> Callable[[MessageRecord], bool]:
    if predicate is None:
        return lambda _record: True
    if isinstance(predicate, str):
        needle = predicate
        return lambda record: needle in record.content
    return predicate


def _describe_predicate(predicate: MessagePredicate) -> str:
    if predicate is None:
        return ""
    if isinstance(predicate, str):
        return f" containing {predicate!r}"
    return f" matching {getattr(predicate, '__name__', repr(predicate))}"
