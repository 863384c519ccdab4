"""Reading the fields of a stored JSON payload: a missing field is its empty value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

__all__ = ["optional_date", "optional_int", "optional_moment", "optional_text", "text"]


def text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def optional_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return None if value is None else int(value)


def optional_date(data: Mapping[str, Any], key: str) -> date | None:
    value = data.get(key)
    return date.fromisoformat(value) if value else None


def optional_moment(data: Mapping[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    return datetime.fromisoformat(value) if value else None
