"""Records kept by the emulator and handed to tests."""

from __future__ import annotations

import copy
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiCall",
    "CallbackAnswer",
    "EmulatorStats",
    "FailureRule",
    "FileRecord",
    "Injected",
    "MessageRecord",
]


@dataclass
class ApiCall:
    """One HTTP request to the emulated Bot API."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic() when the request arrived
    status: int = 0  # HTTP status answered
    result: Any = None  # "result" of a successful answer
    error: str | None = None  # "description" of an error answer
    duration: float = 0.0
    files: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # field -> (name, size)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k not in {"reply_markup"}}
        tail = "" if self.ok else f" -> {self.status} {self.error}"
        return f"<ApiCall {self.method} {shown}{tail}>"


@dataclass
class FileRecord:
    """A file known to the emulator (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    content: bytes
    kind: str  # "document" | "photo"
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    source_url: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.content)

    def document_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name is not None:
            doc["file_name"] = self.file_name
        if self.mime_type is not None:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_sizes(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": self.file_size,
                "width": self.width,
                "height": self.height,
            }
        ]

    def file_dict(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass
class MessageRecord:
    """A message in an emulated chat, sent by the bot or injected for a user.

    ``text``/``caption`` hold the plain text Telegram would store (tags stripped,
    entities decoded); ``html``/``caption_html`` the raw string the bot sent.
    ``history`` holds snapshots of the previous versions, oldest first.
    """

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    method: str  # API method that created it ("sendMessage", ...) or "user"
    text: str | None = None
    html: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file: FileRecord | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)  # Message object as the API returns it
    sender: dict[str, Any] | None = None  # the User who wrote it in a group (None: the chat's)

    @property
    def kind(self) -> str:
        if self.file is not None:
            return self.file.kind
        return "text"

    @property
    def document(self) -> dict[str, Any] | None:
        return self.file.document_dict() if self.file and self.file.kind == "document" else None

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.file.photo_sizes() if self.file and self.file.kind == "photo" else None

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def edit_count(self) -> int:
        return len(self.history)

    @property
    def content(self) -> str:
        """Text of a text message or caption of a media message ("" if none)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup:
            return []
        return list(self.reply_markup.get("inline_keyboard") or [])

    def buttons(self) -> list[dict[str, Any]]:
        """All inline keyboard buttons, row by row."""
        return [button for row in self.inline_keyboard for button in row]

    def button_texts(self) -> list[list[str]]:
        """Inline keyboard button texts as rows."""
        return [[button.get("text", "") for button in row] for row in self.inline_keyboard]

    def flat_button_texts(self) -> list[str]:
        return [button.get("text", "") for button in self.buttons()]

    def callback_datas(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons() if "callback_data" in b]

    def find_button(
        self, text: str | None = None, callback_data: str | None = None
    ) -> dict[str, Any] | None:
        for button in self.buttons():
            if text is not None and button.get("text") != text:
                continue
            if callback_data is not None and button.get("callback_data") != callback_data:
                continue
            return button
        return None

    def snapshot(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "html": self.html,
            "parse_mode": self.parse_mode,
            "entities": copy.deepcopy(self.entities),
            "caption": self.caption,
            "caption_html": self.caption_html,
            "reply_markup": copy.deepcopy(self.reply_markup),
            "edit_date": self.edit_date,
        }

    def describe(self) -> str:
        """Short human readable form used in assertion messages."""
        who = "bot" if self.from_bot else "user"
        parts = [f"#{self.message_id} {who} {self.kind}"]
        if self.file is not None and self.file.file_name:
            parts.append(f"file={self.file.file_name!r}")
        if self.content:
            shown = self.content if len(self.content) <= 200 else self.content[:200] + "…"
            parts.append(repr(shown))
        if self.inline_keyboard:
            parts.append(f"buttons={self.button_texts()}")
        if self.history:
            parts.append(f"edits={len(self.history)}")
        if self.deleted:
            parts.append("DELETED")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"<MessageRecord chat={self.chat_id} {self.describe()}>"


@dataclass
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    callback_query_id: str
    user_id: int
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    time: float


@dataclass
class FailureRule:
    """A queued failure created by :meth:`BotAPIEmulator.fail_next`."""

    method: str  # lower-cased API method name or "*"
    status: int
    description: str
    retry_after: int | None = None
    remaining: int = 1
    chat_id: int | str | None = None
    delay: float = 0.0
    body: str | None = None
    disconnect: bool = False

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.remaining <= 0:
            return False
        lowered = method.lower()
        if self.method == "*":
            if lowered == "getupdates":
                return False
        elif self.method != lowered:
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


@dataclass(frozen=True)
class EmulatorStats:
    api_calls: int
    sent_messages: int  # successful send* calls that created a message
    edited_messages: int
    deleted_messages: int
    too_many_requests: int  # 429 answers (injected or from rate limiting)
    rate_limit_violations: int  # sends over the configured limits (enforced or not)
    errors: int  # all non-200 answers
    calls_by_method: dict[str, int]
    sent_by_chat: dict[int, int]


class Injected(dict[str, Any]):
    """The Update dict injected by a test user.

    It is a plain dict, and may also be awaited (``await user.send_text(...)``)
    which simply returns itself, so both call styles work.
    """

    def __await__(self) -> Generator[Any, None, Injected]:
        return self._self().__await__()

    async def _self(self) -> Injected:
        return self

    @property
    def update_id(self) -> int:
        return int(self["update_id"])

    @property
    def message(self) -> dict[str, Any] | None:
        return self.get("message")

    @property
    def callback_query(self) -> dict[str, Any] | None:
        return self.get("callback_query")

    @property
    def message_id(self) -> int | None:
        message = self.get("message")
        return int(message["message_id"]) if message else None

    @property
    def callback_query_id(self) -> str | None:
        query = self.get("callback_query")
        return str(query["id"]) if query else None
