"""What each status is called (`bot.measure_status.Status`, and the lists of several)."""

from __future__ import annotations

from bot.measure_status import Status
from bot.presentation.deadline_wording import GetText
from bot.summary_lists import Listed


def status_label(status: Status | Listed, gettext: GetText) -> str:
    """What a status (or a list of several) is called."""
    labels = {
        Status.OVERDUE.value: gettext("Overdue"),
        Status.DUE_SOON.value: gettext("Due within 7 days"),
        Status.LATER.value: gettext("Later"),
        Status.NO_DEADLINE.value: gettext("No deadline"),
        Status.UNDER_REVIEW.value: gettext("Under review"),
        Status.DONE.value: gettext("Done"),
        Status.REMOVED.value: gettext("Removed from the plan"),
        Listed.OPEN.value: gettext("Not done yet"),
        Listed.ALL.value: gettext("All measures"),
        Listed.UPCOMING.value: gettext("Coming deadlines"),
    }
    return labels[status.value]


def work_status_label(status: Status, gettext: GetText) -> str:
    """A measure's (or one body's part's) status as its card says it: a measure being worked
    on with its deadline still ahead is "In progress", not the /my group "Later"."""
    if status is Status.LATER:
        return gettext("In progress")
    return status_label(status, gettext)
