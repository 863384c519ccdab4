"""Messages about reports, rendered at send time in the recipient's language.

"report_submitted" goes to the plan's coordinators: what was reported, by whom, with the
buttons to see the documents, accept or return. "report_reviewed" goes to the report's author:
accepted, or returned with the reason and a button to report again.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.reports import REPORT_REVIEWED_KIND, REPORT_SUBMITTED_KIND
from handlers.measure_card import OpenMeasure
from handlers.replies import shorten
from handlers.reports import OpenReport, ReportFiles, ReportStart, ReviewReport
from scheduler.notifications import GetText, NGetText, Rendered, register

TITLE_LENGTH = 200


@register(REPORT_SUBMITTED_KIND)
def render_report_submitted(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText
) -> Rendered:
    report_id = int(payload["report_id"])
    count = int(payload.get("documents") or 0)
    lines = [
        gettext("📥 <b>A report for review</b>"),
        f"<b>{escape(str(payload['number']))}</b> "
        f"{escape(shorten(str(payload['title']), TITLE_LENGTH))}",
        gettext("Body: {body}").format(body=escape(str(payload.get("body") or "—"))),
        gettext("Sent by {person}").format(person=escape(str(payload.get("person") or "—"))),
    ]
    if payload.get("comment"):
        lines.append(gettext("Comment: {comment}").format(comment=escape(str(payload["comment"]))))
    lines.append(
        ngettext("{count} document attached", "{count} documents attached", count).format(
            count=count
        )
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=gettext("Documents ({count})").format(count=count),
        callback_data=ReportFiles(report_id=report_id),
    )
    builder.button(
        text=gettext("Accept"), callback_data=ReviewReport(action="accept", report_id=report_id)
    )
    builder.button(
        text=gettext("Return"), callback_data=ReviewReport(action="return", report_id=report_id)
    )
    builder.button(text=gettext("Open the report"), callback_data=OpenReport(report_id=report_id))
    builder.adjust(1, 2, 1)
    return "\n".join(lines), builder.as_markup()


@register(REPORT_REVIEWED_KIND)
def render_report_reviewed(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText
) -> Rendered:
    number = escape(str(payload["number"]))
    title = escape(shorten(str(payload["title"]), TITLE_LENGTH))
    body = escape(str(payload.get("body") or "—"))
    reviewer = escape(str(payload.get("reviewer") or "—"))
    measure_id = int(payload["measure_id"])
    builder = InlineKeyboardBuilder()
    if payload.get("accepted"):
        text = gettext(
            "✅ Your report on measure <b>{number}</b> {title} ({body}) is accepted by {reviewer}."
        ).format(number=number, title=title, body=body, reviewer=reviewer)
        if payload.get("measure_done"):
            text += " " + gettext("The measure is done.")
    else:
        text = gettext(
            "↩️ Your report on measure <b>{number}</b> {title} ({body}) is returned by {reviewer}."
            "\nReason: {reason}\nPlease correct it and report again."
        ).format(
            number=number,
            title=title,
            body=body,
            reviewer=reviewer,
            reason=escape(str(payload.get("reason") or "—")),
        )
        builder.button(text=gettext("Report"), callback_data=ReportStart(measure_id=measure_id))
    builder.button(text=gettext("Measure card"), callback_data=OpenMeasure(measure_id=measure_id))
    builder.adjust(1)
    return text, builder.as_markup()
