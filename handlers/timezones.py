"""Time zones: a body's card in /orgs with its "Time zone" button, and /settings (language and
the person's own time zone, or their body's)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import timezones
from bot.access import Roles, can_change_directory
from bot.clock import timezone_of, utc_offset
from bot.config import Settings
from bot.presentation.text_limits import shorten
from bot.scope import coordinated_body, governed_body
from bot.timezones import RussianZone, city_of
from handlers.directory import EditBody, EditField
from handlers.language import LANGUAGE_NAMES, language_keyboard
from handlers.replies import show
from models.tables import Official, Organization

NAME_LENGTH = 300
BUTTON_LENGTH = 40


class OpenBody(CallbackData, prefix="body"):
    organization_id: int


class BodyZones(CallbackData, prefix="tzbl"):
    organization_id: int


class BodyZone(CallbackData, prefix="tzb"):
    organization_id: int
    zone: RussianZone


class SettingsItem(StrEnum):
    MENU = "menu"
    LANGUAGE = "language"
    TIMEZONE = "timezone"


class SettingsMenu(CallbackData, prefix="set"):
    item: SettingsItem


class OwnZone(CallbackData, prefix="tzo"):
    """The person's own zone; no zone: as their body's."""

    zone: RussianZone | None = None


def zone_label(timezone: str, now: datetime) -> str:
    """ "Vladivostok (UTC+10)" (the city translated); another zone by its IANA name."""
    city = city_of(timezone)
    return f"{_(city) if city else timezone} ({utc_offset(timezone, now)})"


def zones_keyboard(
    current: str | None, now: datetime, make: type[CallbackData], **fields: object
) -> InlineKeyboardBuilder:
    """Russia's zones by city, two a row, the current one ticked."""
    builder = InlineKeyboardBuilder()
    for zone in RussianZone:
        mark = "✓ " if zone.value == current else ""
        builder.button(
            text=mark + zone_label(zone.value, now), callback_data=make(zone=zone, **fields)
        )
    builder.adjust(2)
    return builder


def body_button(name: str, organization_id: int) -> tuple[str, OpenBody]:
    """A body's line in /orgs: opens its card."""
    return shorten(name, BUTTON_LENGTH), OpenBody(organization_id=organization_id)


# --- A body's card and its zone -----------------------------------------------------------------


def body_card(
    organization: Organization,
    now: datetime,
    default: str,
    note: str = "",
    *,
    editable: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:
    """`editable`: with the directory's "Edit" button (an administrator's)."""
    name = organization.full_name
    if len(name) > NAME_LENGTH:
        name = name[: NAME_LENGTH - 1] + "…"
    lines = [note, ""] if note else []
    lines.append(f"<b>{escape(name)}</b>")
    if organization.short_name and organization.short_name != organization.full_name:
        lines.append(escape(organization.short_name))
    if organization.timezone:
        zone = _("Time zone: {zone}").format(zone=zone_label(organization.timezone, now))
    else:
        zone = _("Time zone: not set, {zone} applies").format(zone=zone_label(default, now))
    lines.append(zone)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Time zone"), callback_data=BodyZones(organization_id=organization.id))
    if editable:
        builder.button(
            text=_("Edit"),
            callback_data=EditBody(organization_id=organization.id, field=EditField.MENU),
        )
    return "\n".join(lines), builder.as_markup()


async def open_body(
    query: CallbackQuery,
    callback_data: OpenBody,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    organization = await coordinated_body(session, roles, callback_data.organization_id)
    text, markup = body_card(
        organization, now, settings.default_timezone, editable=can_change_directory(roles)
    )
    await query.answer()
    # A new message: the list of bodies stays, to open the next one.
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def body_zones(
    query: CallbackQuery,
    callback_data: BodyZones,
    session: AsyncSession,
    roles: Roles,
    now: datetime,
) -> None:
    organization = await governed_body(session, roles, callback_data.organization_id)
    text = _("Time zone of «{body}»: choose the city whose time it keeps.").format(
        body=escape(organization.short_name or organization.full_name)
    )
    markup = zones_keyboard(
        organization.timezone, now, BodyZone, organization_id=organization.id
    ).as_markup()
    await query.answer()
    await show(query, text, markup)


async def body_zone_picked(
    query: CallbackQuery,
    callback_data: BodyZone,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    organization, _change = await timezones.set_body_timezone(
        session,
        roles,
        actor_id=official.id,
        organization_id=callback_data.organization_id,
        zone=callback_data.zone,
    )
    note = _("✓ Time zone set: {zone}.").format(zone=zone_label(callback_data.zone.value, now))
    await query.answer()
    await show(query, *body_card(organization, now, settings.default_timezone, note))


# --- /settings ----------------------------------------------------------------------------------


async def settings_menu(
    session: AsyncSession,
    official: Official,
    i18n: I18n,
    settings: Settings,
    now: datetime,
    note: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    zone = zone_label(await timezone_of(session, official, settings.default_timezone), now)
    lines = [note, ""] if note else []
    lines.append(_("<b>Settings</b>"))
    lines.append(_("Language: {language}").format(language=LANGUAGE_NAMES[i18n.current_locale]))
    if official.timezone:
        lines.append(_("Time zone: {zone}").format(zone=zone))
    else:
        lines.append(_("Time zone: {zone}, as your body's").format(zone=zone))
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Language"), callback_data=SettingsMenu(item=SettingsItem.LANGUAGE))
    builder.button(text=_("Time zone"), callback_data=SettingsMenu(item=SettingsItem.TIMEZONE))
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


async def settings_command(
    message: Message,
    session: AsyncSession,
    official: Official,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    text, markup = await settings_menu(session, official, i18n, settings, now)
    await message.answer(text, reply_markup=markup)


async def settings_item(
    query: CallbackQuery,
    callback_data: SettingsMenu,
    session: AsyncSession,
    official: Official,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    await query.answer()
    if callback_data.item is SettingsItem.LANGUAGE:
        # The /lang keyboard: its buttons are handled by handlers.language.
        text, markup = _("Choose the language of the bot:"), language_keyboard(i18n.current_locale)
    elif callback_data.item is SettingsItem.TIMEZONE:
        text = _("Choose the city whose time you keep, or follow your body's time zone.")
        builder = zones_keyboard(official.timezone, now, OwnZone)
        mark = "" if official.timezone else "✓ "
        builder.row(
            InlineKeyboardButton(text=mark + _("As my body's"), callback_data=OwnZone().pack())
        )
        markup = builder.as_markup()
    else:
        text, markup = await settings_menu(session, official, i18n, settings, now)
    await show(query, text, markup)


async def own_zone_picked(
    query: CallbackQuery,
    callback_data: OwnZone,
    session: AsyncSession,
    official: Official,
    i18n: I18n,
    settings: Settings,
    now: datetime,
) -> None:
    await timezones.set_own_timezone(session, official, callback_data.zone)
    zone = await timezone_of(session, official, settings.default_timezone)
    note = _("✓ Time zone set: {zone}.").format(zone=zone_label(zone, now))
    await query.answer()
    await show(query, *await settings_menu(session, official, i18n, settings, now, note))


async def out_of_date(query: CallbackQuery) -> None:
    """Callback data that looks like ours but does not parse (a zone no longer offered)."""
    await query.answer(_("This button is out of date."), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(settings_command, Command("settings"))
    router.callback_query.register(open_body, OpenBody.filter())
    router.callback_query.register(body_zones, BodyZones.filter())
    router.callback_query.register(body_zone_picked, BodyZone.filter())
    router.callback_query.register(settings_item, SettingsMenu.filter())
    router.callback_query.register(own_zone_picked, OwnZone.filter())
    prefixes = tuple(
        f"{data.__prefix__}:" for data in (OpenBody, BodyZones, BodyZone, SettingsMenu, OwnZone)
    )
    router.callback_query.register(out_of_date, F.data.startswith(prefixes))
    return router
