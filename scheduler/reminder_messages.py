"""The text of a reminder, rendered at send time in the recipient's language.

One message carries everything due for one person at one scan: their own measures (what is
due, when, what document is expected), and, for heads and coordinators, the bodies whose
measures are late, with the count. A button per measure opens its card; beside each of the
person's own measures, a button starts a report on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.calendar import working_days_between
from handlers.measure_card import OpenMeasure
from handlers.reports import ReportStart
from scheduler.notifications import GetText, NGetText, Rendered, register
from scheduler.reminders import REMINDER_KIND

BUTTONS = 8
TITLE_LENGTH = 200
BUTTON_TITLE_LENGTH = 40


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _today(payload: Mapping[str, Any]) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(payload.get("timezone") or "UTC")).date()


def when(deadline: date, today: date, gettext: GetText, ngettext: NGetText) -> str:
    """ "in 7 days", "today", "overdue by 3 working days" — from the dates, not the point."""
    if deadline == today:
        return gettext("due today")
    if deadline > today:
        days = (deadline - today).days
        return ngettext("in {count} day", "in {count} days", days).format(count=days)
    overdue = max(-working_days_between(today, deadline), 1)
    return ngettext(
        "overdue by {count} working day", "overdue by {count} working days", overdue
    ).format(count=overdue)


@register(REMINDER_KIND)
def render_reminder(payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText) -> Rendered:
    today = _today(payload)
    own = [item for item in payload["items"] if item["audience"] == "executor"]
    late = [item for item in payload["items"] if item["audience"] != "executor"]
    lines: list[str] = []
    if own:
        lines.append(gettext("<b>Deadlines of your measures</b>"))
        for item in own:
            deadline = date.fromisoformat(item["deadline"])
            lines.append("")
            lines.append(
                f"• <b>{escape(item['number'])}</b> {escape(_short(item['title'], TITLE_LENGTH))}"
            )
            lines.append(
                gettext("Deadline: {deadline}, {when}").format(
                    deadline=deadline.strftime("%d.%m.%Y"),
                    when=when(deadline, today, gettext, ngettext),
                )
            )
            if item.get("result"):
                lines.append(
                    gettext("Expected document: {result}").format(
                        result=escape(_short(item["result"], TITLE_LENGTH))
                    )
                )
    if late:
        if lines:
            lines.append("")
        lines.append(gettext("<b>Overdue measures of the bodies</b>"))
        by_body: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for item in late:
            by_body[item["body"]].append(item)
        for body, items in by_body.items():
            numbers = ", ".join(escape(item["number"].rstrip(".")) for item in items)
            lines.append(
                ngettext(
                    "{body}: {count} measure is overdue ({numbers})",
                    "{body}: {count} measures are overdue ({numbers})",
                    len(items),
                ).format(body=escape(body), count=len(items), numbers=numbers)
            )
    if own:
        lines.append("")
        lines.append(gettext("Send /my to see all your measures."))
    # Own measures: the card and "Report" side by side; the bodies' late ones: the card.
    builder = InlineKeyboardBuilder()
    widths = []
    for item in (own + late)[:BUTTONS]:
        builder.button(
            text=f"{item['number']} {_short(item['title'], BUTTON_TITLE_LENGTH)}",
            callback_data=OpenMeasure(measure_id=item["measure_id"]),
        )
        if item["audience"] == "executor":
            builder.button(
                text=gettext("Report"), callback_data=ReportStart(measure_id=item["measure_id"])
            )
            widths.append(2)
        else:
            widths.append(1)
    builder.adjust(*widths)
    return "\n".join(lines), builder.as_markup()
