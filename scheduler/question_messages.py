"""Messages about an official's questions and "not ours" claims, rendered at send time in the
recipient's language.

"measure_question" goes to the plan's coordinators: the measure's context (number, shortened
title, deadline, body, who asks), what was written, and the buttons to answer (a question) or
to pass the measure to another body or keep it (a claim). "question_answered" goes to the
official: their question quoted and the answer, or what became of their claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import today_in
from bot.notification_kinds import (
    MEASURE_QUESTION,
    QUESTION_ANSWERED,
    MeasureQuestionNotice,
    QuestionAnsweredNotice,
)
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.deadline_wording import deadline_phrase
from bot.presentation.question_keyboards import question_keyboard
from bot.presentation.text_limits import shorten
from scheduler.notifications import Delivery, GetText, NGetText, Rendered, register

# Every field is shortened, so a message fits whatever people typed (the question and the
# answer are at most 2,000 characters each); the compact form cuts the free text short.
TITLE_LENGTH = 200
NAME_LENGTH = 150
TEXT_LENGTH = 2000
QUOTE_LENGTH = 1000
COMPACT_TEXT_LENGTH = 300


def _field(value: str, limit: int) -> str:
    return escape(shorten(value or "—", limit))


@register(MEASURE_QUESTION)
def render_measure_question(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = MeasureQuestionNotice.from_json(payload)
    claim = notice.kind == "not_ours"
    if claim:
        heading = gettext("🚫 <b>Not our measure</b>, says «{body}»")
    else:
        heading = gettext("❓ <b>A question on a measure</b> from «{body}»")
    lines = [
        heading.format(body=_field(notice.body, NAME_LENGTH)),
        f"<b>{_field(notice.number, NAME_LENGTH)}</b> {_field(notice.title, TITLE_LENGTH)}",
    ]
    if notice.deadline is not None:
        today = today_in(notice.timezone, delivery.now)
        phrase = deadline_phrase(notice.deadline, today, gettext, ngettext)
        lines.append(phrase[:1].upper() + phrase[1:])
    lines.append(gettext("Plan: {title}").format(title=_field(notice.plan, NAME_LENGTH)))
    lines.append(gettext("Asked by {person}").format(person=_field(notice.person, NAME_LENGTH)))
    limit = COMPACT_TEXT_LENGTH if delivery.compact else TEXT_LENGTH
    label = gettext("Reason:") if claim else gettext("Question:")
    lines.append(f"{label}\n<blockquote>{_field(notice.text, limit)}</blockquote>")
    keyboard = question_keyboard(gettext, notice.question_id, notice.measure_id, claim=claim)
    return "\n".join(lines), keyboard


@register(QUESTION_ANSWERED)
def render_question_answered(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = QuestionAnsweredNotice.from_json(payload)
    values = {
        "number": _field(notice.number, NAME_LENGTH),
        "title": _field(notice.title, TITLE_LENGTH),
        "body": _field(notice.body, NAME_LENGTH),
        "coordinator": _field(notice.coordinator, NAME_LENGTH),
        "new_body": _field(notice.new_body, NAME_LENGTH),
    }
    if notice.kind != "not_ours":
        heading = gettext(
            "💬 {coordinator} answered your question on measure <b>{number}</b> {title}"
        )
    elif notice.outcome == "reassigned":
        heading = gettext(
            "✅ Measure <b>{number}</b> {title} passed from «{body}» to «{new_body}» (decided by"
            " {coordinator})."
        )
    else:
        heading = gettext(
            "↩️ Measure <b>{number}</b> {title} stays with «{body}» (decided by {coordinator})."
        )
    quote = COMPACT_TEXT_LENGTH if delivery.compact else QUOTE_LENGTH
    label = gettext("Your reason:") if notice.kind == "not_ours" else gettext("Your question:")
    lines = [
        heading.format(**values),
        f"{label}\n<blockquote>{_field(notice.question, quote)}</blockquote>",
    ]
    if notice.outcome == "reassigned":
        # The measure is no longer the body's: its card is not theirs to open.
        return "\n".join(lines), None
    limit = COMPACT_TEXT_LENGTH if delivery.compact else TEXT_LENGTH
    lines.append(gettext("Answer:") + f"\n{_field(notice.answer, limit)}")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=gettext("Measure card"),
                    callback_data=OpenMeasure(measure_id=notice.measure_id).pack(),
                )
            ]
        ]
    )
    return "\n".join(lines), keyboard
