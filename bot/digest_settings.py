"""/digest: a coordinator chooses the day and time of their weekly digest, or turns it off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.audit import record_change
from bot.clock import timezone_of
from bot.digest_schedule import (
    DEFAULT_SETTING,
    OFFERED_HOURS,
    DigestSetting,
    next_digest_day,
)
from bot.refusals import Refusal, Refused
from models.tables import DigestSubscription, Official


@dataclass(frozen=True, slots=True)
class DigestView:
    """What /digest shows: the setting, the person's zone, and the day the next one goes."""

    setting: DigestSetting
    timezone: str
    next_day: date | None


async def _row(session: AsyncSession, official_id: int) -> DigestSubscription | None:
    return await session.scalar(
        select(DigestSubscription).where(DigestSubscription.official_id == official_id)
    )


def _setting(row: DigestSubscription | None) -> DigestSetting:
    if row is None:
        return DEFAULT_SETTING
    return DigestSetting(row.weekday, row.local_time, row.enabled)


async def digest_view(
    session: AsyncSession, roles: Roles, official: Official, *, now: datetime, default: str
) -> DigestView:
    """The person's digest setting; refused to anyone but coordinators."""
    require_coordinator(roles)
    row = await _row(session, official.id)
    setting = _setting(row)
    zone = await timezone_of(session, official, default)
    last = row.last_sent_on if row is not None else None
    next_day = next_digest_day(setting, timezone=zone, last_sent_on=last, now=now)
    return DigestView(setting, zone, next_day)


async def change_digest(
    session: AsyncSession,
    roles: Roles,
    official: Official,
    *,
    now: datetime,
    default: str,
    weekday: int | None = None,
    hour: int | None = None,
    enabled: bool | None = None,
) -> DigestView:
    """Change the day (Monday 0 … Sunday 6), the hour (of `OFFERED_HOURS`) or turn the digest
    on or off; the week's digest, once sent, is not sent again for a new day or time."""
    require_coordinator(roles)
    if (weekday is not None and not 0 <= weekday <= 6) or (
        hour is not None and hour not in OFFERED_HOURS
    ):
        raise Refused(Refusal.NOT_AVAILABLE)
    row = await _row(session, official.id)
    if row is None:
        row = DigestSubscription(official_id=official.id, created_at=now)
        row.weekday, row.local_time, row.enabled = 0, DEFAULT_SETTING.at, True
        session.add(row)
    old = {"weekday": row.weekday, "time": row.local_time.isoformat(), "enabled": row.enabled}
    if weekday is not None:
        row.weekday = weekday
    if hour is not None:
        row.local_time = time(hour)
    if enabled is not None:
        row.enabled = enabled
    new = {"weekday": row.weekday, "time": row.local_time.isoformat(), "enabled": row.enabled}
    if new != old:
        await record_change(
            session,
            actor_id=official.id,
            action="digest_changed",
            entity=row,
            field="schedule",
            old=old,
            new=new,
            at=now,
        )
    return await digest_view(session, roles, official, now=now, default=default)
