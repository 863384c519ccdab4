"""People known to the bot: who is writing, what roles they hold, their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import RoleGrant, Roles, roles_from_grants
from bot.audit import record_change
from bot.i18n import SUPPORTED_LOCALES
from models import queries
from models.tables import Official

# Seen-at is refreshed at most this often, so that reading does not rewrite the row each time.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class TelegramPerson:
    """What Telegram tells about the sender of an update."""

    telegram_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


async def recognise(session: AsyncSession, person: TelegramPerson, now: datetime) -> Official:
    """The stored person for this sender, created on first contact and kept up to date."""
    official = await queries.official_by_telegram_id(session, person.telegram_id)
    if official is None:
        await queries.insert_official_if_absent(
            session,
            telegram_id=person.telegram_id,
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
        )
        official = await queries.official_by_telegram_id(session, person.telegram_id)
        assert official is not None
    if official.first_name != person.first_name:
        official.first_name = person.first_name
    if official.last_name != person.last_name:
        official.last_name = person.last_name
    if official.username != person.username:
        official.username = person.username
    if official.last_seen_at is None or now - official.last_seen_at >= LAST_SEEN_RESOLUTION:
        official.last_seen_at = now
    if official.blocked_bot_at is not None:
        # Writing to the bot again means the person unblocked it.
        official.blocked_bot_at = None
    return official


async def roles_of(
    session: AsyncSession, official: Official, admin_telegram_ids: frozenset[int]
) -> Roles:
    if not official.is_active:
        # A deactivated person keeps only what ADMIN_IDS gives them.
        return roles_from_grants((), is_listed_admin=official.telegram_id in admin_telegram_ids)
    memberships = await queries.active_memberships(session, official.id)
    grants = [
        RoleGrant(role, plan_id, organization_id) for role, plan_id, organization_id in memberships
    ]
    return roles_from_grants(grants, is_listed_admin=official.telegram_id in admin_telegram_ids)


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
