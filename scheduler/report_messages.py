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

from bot.presentation.callbacks import OpenMeasure
from bot.presentation.report_keyboards import OpenReport, ReportStart, report_keyboard
from bot.presentation.text_limits import shorten
from bot.report_notifications import REPORT_REVIEWED_KIND, REPORT_SUBMITTED_KIND
from scheduler.notifications import Delivery, GetText, NGetText, Rendered, register

# Every field is shortened, so a message fits whatever people typed; the report and the card
# show the whole. The compact form (after a refusal) leaves the free text out.
TITLE_LENGTH = 200
NAME_LENGTH = 150
COMMENT_LENGTH = 1500


def _field(payload: Mapping[str, Any], key: str, limit: int) -> str:
    return escape(shorten(str(payload.get(key) or "—"), limit))


@register(REPORT_SUBMITTED_KIND)
def render_report_submitted(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    report_id = int(payload["report_id"])
    count = int(payload.get("documents") or 0)
    lines = [
        gettext("📥 <b>A report for review</b>"),
        f"<b>{_field(payload, 'number', NAME_LENGTH)}</b> {_field(payload, 'title', TITLE_LENGTH)}",
        gettext("Body: {body}").format(body=_field(payload, "body", NAME_LENGTH)),
        gettext("Sent by {person}").format(person=_field(payload, "person", NAME_LENGTH)),
    ]
    if payload.get("comment") and not delivery.compact:
        lines.append(
            gettext("Comment: {comment}").format(comment=_field(payload, "comment", COMMENT_LENGTH))
        )
    lines.append(
        ngettext("{count} document attached", "{count} documents attached", count).format(
            count=count
        )
    )
    keyboard = report_keyboard(
        gettext,
        report_id,
        documents=count,
        reviewable=True,
        last=(gettext("Open the report"), OpenReport(report_id=report_id)),
    )
    return "\n".join(lines), keyboard


@register(REPORT_REVIEWED_KIND)
def render_report_reviewed(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    number = _field(payload, "number", NAME_LENGTH)
    title = _field(payload, "title", TITLE_LENGTH)
    body = _field(payload, "body", NAME_LENGTH)
    reviewer = _field(payload, "reviewer", NAME_LENGTH)
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
            reason=_field(payload, "reason", 200 if delivery.compact else COMMENT_LENGTH),
        )
        builder.button(text=gettext("Report"), callback_data=ReportStart(measure_id=measure_id))
    builder.button(text=gettext("Measure card"), callback_data=OpenMeasure(measure_id=measure_id))
    builder.adjust(1)
    return text, builder.as_markup()
