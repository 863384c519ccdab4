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

from bot.evidence import Requisites
from bot.evidence_wording import requisites_text
from bot.notification_kinds import (
    REPORT_REVIEWED,
    REPORT_SUBMITTED,
    ReportReviewedNotice,
    ReportSubmittedNotice,
)
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.report_keyboards import OpenReport, ReportStart, report_keyboard
from bot.presentation.text_limits import shorten
from scheduler.notifications import Delivery, GetText, NGetText, Rendered, register

# Every field is shortened, so a message fits whatever people typed; the report and the card
# show the whole. The compact form (after a refusal) leaves the free text out.
TITLE_LENGTH = 200
NAME_LENGTH = 150
COMMENT_LENGTH = 1500


def _field(value: str, limit: int) -> str:
    return escape(shorten(value or "—", limit))


@register(REPORT_SUBMITTED)
def render_report_submitted(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = ReportSubmittedNotice.from_json(payload)
    report_id = notice.report_id
    count = notice.documents
    lines = [
        gettext("📥 <b>A report for review</b>"),
        f"<b>{_field(notice.number, NAME_LENGTH)}</b> {_field(notice.title, TITLE_LENGTH)}",
        gettext("Body: {body}").format(body=_field(notice.body, NAME_LENGTH)),
        gettext("Sent by {person}").format(person=_field(notice.person, NAME_LENGTH)),
    ]
    requisites = Requisites.from_dict(notice.requisites)
    if requisites is not None:
        lines.append(
            gettext("Requisites: {requisites}").format(
                requisites=requisites_text(requisites, gettext)
            )
        )
    if notice.comment and not delivery.compact:
        lines.append(
            gettext("Comment: {comment}").format(comment=_field(notice.comment, COMMENT_LENGTH))
        )
    if count:
        lines.append(
            ngettext("{count} document attached", "{count} documents attached", count).format(
                count=count
            )
        )
    else:
        lines.append(gettext("No file: the plan accepts the requisites without one."))
    keyboard = report_keyboard(
        gettext,
        report_id,
        documents=count,
        reviewable=True,
        last=(gettext("Open the report"), OpenReport(report_id=report_id)),
    )
    return "\n".join(lines), keyboard


@register(REPORT_REVIEWED)
def render_report_reviewed(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = ReportReviewedNotice.from_json(payload)
    number = _field(notice.number, NAME_LENGTH)
    title = _field(notice.title, TITLE_LENGTH)
    body = _field(notice.body, NAME_LENGTH)
    reviewer = _field(notice.reviewer, NAME_LENGTH)
    measure_id = notice.measure_id
    builder = InlineKeyboardBuilder()
    if notice.accepted:
        text = gettext(
            "✅ Your report on measure <b>{number}</b> {title} ({body}) is accepted by {reviewer}."
        ).format(number=number, title=title, body=body, reviewer=reviewer)
        if notice.measure_done:
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
            reason=_field(notice.reason, 200 if delivery.compact else COMMENT_LENGTH),
        )
        builder.button(text=gettext("Report"), callback_data=ReportStart(measure_id=measure_id))
    builder.button(text=gettext("Measure card"), callback_data=OpenMeasure(measure_id=measure_id))
    builder.adjust(1)
    return text, builder.as_markup()
