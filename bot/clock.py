"""Dates as people see them: one rule for a person's time zone, "today" in that zone.

Every update gets one `now` (Settings.now(), see bot.entry.middlewares.ClockMiddleware); a person's
"today" is the date of that moment in their time zone. Their zone is their own, else their
body's, else the plan's, else DEFAULT_TIMEZONE: `person_timezone` is the rule (pure, the
reminder scan calls it per row), `timezone_of` looks the candidates up for one person.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.calendar import time_zone
from models import queries
from models.tables import Official

DEFAULT_TIMEZONE = "Europe/Moscow"


def today_in(timezone: str, now: datetime | None = None) -> date:
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(time_zone(timezone)).date()


def is_known_timezone(name: str) -> bool:
    try:
        time_zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def person_timezone(
    own: str | None,
    body: str | None = None,
    plan: str | None = None,
    default: str = DEFAULT_TIMEZONE,
) -> str:
    """The time zone that applies to a person: their own, else their body's, else the plan's,
    else ``default`` (pass ``Settings.default_timezone``).

    Empty or unknown zone names are skipped, so a bad value stored somewhere does not stop
    reminders: the next level applies.
    """
    for candidate in (own, body, plan):
        if candidate and is_known_timezone(candidate):
            return candidate
    return default


def utc_offset(timezone: str, now: datetime) -> str:
    """ "UTC+10" (or "UTC+5:30") of the zone at that moment."""
    offset = now.astimezone(time_zone(timezone)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# session.info key: {official id: (body zone, plan zone)} as read with the person this update.
_KNOWN_ZONES = "known_zones"


def remember_zones(
    session: AsyncSession | Session, official_id: int, body: str | None, plan: str | None
) -> None:
    """Keep the zones of a person's bodies and plans for the rest of the update, so that
    `timezone_of` reads them once."""
    session.info.setdefault(_KNOWN_ZONES, {})[official_id] = (body, plan)


def forget_zones(session: AsyncSession | Session) -> None:
    """Drop what `remember_zones` kept: the update wrote something, which may have changed a
    membership or a zone (called on every flush)."""
    session.info.pop(_KNOWN_ZONES, None)


async def timezone_of(
    session: AsyncSession, official: Official | None, default: str = DEFAULT_TIMEZONE
) -> str:
    """The time zone of a stored person (``default`` for nobody)."""
    if official is None or official.id is None:
        return default
    known = session.info.get(_KNOWN_ZONES, {}).get(official.id)
    if known is not None:
        return person_timezone(official.timezone, *known, default)
    found = await queries.zone_candidates(session, official.id)
    remember_zones(session, official.id, found.body, found.plan)
    return person_timezone(found.own, found.body, found.plan, default)


async def person_today(
    session: AsyncSession, official: Official | None, now: datetime, default: str = DEFAULT_TIMEZONE
) -> date:
    """The person's date at the update's `now`, in their time zone."""
    return today_in(await timezone_of(session, official, default), now)
