"""Callback data of the buttons that scheduled notifications carry as well as chat replies.

A reminder has a measure's card button (`OpenMeasure`) and the complete list behind it
(`DueListPage`); the report's buttons (Report, Documents, Accept / Return) and their one keyboard
builder are in bot/presentation/report_keyboards.py. The routers in
handlers/ filter on these classes; the renderers in scheduler/ build buttons with them. Buttons
only chat replies use keep their callback data beside their router.
"""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from bot.due_lists import DueList
from bot.summary_lists import Listed, ListFilter

__all__ = ["DueListPage", "MeasureList", "OpenMeasure", "SummaryPage", "View"]


class OpenMeasure(CallbackData, prefix="m"):
    measure_id: int
    back: str = ""  # the /my group to go back to, if opened from there
    page: int = 0


class DueListPage(CallbackData, prefix="dl"):
    which: DueList
    page: int = 0
    # Pressed on a reminder: the list comes as a new message and the reminder stays.
    fresh: bool = False


class View(enum.StrEnum):
    """A summary message: a plan's, a body's or a section's (NONE: a list opened by command)."""

    NONE = "n"
    PLAN = "p"
    BODY = "b"
    SECTION = "s"


class SummaryPage(CallbackData, prefix="sv"):
    """A summary at a page of its table (bodies of a plan or section; sections of a body)."""

    view: View
    plan: int = 0
    body: int = 0
    section: int = 0
    page: int = 0
    sections: bool = False  # a plan's summary showing its sections instead of its bodies


class MeasureList(CallbackData, prefix="ml"):
    """The list behind a number: its filters (0: none), its page and where "back" goes."""

    listed: Listed
    plan: int = 0
    body: int = 0
    section: int = 0
    days: int = 0
    page: int = 0
    origin: View = View.NONE

    def filters(self) -> ListFilter:
        return ListFilter(
            listed=self.listed,
            plan_id=self.plan or None,
            organization_id=self.body or None,
            section_id=self.section or None,
            days=self.days,
        )

    def back_target(self) -> SummaryPage | None:
        """The summary this list was opened from."""
        if self.origin is View.NONE:
            return None
        return SummaryPage(view=self.origin, plan=self.plan, body=self.body, section=self.section)

    # A measure opened from the list carries the list in `OpenMeasure.back` ("l." and the
    # fields joined by dots: ":" separates callback fields) and its page in `OpenMeasure.page`.
    def as_back(self) -> str:
        return ".".join(
            (
                "l",
                self.listed.value,
                *map(str, (self.plan, self.body, self.section, self.days)),
                self.origin.value,
            )
        )

    @classmethod
    def from_back(cls, back: str, page: int) -> MeasureList | None:
        parts = back.split(".")
        if len(parts) != 7 or parts[0] != "l":
            return None
        try:
            listed, origin = Listed(parts[1]), View(parts[6])
            plan, body, section, days = (int(part) for part in parts[2:6])
        except ValueError:
            return None
        return cls(
            listed=listed,
            plan=plan,
            body=body,
            section=section,
            days=days,
            page=page,
            origin=origin,
        )
