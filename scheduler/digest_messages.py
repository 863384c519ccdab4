"""A weekly digest as messages, rendered at send time in the coordinator's language.

Per plan a chart (status by body, deadlines by month: `bot.presentation.status_chart`), sent
as a photo before the text; then the text: the plan's summary as /summary says it (counts by
status, % done, the worst bodies: `bot.presentation.summary_view`) with a button opening the
whole summary, then what changed since the last digest (newly overdue, accepted, returned,
bodies with open measures and nobody registered), each a count and the first few items, the
measures with a button to their card. The message fits Telegram whatever the payload: fewer
bodies and items are named until it does; the compact form keeps the counts only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.calendar import time_zone
from bot.notification_kinds import (
    WEEKLY_DIGEST,
    DigestItem,
    DigestList,
    PlanDigest,
    WeeklyDigestNotice,
)
from bot.presentation.callbacks import OpenMeasure, SummaryPage, View
from bot.presentation.chart_payload import chart_from_json
from bot.presentation.fits import message_fits
from bot.presentation.status_chart import chart_caption, status_chart_png
from bot.presentation.summary_view import digest_summary_lines
from bot.presentation.text_limits import shorten
from scheduler.notifications import (
    Delivery,
    GetText,
    NGetText,
    Photo,
    Rendered,
    register,
    register_photos,
)

# (worst bodies of the summary, items named per list), fewer until the message fits.
ITEMS_SHOWN = ((5, 5), (3, 3), (0, 1), (0, 0))
TITLE_LENGTH = 120
PLAN_LENGTH = 150
BODY_LENGTH = 80
NUMBER_LENGTH = 20
BUTTON_TITLE_LENGTH = 40


def _measure_line(item: DigestItem, gettext: GetText) -> str:
    line = (
        f"• <b>{escape(shorten(item.number, NUMBER_LENGTH))}</b> "
        f"{escape(shorten(item.title, TITLE_LENGTH))}"
    )
    details = [escape(shorten(item.body, BODY_LENGTH))] if item.body else []
    if item.deadline is not None:
        details.append(gettext("deadline {date}").format(date=item.deadline.strftime("%d.%m.%Y")))
    return line + (" — " + ", ".join(details) if details else "")


def _body_line(item: DigestItem, ngettext: NGetText) -> str:
    count = ngettext("{count} open measure", "{count} open measures", item.count).format(
        count=item.count
    )
    return f"• {escape(shorten(item.body, BODY_LENGTH))} — {count}"


def _list_block(
    heading: str,
    listed: DigestList,
    shown: int,
    gettext: GetText,
    ngettext: NGetText,
    builder: InlineKeyboardBuilder | None,
) -> list[str]:
    lines = [f"{heading}: <b>{listed.count}</b>"]
    items = listed.items[:shown]
    for item in items:
        if item.measure_id is None:
            lines.append(_body_line(item, ngettext))
            continue
        lines.append(_measure_line(item, gettext))
        if builder is not None:
            builder.button(
                text=f"{shorten(item.number, NUMBER_LENGTH)} "
                f"{shorten(item.title, BUTTON_TITLE_LENGTH)}",
                callback_data=OpenMeasure(measure_id=item.measure_id),
            )
    if listed.count > len(items) and items:
        lines.append(gettext("and {count} more").format(count=listed.count - len(items)))
    return lines


def changes_lines(
    plan: PlanDigest,
    shown: int,
    gettext: GetText,
    ngettext: NGetText,
    builder: InlineKeyboardBuilder | None,
) -> list[str]:
    """What changed since the last digest; the bodies nobody answers for."""
    lists = [
        (gettext("⏰ Newly overdue"), plan.newly_overdue),
        (gettext("✅ Accepted"), plan.accepted),
        (gettext("↩️ Returned"), plan.returned),
    ]
    lines = [gettext("<i>Since the last digest:</i>")]
    changed = [(heading, listed) for heading, listed in lists if listed.count]
    for heading, listed in changed:
        lines += _list_block(heading, listed, shown, gettext, ngettext, builder)
    if not changed:
        lines.append(gettext("no overdue, accepted or returned measures."))
    if plan.unregistered.count:
        heading = gettext("👤 Bodies with open measures and nobody registered")
        lines += _list_block(heading, plan.unregistered, shown, gettext, ngettext, builder)
    return lines


def _period(notice: WeeklyDigestNotice) -> str:
    zone = time_zone(notice.timezone)
    start = notice.period_start or notice.period_end - timedelta(days=7)
    return (
        f"{start.astimezone(zone).strftime('%d.%m.%Y')}–"
        f"{notice.period_end.astimezone(zone).strftime('%d.%m.%Y')}"
    )


def _digest(
    notice: WeeklyDigestNotice,
    shown: tuple[int, int],
    gettext: GetText,
    ngettext: NGetText,
    compact: bool,
) -> Rendered:
    heading = gettext("📊 <b>Weekly digest</b>, {period}").format(period=_period(notice))
    if notice.parts > 1:
        heading += " " + gettext("(part {part} of {parts})").format(
            part=notice.part, parts=notice.parts
        )
    lines = [heading]
    builder = None if compact else InlineKeyboardBuilder()
    for plan in notice.plans:
        lines += ["", f"<b>{escape(shorten(plan.title, PLAN_LENGTH))}</b>"]
        bodies, items = (0, 0) if compact else shown
        worst = plan.bodies[:bodies]
        lines += digest_summary_lines(plan.status_counts, worst, plan.body_count, gettext, ngettext)
        if builder is not None:
            builder.button(
                text=gettext("📊 Summary: {plan}").format(
                    plan=shorten(plan.title, BUTTON_TITLE_LENGTH)
                ),
                callback_data=SummaryPage(view=View.PLAN, plan=plan.plan_id),
            )
        lines += ["", *changes_lines(plan, items, gettext, ngettext, builder)]
    if not notice.plans:
        lines.append(gettext("You coordinate no plans now."))
    markup: InlineKeyboardMarkup | None = None
    if builder is not None and list(builder.buttons):
        builder.adjust(1)
        markup = builder.as_markup()
    return "\n".join(lines), markup


@register(WEEKLY_DIGEST)
def render_weekly_digest(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = WeeklyDigestNotice.from_json(payload)
    if not delivery.compact:
        for shown in ITEMS_SHOWN:
            text, markup = _digest(notice, shown, gettext, ngettext, compact=False)
            if message_fits(text, markup):
                return text, markup
    return _digest(notice, (0, 0), gettext, ngettext, compact=True)


@register_photos(WEEKLY_DIGEST)
async def weekly_digest_charts(
    payload: Mapping[str, Any], gettext: GetText, delivery: Delivery
) -> list[Photo]:
    """The chart of each plan, drawn in a worker thread."""
    photos = []
    for plan in WeeklyDigestNotice.from_json(payload).plans:
        if plan.chart is None:
            continue
        chart = chart_from_json(plan.chart)
        photos.append(Photo(await status_chart_png(chart, gettext), chart_caption(chart, gettext)))
    return photos
