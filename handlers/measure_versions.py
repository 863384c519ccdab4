"""The card's "Earlier wordings": a measure's earlier wordings and deadlines, each with the
order (or the loaded file) that replaced it, latest first, a few to a page."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.measure_versions import EarlierWording, earlier_wordings
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.paging import page_row
from bot.presentation.text_limits import page_of, shorten
from handlers.measure_card import CardVersions, format_day, version_phrase
from handlers.replies import show

# A page: 5 entries × (an old text of 600 + the order's words ~120) and the heading fit a
# message (4,096) by construction.
VERSIONS_PAGE = 5
OLD_TEXT_LENGTH = 600
HEADING_LENGTH = 200


def _field_name(field: str) -> str:
    if field == "title":
        return _("wording")
    if field == "result":
        return _("expected document")
    return _("deadline")


def _old_text(entry: EarlierWording) -> str:
    if entry.old_day is not None:
        return format_day(entry.old_day)
    return escape(shorten(str(entry.old or "—"), OLD_TEXT_LENGTH))


def version_entry(entry: EarlierWording) -> str:
    return _("• {day} · {field} before the change: «{old}» — {version}").format(
        day=format_day(entry.at.date()),
        field=_field_name(entry.field),
        old=_old_text(entry),
        version=version_phrase(entry.version),
    )


async def show_versions(
    query: CallbackQuery, callback_data: CardVersions, session: AsyncSession, roles: Roles
) -> None:
    card, entries = await earlier_wordings(session, roles, callback_data.measure_id)
    page = page_of(entries, callback_data.page, VERSIONS_PAGE)
    heading = _("Earlier wordings of measure {number} {title}").format(
        number=escape(shorten(card.number, 30)), title=escape(shorten(card.title, HEADING_LENGTH))
    )
    lines = [f"<b>{heading}</b>", ""]
    lines.extend(version_entry(entry) for entry in page.items)
    if not entries:
        lines.append(_("The measure has kept its first wording."))
    rows = [
        page_row(page, lambda number: CardVersions(measure_id=card.measure_id, page=number)),
        [
            InlineKeyboardButton(
                text=_("« Back to the measure"),
                callback_data=OpenMeasure(measure_id=card.measure_id).pack(),
            )
        ],
    ]
    await query.answer()
    await show(
        query, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[r for r in rows if r])
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(show_versions, CardVersions.filter())
    return router
