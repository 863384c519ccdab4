"""Messages of deadline requests and announced changes, rendered at send time in the
recipient's language.

"deadline_requested" goes to the plan's coordinators with the measure's context and Approve /
Decline; "deadline_decided" to the official who asked; "measures_changed" to the people of the
bodies concerned by a change set, one part of at most `MEASURES_PER_MESSAGE` measures each.
Every field is shortened, so each message fits whatever people typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.change_notices import (
    DEADLINE_DECIDED,
    DEADLINE_REQUESTED,
    MEASURES_CHANGED,
    ChangedMeasure,
    ChangeKind,
    DeadlineDecidedNotice,
    DeadlineRequestedNotice,
    MeasureChangeNote,
    MeasuresChangedNotice,
)
from bot.presentation.callbacks import OpenMeasure
from bot.presentation.deadline_requests import DeadlineDecision, Decision
from bot.presentation.deadline_wording import format_day
from bot.presentation.text_limits import BUTTON_TEXT_LIMIT, fits_message, shorten
from scheduler.notifications import Delivery, GetText, NGetText, Rendered, register

NUMBER_LENGTH = 20
TITLE_LENGTH = 200
NAME_LENGTH = 150
REASON_LENGTH = 1500
# How a part of "measures changed" is shortened until it fits: (title length, changes shown
# per measure, body name length). The last level fits by construction: a part holds at most
# bot.change_announcements.MEASURES_PER_MESSAGE (40) measures, each one line of at most ~90
# characters (a number, and its first change), under one plan's name.
CHANGED_LEVELS = ((150, 4, 100), (80, 2, 60), (40, 1, 40), (0, 1, 30))
# Measures of a part with a button to their card (the rest are in /my).
CHANGED_BUTTONS = 10


def _field(value: str, limit: int) -> str:
    return escape(shorten(value or "—", limit))


def _day(value: Any) -> str:
    return format_day(value) if value else "—"


def _card_button(gettext: GetText, measure_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=gettext("Measure card"), callback_data=OpenMeasure(measure_id=measure_id).pack()
    )


@register(DEADLINE_REQUESTED)
def render_deadline_requested(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = DeadlineRequestedNotice.from_json(payload)
    lines = [
        gettext("🗓 <b>A request to move a deadline</b>"),
        f"<b>{_field(notice.number, NUMBER_LENGTH)}</b> {_field(notice.title, TITLE_LENGTH)}",
        gettext("Plan: {plan}").format(plan=_field(notice.plan, NAME_LENGTH)),
        gettext("Body: {body}").format(body=_field(notice.body, NAME_LENGTH)),
        gettext("Asked by {person}").format(person=_field(notice.person, NAME_LENGTH)),
        gettext("Deadline: {old} → asked: <b>{new}</b>").format(
            old=_day(notice.deadline), new=_day(notice.requested)
        ),
    ]
    if not delivery.compact:
        lines.append(
            gettext("Reason: {reason}").format(reason=_field(notice.reason, REASON_LENGTH))
        )

    def decision(text: str, action: Decision) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=text,
            callback_data=DeadlineDecision(action=action, change_id=notice.change_id).pack(),
        )

    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                decision(gettext("Approve"), Decision.APPROVE),
                decision(gettext("Decline"), Decision.DECLINE),
            ],
            [_card_button(gettext, notice.measure_id)],
        ]
    )
    return "\n".join(lines), keyboard


@register(DEADLINE_DECIDED)
def render_deadline_decided(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = DeadlineDecidedNotice.from_json(payload)
    values = {
        "number": _field(notice.number, NUMBER_LENGTH),
        "title": _field(notice.title, TITLE_LENGTH),
        "day": _day(notice.requested),
        "coordinator": _field(notice.coordinator, NAME_LENGTH),
    }
    if notice.approved:
        text = gettext(
            "✅ The new deadline of measure <b>{number}</b> {title} is approved by "
            "{coordinator}: <b>{day}</b>. Reminders now follow the new deadline."
        ).format(**values)
    else:
        text = gettext(
            "↩️ The request to move the deadline of measure <b>{number}</b> {title} to {day} "
            "is declined by {coordinator}.\nReason: {reason}\nThe deadline stays as it was."
        ).format(**values, reason=_field(notice.reason, 200 if delivery.compact else REASON_LENGTH))
    return text, InlineKeyboardMarkup(inline_keyboard=[[_card_button(gettext, notice.measure_id)]])


def change_text(note: MeasureChangeNote, gettext: GetText, body_length: int) -> str:
    body = _field(note.body, body_length)
    texts = {
        ChangeKind.DEADLINE: lambda: gettext("deadline: {old} → {new}").format(
            old=_day(note.old), new=_day(note.new)
        ),
        ChangeKind.WORDING: lambda: gettext("the wording (title or expected result) is changed"),
        ChangeKind.BODY_ADDED: lambda: gettext("executor added: {body}").format(body=body),
        ChangeKind.BODY_REMOVED: lambda: gettext("executor removed: {body}").format(body=body),
        ChangeKind.INCLUDED: lambda: gettext("included in the plan, deadline {day}").format(
            day=_day(note.new)
        ),
        ChangeKind.EXCLUDED: lambda: gettext("excluded from the plan"),
    }
    return texts[note.kind]()


def _changed_measure(
    measure: ChangedMeasure, gettext: GetText, ngettext: NGetText, level: tuple[int, int, int]
) -> str:
    title_length, shown, body_length = level
    number = f"• <b>{_field(measure.number, NUMBER_LENGTH)}</b>"
    changes = [change_text(note, gettext, body_length) for note in measure.changes[:shown]]
    if not title_length:  # the shortest form: the number and its first change, on one line
        return f"{number} — {changes[0]}" if changes else number
    lines = [f"{number} {_field(measure.title, title_length)}"]
    lines += [f"  — {change}" for change in changes]
    if len(measure.changes) > shown:
        more = len(measure.changes) - shown
        lines.append(
            "  — "
            + ngettext("and {count} more change", "and {count} more changes", more).format(
                count=more
            )
        )
    return "\n".join(lines)


@register(MEASURES_CHANGED)
def render_measures_changed(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = MeasuresChangedNotice.from_json(payload)
    heading = ngettext(
        "✏️ <b>Changes concerning your body: {count} measure</b>",
        "✏️ <b>Changes concerning your body: {count} measures</b>",
        notice.total,
    ).format(count=notice.total)
    if notice.parts > 1:
        heading += " " + gettext("(part {part} of {parts})").format(
            part=notice.part, parts=notice.parts
        )
    builder = InlineKeyboardBuilder()
    for measure in notice.measures[:CHANGED_BUTTONS]:
        builder.button(
            text=shorten(f"{measure.number} {measure.title}", BUTTON_TEXT_LIMIT),
            callback_data=OpenMeasure(measure_id=measure.measure_id),
        )
    builder.adjust(1)
    keyboard = builder.as_markup() if notice.measures else None
    compact = heading + "\n" + gettext("Open /my to see your measures.")
    if delivery.compact:
        return compact, keyboard
    for level in CHANGED_LEVELS:
        lines = [heading]
        plan = None
        for measure in notice.measures:
            if measure.plan != plan:
                plan = measure.plan
                lines += ["", gettext("Plan: {plan}").format(plan=_field(plan, NAME_LENGTH))]
            lines.append(_changed_measure(measure, gettext, ngettext, level))
        text = "\n".join(lines)
        if fits_message(text):
            return text, keyboard
    return compact, keyboard
