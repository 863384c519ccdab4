"""People known to the bot: who is writing, what roles they hold, their language."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.access import RoleGrant, Roles, roles_from_grants
from bot.audit import record_change
from bot.i18n import SUPPORTED_LOCALES
from models import queries
from models.tables import Official, Role

logger = logging.getLogger(__name__)

# Seen-at is refreshed at most this often, so that reading does not rewrite the row each time.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
# Seconds between a person being seen and Presence writing it down (with everyone seen since).
PRESENCE_WRITE_DELAY = 3.0


class Presence:
    """When people were last seen, written by one background task a few seconds after it was
    noted, for everyone seen meanwhile in one statement: an update that only reads stays a
    read, so a burst of people opening /my does not queue them for the write lock.

    Stamps are informational: a batch that cannot be written is logged and dropped; `flush`
    (at stop) writes what is waiting."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        delay: float = PRESENCE_WRITE_DELAY,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._delay = delay
        self._waiting: dict[int, datetime] = {}
        self._writer: asyncio.Task[None] | None = None
        self._flushing = asyncio.Event()

    def note(self, official: Official, now: datetime) -> None:
        """The person was seen `now`; stored later, unless their stamp is recent enough."""
        if official.last_seen_at is not None and now - official.last_seen_at < LAST_SEEN_RESOLUTION:
            return
        self._waiting.setdefault(official.id, now)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_later(), name="presence")

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def flush(self) -> None:
        """Write every stamp noted so far (now, not after the delay)."""
        self._flushing.set()
        try:
            if self._writer is not None and not self._writer.done():
                await asyncio.shield(self._writer)
            await self._write_waiting()
        finally:
            self._flushing.clear()

    async def _write_later(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._flushing.wait(), self._delay)
        await self._write_waiting()

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, {}
            try:
                async with self._sessionmaker() as session, session.begin():
                    await session.execute(
                        update(Official),
                        [{"id": id_, "last_seen_at": at} for id_, at in batch.items()],
                    )
            except Exception:
                logger.exception("Could not record when %d person(s) were last seen", len(batch))


@dataclass(frozen=True, slots=True)
class TelegramPerson:
    """What Telegram tells about the sender of an update."""

    telegram_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


async def recognise(
    session: AsyncSession,
    person: TelegramPerson,
    now: datetime,
    *,
    presence: Presence | None = None,
) -> Official:
    """The stored person for this sender, created on first contact and kept up to date.

    With `presence`, the last-seen stamp is left to it (written in the background) instead of
    being written by this transaction."""
    official = await queries.official_by_telegram_id(session, person.telegram_id)
    if official is None:
        official = await _first_contact(session, person)
    _keep_up_to_date(official, person, now, presence)
    return official


async def recognise_with_roles(
    session: AsyncSession,
    person: TelegramPerson,
    now: datetime,
    admin_telegram_ids: frozenset[int],
    *,
    presence: Presence | None = None,
) -> tuple[Official, Roles]:
    """`recognise` and `roles_of` together, reading the person and their memberships in one
    query (every update does this first)."""
    found = await queries.official_and_memberships(session, person.telegram_id)
    if found is None:
        official, memberships = await _first_contact(session, person), []
    else:
        official, memberships = found.official, found.memberships
    _keep_up_to_date(official, person, now, presence)
    return official, _roles(official, memberships, admin_telegram_ids)


async def _first_contact(session: AsyncSession, person: TelegramPerson) -> Official:
    await queries.insert_official_if_absent(
        session,
        telegram_id=person.telegram_id,
        first_name=person.first_name,
        last_name=person.last_name,
        username=person.username,
    )
    official = await queries.official_by_telegram_id(session, person.telegram_id)
    assert official is not None
    return official


def _keep_up_to_date(
    official: Official, person: TelegramPerson, now: datetime, presence: Presence | None
) -> None:
    if official.first_name != person.first_name:
        official.first_name = person.first_name
    if official.last_name != person.last_name:
        official.last_name = person.last_name
    if official.username != person.username:
        official.username = person.username
    if presence is not None:
        presence.note(official, now)
    elif official.last_seen_at is None or now - official.last_seen_at >= LAST_SEEN_RESOLUTION:
        official.last_seen_at = now
    if official.blocked_bot_at is not None:
        # Writing to the bot again means the person unblocked it.
        official.blocked_bot_at = None


async def roles_of(
    session: AsyncSession, official: Official, admin_telegram_ids: frozenset[int]
) -> Roles:
    memberships = (
        await queries.active_memberships(session, official.id) if official.is_active else []
    )
    return _roles(official, memberships, admin_telegram_ids)


def _roles(
    official: Official,
    memberships: Sequence[tuple[Role, int | None, int | None]],
    admin_telegram_ids: frozenset[int],
) -> Roles:
    is_listed_admin = official.telegram_id in admin_telegram_ids
    if not official.is_active:
        # A deactivated person keeps only what ADMIN_IDS gives them.
        return roles_from_grants((), is_listed_admin=is_listed_admin)
    grants = [
        RoleGrant(role, plan_id, organization_id) for role, plan_id, organization_id in memberships
    ]
    return roles_from_grants(grants, is_listed_admin=is_listed_admin)


class UnsupportedLocale(ValueError):
    pass


async def choose_locale(session: AsyncSession, official: Official, locale: str) -> None:
    """Store the person's interface language; only supported languages are accepted."""
    if locale not in SUPPORTED_LOCALES:
        raise UnsupportedLocale(locale)
    if official.locale == locale:
        return
    await record_change(
        session,
        actor_id=official.id,
        action="locale_changed",
        entity=official,
        field="locale",
        old=official.locale,
        new=locale,
    )
    official.locale = locale


def clean_person_name(text: str) -> str | None:
    """A person's name as typed ("Иванова Анна Петровна", "Петров А.П."), or None if it
    does not look like one: two to six words of letters, hyphens, dots and apostrophes."""
    words = text.split()
    if not 2 <= len(words) <= 6 or len(" ".join(words)) > 200:
        return None
    for word in words:
        if not any(char.isalpha() for char in word):
            return None
        if not all(char.isalpha() or char in "-.'’" for char in word):
            return None
    return " ".join(words)


def take_full_name_from_profile(official: Official) -> bool:
    """Whether the person has a full name, taking it from their Telegram profile's first and
    last name when they have not given one; False: they must be asked for it."""
    if official.full_name:
        return True
    if not (official.first_name.strip() and (official.last_name or "").strip()):
        return False
    official.full_name = f"{official.first_name.strip()} {official.last_name.strip()}"
    return True
