"""Setting time zones: a coordinator sets a body's, a person sets their own (or follows their
body's). The zones offered are Russia's, by city; `bot.clock.person_timezone` applies them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import record_change
from bot.i18n import N_
from bot.scope import governed_body
from models.tables import Official, Organization


class RussianZone(enum.StrEnum):
    """Russia's time zones, west to east, as IANA names."""

    KALININGRAD = "Europe/Kaliningrad"
    MOSCOW = "Europe/Moscow"
    SAMARA = "Europe/Samara"
    YEKATERINBURG = "Asia/Yekaterinburg"
    OMSK = "Asia/Omsk"
    NOVOSIBIRSK = "Asia/Novosibirsk"
    KRASNOYARSK = "Asia/Krasnoyarsk"
    IRKUTSK = "Asia/Irkutsk"
    YAKUTSK = "Asia/Yakutsk"
    VLADIVOSTOK = "Asia/Vladivostok"
    MAGADAN = "Asia/Magadan"
    KAMCHATKA = "Asia/Kamchatka"


# The city a zone is known by (a message id, translated when shown).
CITY_NAMES: dict[RussianZone, str] = {
    RussianZone.KALININGRAD: N_("Kaliningrad"),
    RussianZone.MOSCOW: N_("Moscow"),
    RussianZone.SAMARA: N_("Samara"),
    RussianZone.YEKATERINBURG: N_("Yekaterinburg"),
    RussianZone.OMSK: N_("Omsk"),
    RussianZone.NOVOSIBIRSK: N_("Novosibirsk"),
    RussianZone.KRASNOYARSK: N_("Krasnoyarsk"),
    RussianZone.IRKUTSK: N_("Irkutsk"),
    RussianZone.YAKUTSK: N_("Yakutsk"),
    RussianZone.VLADIVOSTOK: N_("Vladivostok"),
    RussianZone.MAGADAN: N_("Magadan"),
    RussianZone.KAMCHATKA: N_("Kamchatka"),
}


def city_of(timezone: str) -> str | None:
    """The city message id of one of Russia's zones; None for any other zone."""
    try:
        return CITY_NAMES[RussianZone(timezone)]
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ZoneChange:
    old: str | None
    new: str | None


async def set_body_timezone(
    session: AsyncSession,
    roles: Roles,
    *,
    actor_id: int,
    organization_id: int,
    zone: RussianZone,
) -> tuple[Organization, ZoneChange]:
    """Set a body's zone. Only an administrator, or a coordinator of the plans the body serves
    (all of them: `scope.governed_body`), may; the change goes to the audit trail."""
    organization = await governed_body(session, roles, organization_id)
    change = ZoneChange(organization.timezone, zone.value)
    if change.old != change.new:
        organization.timezone = zone.value
        await record_change(
            session,
            actor_id=actor_id,
            action="organization_timezone_set",
            entity=organization,
            field="timezone",
            old=change.old,
            new=change.new,
        )
    return organization, change


async def set_own_timezone(
    session: AsyncSession, official: Official, zone: RussianZone | None
) -> ZoneChange:
    """A person's own zone; None follows their body's again. Recorded in the audit trail."""
    change = ZoneChange(official.timezone, zone.value if zone is not None else None)
    if change.old != change.new:
        official.timezone = change.new
        await record_change(
            session,
            actor_id=official.id,
            action="official_timezone_set",
            entity=official,
            field="timezone",
            old=change.old,
            new=change.new,
        )
    return change
