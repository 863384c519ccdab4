"""/digest: a coordinator sees when their weekly digest comes, changes the day or the time, or
turns it off."""

from __future__ import annotations

import enum
from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import digest_settings
from bot.access import Roles
from bot.config import Settings
from bot.digest_schedule import OFFERED_HOURS, OFFERED_WEEKDAYS
from bot.digest_settings import DigestView
from handlers.replies import show
from models.tables import Official


class DigestAction(enum.StrEnum):
    DAY = "d"
    HOUR = "h"
    OFF = "off"
    ON = "on"


class DigestChoice(CallbackData, prefix="dg"):
    action: DigestAction
    value: int = 0


def weekday_names() -> tuple[str, ...]:
    return (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )


def weekday_buttons() -> tuple[str, ...]:
    return (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def digest_reply(view: DigestView, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    setting = view.setting
    lines = [note, ""] if note else []
    lines.append(_("<b>Weekly digest</b>"))
    if setting.enabled:
        lines.append(
            _(
                "Every week: {weekday}, {time} ({zone}); "
                "a holiday moves it to the next working day."
            ).format(
                weekday=weekday_names()[setting.weekday],
                time=setting.at.strftime("%H:%M"),
                zone=escape(view.timezone),
            )
        )
        if view.next_day is not None:
            lines.append(_("The next one: {date}.").format(date=view.next_day.strftime("%d.%m.%Y")))
        lines.append(
            _("Each of your plans: measures by status, and what changed since the last digest.")
        )
    else:
        lines.append(_("The weekly digest is off."))
    builder = InlineKeyboardBuilder()
    for weekday in OFFERED_WEEKDAYS:
        mark = "• " if weekday == setting.weekday else ""
        builder.button(
            text=mark + weekday_buttons()[weekday],
            callback_data=DigestChoice(action=DigestAction.DAY, value=weekday),
        )
    for hour in OFFERED_HOURS:
        mark = "• " if hour == setting.at.hour and setting.at.minute == 0 else ""
        builder.button(
            text=f"{mark}{hour:02d}:00",
            callback_data=DigestChoice(action=DigestAction.HOUR, value=hour),
        )
    switch = DigestAction.OFF if setting.enabled else DigestAction.ON
    builder.button(
        text=_("Turn off") if setting.enabled else _("Turn on"),
        callback_data=DigestChoice(action=switch),
    )
    builder.adjust(len(OFFERED_WEEKDAYS), 6, len(OFFERED_HOURS) - 6, 1)
    return "\n".join(lines), builder.as_markup()


async def digest_command(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    view = await digest_settings.digest_view(
        session, roles, official, now=now, default=settings.default_timezone
    )
    text, markup = digest_reply(view)
    await message.answer(text, reply_markup=markup)


async def digest_changed(
    query: CallbackQuery,
    callback_data: DigestChoice,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    action, value = callback_data.action, callback_data.value
    view = await digest_settings.change_digest(
        session,
        roles,
        official,
        now=now,
        default=settings.default_timezone,
        weekday=value if action is DigestAction.DAY else None,
        hour=value if action is DigestAction.HOUR else None,
        enabled={DigestAction.ON: True, DigestAction.OFF: False}.get(action),
    )
    await query.answer(_("Saved."))
    await show(query, *digest_reply(view))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(digest_command, Command("digest"))
    router.callback_query.register(digest_changed, DigestChoice.filter())
    return router
