"""Messages about a body's successor (bot.successors), rendered at send time in the recipient's
language: the question to the old body's people, and a «no» told to the coordinators."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from bot.notification_kinds import (
    SUCCESSOR_DECLINED,
    SUCCESSOR_QUESTION,
    SuccessorDeclinedNotice,
    SuccessorQuestionNotice,
)
from bot.presentation.deadline_wording import format_day
from bot.presentation.successor_keyboards import successor_keyboard
from bot.presentation.text_limits import shorten
from scheduler.notifications import Delivery, GetText, NGetText, Rendered, register

NAME_LENGTH = 300


def _name(value: str) -> str:
    return escape(shorten(value or "—", NAME_LENGTH))


@register(SUCCESSOR_QUESTION)
def render_successor_question(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = SuccessorQuestionNotice.from_json(payload)
    since = format_day(notice.since) if notice.since is not None else "—"
    text = gettext(
        "From {since}, the measures of «{body}» are passed to its successor, «{successor}»."
    ).format(since=since, body=_name(notice.body), successor=_name(notice.successor))
    count = ngettext(
        "{count} measure in force was passed.",
        "{count} measures in force were passed.",
        notice.measures,
    ).format(count=notice.measures)
    question = gettext("Do you now work in «{successor}»?").format(
        successor=_name(notice.successor)
    )
    lines = [text, count] if notice.measures else [text]
    return "\n".join([*lines, "", question]), successor_keyboard(gettext, notice.body_id)


@register(SUCCESSOR_DECLINED)
def render_successor_declined(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = SuccessorDeclinedNotice.from_json(payload)
    since = format_day(notice.since) if notice.since is not None else "—"
    text = gettext(
        "{person} answered that they do not work in «{successor}», to which the measures of "
        "«{body}» passed on {since}. They stay registered with «{body}»; check who answers "
        "for «{successor}» in /officials."
    )
    return (
        text.format(
            person=_name(notice.person),
            successor=_name(notice.successor),
            body=_name(notice.body),
            since=since,
        ),
        None,
    )
