"""Decoding of Bot API request parameters.

aiogram sends ``application/x-www-form-urlencoded`` bodies when a request has no
files and ``multipart/form-data`` when it has; in both cases every value is a
string: scalars as plain strings/numbers (``"123"``, ``"true"``), complex values
(``reply_markup``, ``commands``, ``scope`` ...) as JSON text.  Other clients may
send ``application/json`` bodies or query strings.  :class:`Params` hides the
difference behind typed accessors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["ApiError", "Params", "UploadedFile"]

# Fields whose value is a JSON-serialized object/array in form bodies.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "media",
        "results",
        "menu_button",
        "rights",
        "reaction",
        "options",
        "message_ids",
        "prices",
        "permissions",
        "input_message_content",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "user_id",
        "duration",
        "width",
        "height",
        "max_connections",
        "until_date",
    }
)
BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "revoke_messages",
        "is_disabled",
    }
)


class ApiError(Exception):
    """An error answer of the emulated Bot API."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    content: bytes


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


class Params:
    """Request parameters with Bot API style typed accessors."""

    def __init__(self, raw: dict[str, Any], files: dict[str, UploadedFile] | None = None) -> None:
        self.raw = raw
        self.files = files or {}

    def __contains__(self, name: str) -> bool:
        return name in self.raw or name in self.files

    def has(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is not None and value != ""

    def get_str(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, (dict, list)) else str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        result = _to_int(value)
        if result is None:
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        return result

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        return _to_bool(value)

    def get_json(self, name: str) -> Any:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                if name == "reply_markup":
                    description = "Bad Request: can't parse reply keyboard markup JSON object"
                    raise ApiError(400, description) from None
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int | str | None:
        """Chat id as int, or the raw string for ``@username`` ids."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        as_int = _to_int(value)
        return as_int if as_int is not None else str(value)

    def decoded(self) -> dict[str, Any]:
        """All parameters decoded by field name (for call records)."""
        result: dict[str, Any] = {}
        for name, value in self.raw.items():
            if name in JSON_FIELDS and isinstance(value, str):
                try:
                    result[name] = json.loads(value)
                except ValueError:
                    result[name] = value
            elif name in INT_FIELDS and isinstance(value, str):
                as_int = _to_int(value)
                result[name] = as_int if as_int is not None else value
            elif name in BOOL_FIELDS and isinstance(value, str):
                result[name] = _to_bool(value)
            else:
                result[name] = value
        for name, upload in self.files.items():
            result.setdefault(name, f"<file {upload.filename!r}, {len(upload.content)} bytes>")
        return result
