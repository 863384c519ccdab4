"""/orgs: the bodies of a coordinator's plans, who is registered with each, and their cards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, require_coordinator
from bot.bodies import BodyRegistrations, body_registrations
from bot.open_links import open_link_count
from bot.presentation.deadline_wording import format_day
from bot.presentation.text_limits import page_of, shorten
from handlers.confirmations import markup_of
from handlers.directory import directory_hint
from handlers.open_links import OrgsLinks
from handlers.replies import page_buttons, page_label, show
from handlers.timezones import body_button

ORGS_PAGE = 15
# The share of the page each entry may take, so that a page fits a message.
NAME_LENGTH = 120
SHORT_NAME_LENGTH = 30


class OrgsPage(CallbackData, prefix="orgs"):
    page: int


def body_line(entry: BodyRegistrations) -> str:
    name = escape(shorten(entry.name, NAME_LENGTH))
    if entry.short_name and entry.short_name != entry.name:
        name += f" ({escape(shorten(entry.short_name, SHORT_NAME_LENGTH))})"
    if entry.registered:
        name += " — " + _("officials: {officials}, heads: {heads}").format(
            officials=entry.officials, heads=entry.heads
        )
    if entry.predecessor and entry.predecessor_since:
        name += " — " + _("the successor of «{body}» from {since}").format(
            body=escape(shorten(entry.predecessor, NAME_LENGTH)),
            since=format_day(entry.predecessor_since),
        )
    if entry.nobody_to_remind:
        name += " — ⚠️ " + ngettext(
            "{count} open measure, nobody to remind",
            "{count} open measures, nobody to remind",
            entry.open_measures,
        ).format(count=entry.open_measures)
    return f"• {name}"


def orgs_reply(
    entries: Sequence[BodyRegistrations], page: int, open_links: int = 0
) -> tuple[str, InlineKeyboardMarkup | None]:
    shown = page_of(entries, page, ORGS_PAGE)
    nobody = sum(1 for entry in entries if not entry.registered)
    unreminded = sum(1 for entry in entries if entry.nobody_to_remind)
    lines = [
        _("<b>Bodies of your plans</b>: {count}, nobody registered yet: {nobody}.").format(
            count=len(entries), nobody=nobody
        )
        + page_label(shown)
    ]
    if unreminded:
        lines.append(
            _("⚠️ With open measures and nobody to remind: {count}.").format(count=unreminded)
        )
    heading: bool | None = None
    for entry in shown.items:
        if entry.registered is not heading:
            heading = entry.registered
            lines.append("")
            lines.append(
                _("<b>With registered people</b>")
                if entry.registered
                else _("<b>Nobody registered yet</b>")
            )
        lines.append(body_line(entry))
    builder = InlineKeyboardBuilder()
    for entry in shown.items:  # each body's card, with its time zone
        text, data = body_button(entry.short_name or entry.name, entry.organization_id)
        builder.button(text=text, callback_data=data)
    navigation = page_buttons(builder, shown, lambda number: OrgsPage(page=number))
    if open_links:
        builder.button(
            text=_("Open invitation links: {count}").format(count=open_links),
            callback_data=OrgsLinks(page=0),
        )
    builder.adjust(*([1] * len(shown.items)), navigation or 1, 1)
    return "\n".join(lines), markup_of(builder)


async def orgs_command(
    message: Message, session: AsyncSession, roles: Roles, now: datetime
) -> None:
    require_coordinator(roles)
    entries = await body_registrations(session, roles)
    if not entries:
        await message.answer(_("Your plans have no bodies yet.") + "\n\n" + directory_hint(roles))
        return
    text, markup = orgs_reply(entries, 0, await open_link_count(session, roles, now))
    await message.answer(text + "\n\n" + directory_hint(roles), reply_markup=markup)


async def orgs_page(
    query: CallbackQuery,
    callback_data: OrgsPage,
    session: AsyncSession,
    roles: Roles,
    now: datetime,
) -> None:
    entries = await body_registrations(session, roles)
    links = await open_link_count(session, roles, now)
    await query.answer()
    await show(query, *orgs_reply(entries, callback_data.page, links))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(orgs_command, Command("orgs"))
    router.callback_query.register(orgs_page, OrgsPage.filter())
    return router
