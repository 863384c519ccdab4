"""Dates as people see them: one rule for a person's time zone, "today" in that zone.

Every update gets one `now` (Settings.now(), see bot.entry.middlewares.ClockMiddleware); a person's
"today" is the date of that moment in their time zone. Their zone is their own, else their
body's, else the plan's, else DEFAULT_TIMEZONE: `person_timezone` is the rule (pure, the
reminder scan calls it per row), `timezone_of` looks the candidates up for one person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, bindparam, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from models.tables import Assignment, Measure, Membership, Official, Organization, Plan, Role

DEFAULT_TIMEZONE = "Europe/Moscow"


def today_in(timezone: str, now: datetime | None = None) -> date:
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


def is_known_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
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
    offset = now.astimezone(ZoneInfo(timezone)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@dataclass(frozen=True, slots=True)
class ZoneCandidates:
    """The zones stored for a person, their bodies and their plans (None where not set)."""

    own: str | None
    body: str | None
    plan: str | None


def _zone_candidates_statement() -> Select[tuple[str | None, str | None, str | None]]:
    official_id = bindparam("official_id")
    bodies = select(Membership.organization_id).where(
        Membership.official_id == official_id,
        Membership.role.in_([Role.OFFICIAL, Role.HEAD]),
        Membership.is_active.is_(True),
    )
    plan_ids = union(
        select(Membership.plan_id).where(
            Membership.official_id == official_id,
            Membership.role == Role.COORDINATOR,
            Membership.is_active.is_(True),
        ),
        select(Measure.plan_id)
        .join(Assignment, Assignment.measure_id == Measure.id)
        .where(Assignment.organization_id.in_(bodies)),
    )
    body_zone = (
        select(Organization.timezone)
        .where(Organization.id.in_(bodies), Organization.timezone.is_not(None))
        .order_by(Organization.id)
        .limit(1)
        .scalar_subquery()
    )
    plan_zone = (
        select(Plan.timezone)
        .where(Plan.id.in_(plan_ids), Plan.timezone.is_not(None))
        .order_by(Plan.id)
        .limit(1)
        .scalar_subquery()
    )
    return select(Official.timezone, body_zone, plan_zone).where(Official.id == official_id)


# Built once: every update asks for it, and building it took longer than running it.
_ZONE_CANDIDATES = _zone_candidates_statement()


async def zone_candidates(session: AsyncSession, official_id: int) -> ZoneCandidates:
    """One query: the person's own zone, the first zone set on a body they answer for, and the
    first set on a plan they coordinate or their bodies execute."""
    row = (await session.execute(_ZONE_CANDIDATES, {"official_id": official_id})).one_or_none()
    if row is None:
        return ZoneCandidates(None, None, None)
    return ZoneCandidates(*row)


async def timezone_of(
    session: AsyncSession, official: Official | None, default: str = DEFAULT_TIMEZONE
) -> str:
    """The time zone of a stored person (``default`` for nobody)."""
    if official is None or official.id is None:
        return default
    found = await zone_candidates(session, official.id)
    return person_timezone(found.own, found.body, found.plan, default)


async def person_today(
    session: AsyncSession, official: Official | None, now: datetime, default: str = DEFAULT_TIMEZONE
) -> date:
    """The person's date at the update's `now`, in their time zone."""
    return today_in(await timezone_of(session, official, default), now)
