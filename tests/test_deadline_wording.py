"""Every place says a deadline the same way, counting working days."""

from __future__ import annotations

from datetime import date

from bot.presentation.deadline_wording import deadline_note, deadline_phrase


def gettext(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def test_a_deadline_a_week_ahead_counts_working_days_not_calendar_days() -> None:
    # Monday 1 June 2026 -> Monday 8 June 2026: 5 working days (6-7 June are a weekend).
    assert deadline_note(date(2026, 6, 8), date(2026, 6, 1), gettext, ngettext) == (
        "in 5 working days"
    )


def test_due_today_and_overdue() -> None:
    today = date(2026, 6, 3)
    assert deadline_note(today, today, gettext, ngettext) == "today"
    assert deadline_note(date(2026, 6, 1), today, gettext, ngettext) == "overdue by 2 working days"


def test_a_sunday_deadline_seen_on_saturday_is_one_working_day_away() -> None:
    assert deadline_note(date(2026, 6, 7), date(2026, 6, 6), gettext, ngettext) == (
        "in 1 working day"
    )


def test_the_phrase_names_the_date() -> None:
    phrase = deadline_phrase(date(2026, 5, 29), date(2026, 5, 22), gettext, ngettext)
    assert phrase == "deadline 29.05.2026 (in 5 working days)"
