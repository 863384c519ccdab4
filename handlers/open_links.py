"""/orgs → "Open links": the open invitation links of the coordinator's bodies, body by body,
with uses left and the last day, and a Revoke button for each link the person may revoke."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import invitations
from bot.access import Roles
from bot.calendar import time_zone
from bot.clock import timezone_of
from bot.config import Settings
from bot.open_links import OpenLink, open_links
from bot.presentation.text_limits import page_of, shorten
from handlers.confirmations import markup_of
from handlers.replies import page_buttons, page_label, show
from models.tables import Official, Role

LINKS_PAGE = 10
NAME_LENGTH = 80


class OrgsLinks(CallbackData, prefix="orgl"):
    page: int


class OrgsLinkRevoke(CallbackData, prefix="orglx"):
    invitation_id: int
    page: int


def link_line(number: int, link: OpenLink, timezone: str) -> str:
    role = _("official") if link.role is Role.OFFICIAL else _("head")
    until = link.expires_at.astimezone(time_zone(timezone)).strftime("%d.%m.%Y")
    return _("{number}. {body} — {role}: uses left {uses}, until {date}").format(
        number=number,
        body=escape(shorten(link.body, NAME_LENGTH)),
        role=role,
        uses=link.uses_left,
        date=until,
    )


def links_reply(
    links: Sequence[OpenLink], page: int, timezone: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not links:
        return _("No invitation link of your bodies is open."), None
    shown = page_of(links, page, LINKS_PAGE)
    first = shown.page * LINKS_PAGE + 1
    lines = [
        _("<b>Open invitation links</b>: {count}.").format(count=len(links)) + page_label(shown),
        "",
    ]
    builder = InlineKeyboardBuilder()
    revocable = 0
    for number, link in enumerate(shown.items, start=first):
        lines.append(link_line(number, link, timezone))
        if link.revocable:
            revocable += 1
            builder.button(
                text=_("Revoke {number}").format(number=number),
                callback_data=OrgsLinkRevoke(invitation_id=link.invitation_id, page=shown.page),
            )
    navigation = page_buttons(builder, shown, lambda number: OrgsLinks(page=number))
    sizes = [5] * (revocable // 5) + [revocable % 5] + [navigation]
    builder.adjust(*[size for size in sizes if size] or [1])
    return "\n".join(lines), markup_of(builder)


async def _show_links(
    query: CallbackQuery,
    page: int,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    links = await open_links(session, roles, person_id=official.id, now=now)
    timezone = await timezone_of(session, official, settings.default_timezone)
    await show(query, *links_reply(links, page, timezone))


async def links_page(
    query: CallbackQuery,
    callback_data: OrgsLinks,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    await query.answer()
    await _show_links(query, callback_data.page, session, roles, official, settings, now)


async def revoke_pressed(
    query: CallbackQuery,
    callback_data: OrgsLinkRevoke,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    settings: Settings,
    now: datetime,
) -> None:
    revoked = await invitations.revoke_invitation(
        session, roles, actor_id=official.id, invitation_id=callback_data.invitation_id, now=now
    )
    await query.answer(_("Revoked.") if revoked else _("This invitation is revoked already."))
    await _show_links(query, callback_data.page, session, roles, official, settings, now)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(links_page, OrgsLinks.filter())
    router.callback_query.register(revoke_pressed, OrgsLinkRevoke.filter())
    return router
