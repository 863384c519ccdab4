"""How a deadline is said, everywhere: «срок 30.05.2026 (через 5 рабочих дней)».

/my, the measure card, reminders, reports and summaries all use these two functions, so a
person never reads "через 7 дней" in a reminder and "осталось 5 рабочих дней" on the card.
Distances are in working days (Russian production calendar); `today` is the person's today,
in their time zone. No aiogram here: callers pass the translation functions of the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.calendar import working_days_between

GetText = Callable[[str], str]
NGetText = Callable[[str, str, int], str]


def format_day(day: date) -> str:
    """ "30.05.2026" (as strftime("%d.%m.%Y") writes it, three times quicker)."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def deadline_note(deadline: date, today: date, gettext: GetText, ngettext: NGetText) -> str:
    """ "today", "in 5 working days" or "overdue by 3 working days"."""
    if deadline == today:
        return gettext("today")
    left = working_days_between(today, deadline)
    if deadline > today:
        # A deadline on a day off seen the day before counts as the next working day.
        left = max(left, 1)
        return ngettext("in {count} working day", "in {count} working days", left).format(
            count=left
        )
    overdue = max(-left, 1)
    return ngettext(
        "overdue by {count} working day", "overdue by {count} working days", overdue
    ).format(count=overdue)


def deadline_phrase(deadline: date, today: date, gettext: GetText, ngettext: NGetText) -> str:
    """ "deadline 30.05.2026 (in 5 working days)"."""
    return gettext("deadline {day} ({note})").format(
        day=format_day(deadline), note=deadline_note(deadline, today, gettext, ngettext)
    )
