"""The measure card: what a measure is, when it is due, who answers for it, what happened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.measures import Group, HistoryEntry, MeasureCard, working_days_left

MAX_HISTORY = 15


class OpenMeasure(CallbackData, prefix="m"):
    measure_id: int
    back: str = ""  # the /my group to go back to, if opened from there
    page: int = 0


class MyList(CallbackData, prefix="my"):
    group: str
    page: int = 0


class CardAction(CallbackData, prefix="mc"):
    """A coordinator's action on the card: "show", "assign", "remove" or "deadline"."""

    action: str
    measure_id: int


def group_label(group: Group) -> str:
    return {
        Group.OVERDUE: _("Overdue"),
        Group.DUE_SOON: _("Due within 7 days"),
        Group.LATER: _("Later"),
        Group.UNDER_REVIEW: _("Under review"),
        Group.DONE: _("Done"),
    }[group]


def format_day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def deadline_line(card: MeasureCard, today: date) -> str:
    if card.deadline is None:
        text = escape(card.deadline_text) if card.deadline_text else _("not set")
        return _("Deadline: {deadline}").format(deadline=text)
    day = format_day(card.deadline)
    if card.done_on is not None:
        return _("Deadline: {deadline}").format(deadline=day)
    left = working_days_left(card.deadline, today)
    if card.deadline == today:
        note = _("today")
    elif card.deadline < today:
        overdue = max(-left, 1)
        note = _(
            "overdue by {count} working day",
            "overdue by {count} working days",
            overdue,
        ).format(count=overdue)
    else:
        note = _("{count} working day left", "{count} working days left", left).format(count=left)
    return _("Deadline: {deadline} ({note})").format(deadline=day, note=note)


def history_line(entry: HistoryEntry) -> str:
    day = format_day(entry.at.date())
    who = f" — {escape(entry.who)}" if entry.who else ""
    details = entry.details
    if entry.kind == "report_submitted":
        text = _("report sent")
        if details.get("comment"):
            text += f": {escape(str(details['comment']))}"
    elif entry.kind == "report_accepted":
        text = _("report accepted")
    elif entry.kind == "report_returned":
        text = _("report returned")
        if details.get("reason"):
            text += f": {escape(str(details['reason']))}"
    elif entry.kind.startswith("deadline_"):
        old = format_day(details["old"]) if details.get("old") else "—"  # type: ignore[arg-type]
        new = format_day(details["new"])  # type: ignore[arg-type]
        if entry.kind == "deadline_requested":
            text = _("new deadline requested: {old} → {new}").format(old=old, new=new)
        elif entry.kind == "deadline_rejected":
            text = _("new deadline refused: {old} → {new}").format(old=old, new=new)
        else:
            text = _("deadline moved: {old} → {new}").format(old=old, new=new)
        if details.get("reason") and details["reason"] != "import":
            text += f" ({escape(str(details['reason']))})"
        elif details.get("reason") == "import":
            text += " " + _("(new version of the plan)")
    else:
        text = escape(entry.kind)
    return f"• {day}{who}: {text}"


def render_card(card: MeasureCard, today: date, organization_ids: frozenset[int] | None) -> str:
    lines = [f"<b>{escape(card.number)}</b> {escape(card.title)}", ""]
    lines.append(_("Plan: {title}").format(title=escape(card.plan_title)))
    if card.section:
        lines.append(_("Section: {title}").format(title=escape(card.section)))
    lines.append(deadline_line(card, today))
    executors = []
    for executor in card.executors:
        name = escape(executor.name)
        if executor.short_name and executor.short_name != executor.name:
            name += f" ({escape(executor.short_name)})"
        marks = []
        if executor.is_lead:
            marks.append(_("lead"))
        if executor.by_agreement:
            marks.append(_("by agreement"))
        if executor.named_person:
            marks.append(escape(executor.named_person))
        executors.append(name + (f" — {', '.join(marks)}" if marks else ""))
    if executors:
        lines.append(_("Executors:") + "\n" + "\n".join(f"• {line}" for line in executors))
    else:
        lines.append(_("Executors: none assigned"))
    if card.result:
        lines.append(_("Expected document: {result}").format(result=escape(card.result)))
    status = group_label(card.group_for(organization_ids, today))
    if card.removed:
        status = _("removed from the plan")
    lines.append(_("Status: {status}").format(status=status))
    if card.history:
        lines.append("")
        lines.append(_("History:"))
        lines.extend(history_line(entry) for entry in card.history[-MAX_HISTORY:])
    return "\n".join(lines)


def card_keyboard(
    back: str,
    page: int,
    *,
    measure_id: int | None = None,
    can_coordinate: bool = False,
    report_buttons: Sequence[tuple[str, CallbackData]] = (),
) -> InlineKeyboardMarkup | None:
    """Back to the /my list when opened from there; a coordinator of the measure's plan also
    gets its actions (`can_coordinate`, decided by the caller from the person's roles);
    `report_buttons` (to report, to open a report) come first, one per row."""
    builder = InlineKeyboardBuilder()
    rows: list[int] = []
    for text, callback_data in report_buttons:
        builder.button(text=text, callback_data=callback_data)
        rows.append(1)
    if can_coordinate and measure_id is not None:
        builder.button(
            text=_("Assign a body"),
            callback_data=CardAction(action="assign", measure_id=measure_id),
        )
        builder.button(
            text=_("Remove a body"),
            callback_data=CardAction(action="remove", measure_id=measure_id),
        )
        builder.button(
            text=_("Change the deadline"),
            callback_data=CardAction(action="deadline", measure_id=measure_id),
        )
        rows += [2, 1]
    if back:
        builder.button(text=_("« Back to the list"), callback_data=MyList(group=back, page=page))
        rows.append(1)
    if not rows:
        return None
    builder.adjust(*rows)
    return builder.as_markup()
