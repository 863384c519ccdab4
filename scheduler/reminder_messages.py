"""The text of a reminder, rendered at send time in the recipient's language.

One message carries everything due for one person at one scan, as a digest that fits
Telegram whatever the number of measures:

* their own measures: counts by urgency (overdue, due today, coming), the most urgent few in
  full (number, title, deadline, expected document), each with a button to its card and one
  to report on it, then "and N more" and a button to the complete list;
* for heads and coordinators, the bodies whose measures are late: counts per body, the worst
  first and a few of them, then "and N more bodies" and a button to the complete list.

The complete lists (handlers.due_lists) are read from the database when the button is pressed.
The compact form (`Delivery.compact`, after a refusal) keeps the counts and the buttons to the
lists only.

To coordinators, the executors' reminders that had no one to go to (kind NOBODY_TO_REMIND):
the bodies with nobody registered, the soonest deadline first, each with its measures counted,
the first few numbered and the nearest deadline, then "and N more bodies"; fewer are named
until it fits, down to the counts alone.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import today_in
from bot.due_lists import DueList
from bot.notification_kinds import NOBODY_TO_REMIND, REMINDER, ReminderItem, ReminderNotice
from bot.presentation.callbacks import DueListPage, OpenMeasure
from bot.presentation.deadline_wording import deadline_note, deadline_phrase, format_day
from bot.presentation.official_requests import official_request_rows
from bot.presentation.report_keyboards import ReportStart
from bot.presentation.text_limits import fits_message, shorten
from scheduler.notifications import Delivery, GetText, NGetText, Rendered, register

# The most urgent measures shown in full, and the bodies named in an escalation.
DIGEST_ITEMS = 5
DIGEST_BODIES = 5
NUMBER_LENGTH = 20
TITLE_LENGTH = 200
RESULT_LENGTH = 150
BODY_LENGTH = 100
BUTTON_TITLE_LENGTH = 40


class Urgency(enum.Enum):
    OVERDUE = 0
    TODAY = 1
    COMING = 2


def urgency(deadline: date, today: date) -> Urgency:
    if deadline < today:
        return Urgency.OVERDUE
    return Urgency.TODAY if deadline == today else Urgency.COMING


def _number_order(number: str) -> list[str | int]:
    """ "2.10." after "2.9.": the digits compared as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", number)]


def _by_urgency(items: Sequence[ReminderItem]) -> list[ReminderItem]:
    """The earliest deadline (the longest overdue) first, then in the plan's order."""
    return sorted(items, key=lambda item: (item.deadline, _number_order(item.number)))


def _counts_line(items: Sequence[ReminderItem], today: date, gettext: GetText) -> str:
    counts = Counter(urgency(item.deadline, today) for item in items)
    labels = {
        Urgency.OVERDUE: gettext("overdue: {count}"),
        Urgency.TODAY: gettext("due today: {count}"),
        Urgency.COMING: gettext("coming: {count}"),
    }
    return " · ".join(
        labels[level].format(count=counts[level]) for level in Urgency if counts[level]
    )


def _own_item(item: ReminderItem, today: date, gettext: GetText, ngettext: NGetText) -> str:
    phrase = deadline_phrase(item.deadline, today, gettext, ngettext)
    lines = [
        f"• <b>{escape(shorten(item.number, NUMBER_LENGTH))}</b> "
        f"{escape(shorten(item.title, TITLE_LENGTH))}",
        phrase[:1].upper() + phrase[1:],
    ]
    if item.result:
        lines.append(
            gettext("Expected document: {result}").format(
                result=escape(shorten(item.result, RESULT_LENGTH))
            )
        )
    return "\n".join(lines)


def _bodies_worst_first(items: Sequence[ReminderItem]) -> list[tuple[str, int]]:
    """(body, count of its late measures), the most late measures first, then the oldest."""
    counts: Counter[str] = Counter()
    oldest: dict[str, date] = {}
    for item in items:
        body = item.body or "—"
        counts[body] += 1
        oldest[body] = min(oldest.get(body, item.deadline), item.deadline)
    return sorted(counts.items(), key=lambda entry: (-entry[1], oldest[entry[0]], entry[0]))


def _digest(
    own: Sequence[ReminderItem],
    late: Sequence[ReminderItem],
    today: date,
    gettext: GetText,
    ngettext: NGetText,
    shown: int,
) -> Rendered:
    """The digest with at most `shown` measures and `shown` bodies in full."""
    sections: list[str] = []
    builder = InlineKeyboardBuilder()
    rows: list[int] = []  # buttons per keyboard row
    if own:
        sections.append(_own_section(own, today, gettext, ngettext, shown, builder, rows))
    if late:
        sections.append(_late_section(late, gettext, ngettext, shown, builder, rows))
    builder.adjust(*rows)
    markup: InlineKeyboardMarkup | None = builder.as_markup() if rows else None
    return "\n\n".join(sections), markup


def _own_section(
    own: Sequence[ReminderItem],
    today: date,
    gettext: GetText,
    ngettext: NGetText,
    shown: int,
    builder: InlineKeyboardBuilder,
    rows: list[int],
) -> str:
    """The person's own measures: counts, `shown` of them in full with their card and Report
    buttons, the requests to the coordinators (a new deadline, a question, "not ours") for the
    most urgent one, and a button to the complete list (added to `builder` and `rows`)."""
    lines = [
        gettext("<b>Deadlines of your measures</b>") + f": {len(own)}",
        _counts_line(own, today, gettext),
    ]
    for item in own[:shown]:
        lines += ["", _own_item(item, today, gettext, ngettext)]
        builder.button(
            text=f"{shorten(item.number, NUMBER_LENGTH)} "
            f"{shorten(item.title, BUTTON_TITLE_LENGTH)}",
            callback_data=OpenMeasure(measure_id=item.measure_id),
        )
        builder.button(
            text=gettext("Report"),
            callback_data=ReportStart(measure_id=item.measure_id),
        )
        rows.append(2)
        if item is own[0]:
            # The most urgent measure: ask for a new date (or ask, or refuse it) in one tap.
            for row in official_request_rows(gettext, item.measure_id):
                builder.add(*row)
                rows.append(len(row))
    if 0 < shown < len(own):
        more = len(own) - shown
        lines += [
            "",
            ngettext("…and {count} more measure", "…and {count} more measures", more).format(
                count=more
            ),
        ]
    builder.button(
        text=gettext("All my due measures"),
        callback_data=DueListPage(which=DueList.OWN, fresh=True),
    )
    rows.append(1)
    return "\n".join(lines)


def _late_section(
    late: Sequence[ReminderItem],
    gettext: GetText,
    ngettext: NGetText,
    shown: int,
    builder: InlineKeyboardBuilder,
    rows: list[int],
) -> str:
    """The bodies' late measures (the escalation): counts per body, the worst `shown` bodies
    named, and a button to the complete list (added to `builder` and `rows`)."""
    bodies = _bodies_worst_first(late)
    lines = [gettext("<b>Overdue measures of the bodies</b>") + f": {len(late)}"]
    for body, count in bodies[:shown]:
        lines.append(
            "• "
            + ngettext(
                "{body}: {count} measure is overdue",
                "{body}: {count} measures are overdue",
                count,
            ).format(body=escape(shorten(body, BODY_LENGTH)), count=count)
        )
    if 0 < shown < len(bodies):
        more = len(bodies) - shown
        lines.append(
            ngettext("and {count} more body", "and {count} more bodies", more).format(count=more)
        )
    builder.button(
        text=gettext("All overdue measures"),
        callback_data=DueListPage(which=DueList.LATE, fresh=True),
    )
    rows.append(1)
    return "\n".join(lines)


@register(REMINDER)
def render_reminder(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = ReminderNotice.from_json(payload)
    today = today_in(notice.timezone, delivery.now)
    own = _by_urgency([item for item in notice.items if item.is_own])
    late = _by_urgency([item for item in notice.items if not item.is_own])
    # The full digest fits with room to spare; fewer items in full if characters that Telegram
    # counts twice make it long, down to the counts alone (the compact form).
    for shown in range(0 if delivery.compact else DIGEST_ITEMS, -1, -1):
        text, markup = _digest(own, late, today, gettext, ngettext, shown)
        if fits_message(text):
            break
    return text, markup


# --- Reminders nobody could be given ------------------------------------------------------

# Bodies named in full, fewer until the message fits; the numbers named per body.
NOBODY_BODIES = (15, 8, 3, 0)
NOBODY_NUMBERS = 5


def _unreached_bodies(items: Sequence[ReminderItem]) -> list[tuple[str, list[ReminderItem]]]:
    """(body, its measures by urgency), the body with the soonest (longest overdue) first."""
    by_body: dict[str, list[ReminderItem]] = {}
    for item in _by_urgency(items):
        by_body.setdefault(item.body or "—", []).append(item)
    return sorted(by_body.items(), key=lambda entry: (entry[1][0].deadline, entry[0].casefold()))


def _unreached_line(
    body: str, items: Sequence[ReminderItem], today: date, gettext: GetText, ngettext: NGetText
) -> str:
    numbers = ", ".join(
        escape(shorten(item.number, NUMBER_LENGTH)) for item in items[:NOBODY_NUMBERS]
    )
    if len(items) > NOBODY_NUMBERS:
        numbers += "…"
    nearest = items[0].deadline
    return "• " + ngettext(
        "<b>{body}</b> — {count} measure ({numbers}), deadline {day} ({note})",
        "<b>{body}</b> — {count} measures ({numbers}), the nearest deadline {day} ({note})",
        len(items),
    ).format(
        body=escape(shorten(body, BODY_LENGTH)),
        count=len(items),
        numbers=numbers,
        day=format_day(nearest),
        note=deadline_note(nearest, today, gettext, ngettext),
    )


def _nobody_text(
    bodies: Sequence[tuple[str, list[ReminderItem]]],
    measures: int,
    today: date,
    gettext: GetText,
    ngettext: NGetText,
    shown: int,
) -> str:
    lines = [
        ngettext(
            "⚠️ <b>No one to remind</b> at {count} body: nobody is registered with it, or they"
            " have blocked the bot.",
            "⚠️ <b>No one to remind</b> at {count} bodies: nobody is registered with them, or they"
            " have blocked the bot.",
            len(bodies),
        ).format(count=len(bodies)),
        ngettext(
            "The reminder about {count} measure went to no one:",
            "The reminders about {count} measures went to no one:",
            measures,
        ).format(count=measures),
    ]
    lines += [
        _unreached_line(body, items, today, gettext, ngettext) for body, items in bodies[:shown]
    ]
    if 0 < shown < len(bodies):
        more = len(bodies) - shown
        lines.append(
            ngettext("and {count} more body", "and {count} more bodies", more).format(count=more)
        )
    lines += [
        "",
        gettext(
            "Please invite the officials of these bodies (/invite) or tell them the deadlines"
            " another way; /orgs shows who is registered."
        ),
    ]
    return "\n".join(lines)


@register(NOBODY_TO_REMIND)
def render_nobody_to_remind(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = ReminderNotice.from_json(payload)
    today = today_in(notice.timezone, delivery.now)
    bodies = _unreached_bodies(notice.items)
    measures = len({item.measure_id for item in notice.items})
    for shown in (0,) if delivery.compact else NOBODY_BODIES:
        text = _nobody_text(bodies, measures, today, gettext, ngettext, shown)
        if fits_message(text):
            break
    return text, None
