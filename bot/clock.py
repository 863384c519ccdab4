"""Dates as people see them: "today" depends on the time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def today_in(timezone: str, now: datetime | None = None) -> date:
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


def person_timezone(
    own: str | None, organization: str | None = None, plan: str | None = None, default: str = ""
) -> str:
    """The time zone that applies to a person: their own, else their body's, else the plan's,
    else the default one."""
    return own or organization or plan or default
