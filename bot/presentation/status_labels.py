"""What each status is called (`bot.measure_status.Status`, and the lists of several)."""

from __future__ import annotations

from bot.i18n import N_
from bot.measure_status import Status
from bot.presentation.deadline_wording import GetText
from bot.summary_lists import Listed

# The names' message ids (marked for extraction; translated when asked, one at a time).
_LABELS = {
    Status.OVERDUE.value: N_("Overdue"),
    Status.DUE_SOON.value: N_("Due within 7 days"),
    Status.LATER.value: N_("Later"),
    Status.NO_DEADLINE.value: N_("No deadline"),
    Status.UNDER_REVIEW.value: N_("Under review"),
    Status.DONE.value: N_("Done"),
    Status.REMOVED.value: N_("Removed from the plan"),
    Listed.OPEN.value: N_("Not done yet"),
    Listed.ALL.value: N_("All measures"),
    Listed.UPCOMING.value: N_("Coming deadlines"),
}


def status_label(status: Status | Listed, gettext: GetText) -> str:
    """What a status (or a list of several) is called."""
    return gettext(_LABELS[status.value])


def work_status_label(status: Status, gettext: GetText) -> str:
    """A measure's (or one body's part's) status as its card says it: a measure being worked
    on with its deadline still ahead is "In progress", not the /my group "Later"."""
    if status is Status.LATER:
        return gettext("In progress")
    return status_label(status, gettext)
