"""How a summary and the lists behind its numbers read: text and buttons from plain data.

Shared by /summary (handlers/summary.py) and the weekly digest (scheduler): every function
takes the data of `bot.summaries` / `bot.summary_lists` and the reader's translation
functions, never an aiogram Message. Every number is a button opening the list behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.measure_status import STATUS_ORDER, Status
from bot.presentation.callbacks import MeasureList, OpenMeasure, SummaryPage, View
from bot.presentation.deadline_wording import GetText, NGetText, deadline_phrase
from bot.presentation.paging import page_row
from bot.presentation.status_labels import status_label, work_status_label
from bot.presentation.text_limits import BUTTON_TEXT_LIMIT, PageOf, page_of, shorten
from bot.summaries import BodyRow, BodySummary, PlanSummary, SectionRow, StatusCounts
from bot.summary_lists import Listed, ListedMeasure, MeasureListing

TABLE_PAGE = 8  # bodies or sections a summary shows at once
LIST_PAGE = 8  # measures a list shows at once
TITLE_LENGTH = 200
NAME_LENGTH = 60
LINE_TITLE_LENGTH = 110
NAME_BUTTON_LENGTH = 22

# The columns of a table: a mark and the statuses behind it.
COLUMNS: tuple[tuple[str, Listed], ...] = (
    ("🔴", Listed.OVERDUE),
    ("🟡", Listed.DUE_SOON),
    ("🔵", Listed.UNDER_REVIEW),
    ("✅", Listed.DONE),
)


def _button(text: str, callback_data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=shorten(text, BUTTON_TEXT_LIMIT),
        callback_data=callback_data.pack(),
    )


# --- Counts ---------------------------------------------------------------------------------


def counts_lines(counts: StatusCounts, gettext: GetText, ngettext: NGetText) -> list[str]:
    """Total and % done, then each status with its count (those under review past their
    deadline said apart)."""
    lines = [
        ngettext("{count} measure", "{count} measures", counts.total).format(count=counts.total)
        + ", "
        + gettext("{percent}% done").format(percent=counts.percent_done)
    ]
    for status in STATUS_ORDER:
        if status is Status.REMOVED and not counts[status]:
            continue
        line = f"{status_label(status, gettext)}: {counts[status]}"
        if status is Status.UNDER_REVIEW and counts.review_past_deadline:
            line += " " + gettext("(past the deadline: {count})").format(
                count=counts.review_past_deadline
            )
        lines.append(line)
    return lines


def counts_buttons(
    counts: StatusCounts, make: Callable[[Listed], MeasureList], gettext: GetText
) -> list[list[InlineKeyboardButton]]:
    """A button for the total, then one per status count, two a row."""
    buttons = [_button(f"{status_label(Listed.ALL, gettext)}: {counts.total}", make(Listed.ALL))]
    buttons += [
        _button(f"{status_label(status, gettext)}: {counts[status]}", make(Listed(status.value)))
        for status in STATUS_ORDER
        if status is not Status.REMOVED or counts[status]
    ]
    return [buttons[index : index + 2] for index in range(0, len(buttons), 2)]


def legend(gettext: GetText) -> str:
    return " · ".join(f"{mark} {status_label(listed, gettext).lower()}" for mark, listed in COLUMNS)


def _columns_text(counts: StatusCounts) -> str:
    return " ".join(f"{mark}{counts[Status(listed.value)]}" for mark, listed in COLUMNS)


def _column_buttons(
    counts: StatusCounts, make: Callable[[Listed], MeasureList]
) -> list[InlineKeyboardButton]:
    return [
        _button(f"{mark}{counts[Status(listed.value)]}", make(listed)) for mark, listed in COLUMNS
    ]


# --- A plan's (or a section's) summary ------------------------------------------------------


def _body_line(number: int, row: BodyRow, gettext: GetText) -> str:
    line = f"{number}. {escape(shorten(row.name, NAME_LENGTH))} — {_columns_text(row.counts)}"
    line += " " + gettext("of {count}").format(count=row.counts.total)
    if row.nobody_to_remind:
        line += " ⚠️ " + gettext("no one registered")
    return line


def _section_name(row: SectionRow, gettext: GetText) -> str:
    if row.section_id is None:
        return gettext("Outside sections")
    return " ".join(part for part in (row.number, row.title) if part)


def _section_line(number: int, row: SectionRow, gettext: GetText) -> str:
    name = escape(shorten(_section_name(row, gettext), NAME_LENGTH))
    return f"{number}. {name} — {_columns_text(row.counts)} " + gettext("of {count}").format(
        count=row.counts.total
    )


def render_plan_summary(
    summary: PlanSummary, page: int, gettext: GetText, ngettext: NGetText, sections: bool = False
) -> str:
    """The summary: the plan (or section), its counts, then a page of its bodies (worst first)
    or of its sections."""
    title = escape(shorten(summary.title, TITLE_LENGTH))
    lines = [gettext("<b>Summary: {plan}</b>").format(plan=title)]
    if summary.section_id is not None:
        section = next((s for s in summary.sections if s.section_id == summary.section_id), None)
        if section is not None:
            lines.append(
                gettext("Section {section}").format(
                    section=escape(shorten(_section_name(section, gettext), TITLE_LENGTH))
                )
            )
    lines.extend(counts_lines(summary.counts, gettext, ngettext))
    # Above the table, on every page and in the sections' view: the bodies whose reminders
    # go to no one are not left to be found on a later page.
    nobody = sum(1 for row in summary.bodies if row.nobody_to_remind)
    if nobody:
        lines.append(
            gettext("⚠️ Bodies with open measures and no one registered: {count}").format(
                count=nobody
            )
        )
    if sections and summary.section_id is None:
        shown = page_of(summary.sections, page, TABLE_PAGE)
        lines.append("\n" + gettext("<b>Sections</b>") + _page_label(shown, gettext))
        lines.extend(
            _section_line(shown.first_number + index, row, gettext)
            for index, row in enumerate(shown.items)
        )
    else:
        shown_bodies = page_of(summary.bodies, page, TABLE_PAGE)
        lines.append(
            "\n"
            + gettext("<b>Bodies, the most overdue first</b>")
            + _page_label(shown_bodies, gettext)
        )
        lines.extend(body_lines(shown_bodies.items, shown_bodies.first_number, 0, gettext))
    lines.append(legend(gettext))
    return "\n".join(lines)


def body_lines(
    rows: Sequence[BodyRow], first_number: int, nobody: int, gettext: GetText
) -> list[str]:
    """Numbered lines of bodies (their counts, "no one registered"), then how many bodies
    have open measures and no one registered, if any."""
    lines = [_body_line(first_number + index, row, gettext) for index, row in enumerate(rows)]
    if nobody:
        lines.append(
            gettext("⚠️ Bodies with open measures and no one registered: {count}").format(
                count=nobody
            )
        )
    return lines


def digest_summary_lines(
    counts: StatusCounts,
    worst: Sequence[BodyRow],
    bodies: int,
    gettext: GetText,
    ngettext: NGetText,
) -> list[str]:
    """The summary in the weekly digest: the counts of /summary and its worst `worst` bodies
    (of `bodies`), without buttons (the digest opens the full summary with one)."""
    lines = counts_lines(counts, gettext, ngettext)
    if not worst:
        return lines
    heading = gettext("<b>Bodies, the most overdue first</b>")
    if bodies > len(worst):
        heading += " " + gettext("({shown} of {count})").format(shown=len(worst), count=bodies)
    lines.append(heading)
    lines.extend(body_lines(worst, 1, 0, gettext))
    lines.append(legend(gettext))
    return lines


def plan_summary_keyboard(
    summary: PlanSummary, page: int, gettext: GetText, sections: bool = False
) -> InlineKeyboardMarkup:
    """Every number a button: the plan's counts, then a row per body (its name opens the
    body, each count its list) or per section, paging, and the switch bodies ↔ sections."""
    view = View.PLAN if summary.section_id is None else View.SECTION
    section = summary.section_id or 0

    def plan_list(body: int = 0, in_section: int = section) -> Callable[[Listed], MeasureList]:
        return lambda listed: MeasureList(
            listed=listed, plan=summary.plan_id, body=body, section=in_section, origin=view
        )

    rows = counts_buttons(summary.counts, plan_list(), gettext)
    here = SummaryPage(view=view, plan=summary.plan_id, section=section, sections=sections)
    if sections and view is View.PLAN:
        shown = page_of(summary.sections, page, TABLE_PAGE)
        for index, row in enumerate(shown.items):
            if row.section_id is None:
                continue
            name = f"{shown.first_number + index}. {_section_name(row, gettext)}"
            opens = SummaryPage(view=View.SECTION, plan=summary.plan_id, section=row.section_id)
            rows.append(
                [
                    _button(shorten(name, NAME_BUTTON_LENGTH), opens),
                    *_column_buttons(row.counts, plan_list(in_section=row.section_id)),
                ]
            )
    else:
        shown = page_of(summary.bodies, page, TABLE_PAGE)
        for index, row in enumerate(shown.items):
            name = f"{shown.first_number + index}. {row.name}"
            opens = SummaryPage(view=View.BODY, body=row.organization_id, plan=summary.plan_id)
            rows.append(
                [
                    _button(shorten(name, NAME_BUTTON_LENGTH), opens),
                    *_column_buttons(row.counts, plan_list(body=row.organization_id)),
                ]
            )
    navigation = page_row(
        shown,
        lambda number: SummaryPage(
            view=view, plan=summary.plan_id, section=section, page=number, sections=sections
        ),
    )
    if view is View.PLAN:
        switch = here.model_copy(update={"sections": not sections, "page": 0})
        navigation.append(_button(gettext("Bodies") if sections else gettext("Sections"), switch))
    else:
        navigation.append(
            _button(gettext("« Whole plan"), SummaryPage(view=View.PLAN, plan=summary.plan_id))
        )
    rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows)


# --- A body ---------------------------------------------------------------------------------


def render_body_summary(
    summary: BodySummary, page: int, gettext: GetText, ngettext: NGetText
) -> str:
    lines = [gettext("<b>{body}</b>").format(body=escape(shorten(summary.name, TITLE_LENGTH)))]
    lines.extend(counts_lines(summary.counts, gettext, ngettext))
    if summary.people:
        lines.append("\n" + gettext("<b>Registered</b>"))
        lines.extend(escape(shorten(person.name, NAME_LENGTH)) for person in summary.people[:20])
        if len(summary.people) > 20:
            lines.append(gettext("and {count} more").format(count=len(summary.people) - 20))
    elif summary.counts.open:
        lines.append("\n⚠️ " + gettext("No one is registered for this body: nobody is reminded."))
    shown = page_of(summary.sections, page, TABLE_PAGE)
    if summary.sections:
        lines.append("\n" + gettext("<b>Sections</b>") + _page_label(shown, gettext))
        lines.extend(
            _section_line(shown.first_number + index, row, gettext)
            for index, row in enumerate(shown.items)
        )
    lines.append(legend(gettext))
    return "\n".join(lines)


def body_summary_keyboard(
    summary: BodySummary, page: int, gettext: GetText, plan: int = 0
) -> InlineKeyboardMarkup:
    """The body's counts and its sections, every number a button; "« Whole plan" when opened
    from a plan's summary (`plan`)."""
    body = summary.organization_id

    def body_list(section: int = 0) -> Callable[[Listed], MeasureList]:
        return lambda listed: MeasureList(
            listed=listed, body=body, section=section, origin=View.BODY
        )

    rows = counts_buttons(summary.counts, body_list(), gettext)
    shown = page_of(summary.sections, page, TABLE_PAGE)
    for index, row in enumerate(shown.items):
        if row.section_id is None:
            continue
        name = f"{shown.first_number + index}. {_section_name(row, gettext)}"
        rows.append(
            [
                _button(shorten(name, NAME_BUTTON_LENGTH), body_list(row.section_id)(Listed.ALL)),
                *_column_buttons(row.counts, body_list(row.section_id)),
            ]
        )
    navigation = page_row(
        shown, lambda number: SummaryPage(view=View.BODY, body=body, plan=plan, page=number)
    )
    if plan:
        navigation.append(_button(gettext("« Whole plan"), SummaryPage(view=View.PLAN, plan=plan)))
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows)


# --- The list behind a number ---------------------------------------------------------------


def list_heading(
    listing: MeasureListing, listed: Listed, days: int, gettext: GetText, ngettext: NGetText
) -> str:
    heading = status_label(listed, gettext)
    if listed is Listed.UPCOMING:
        heading = ngettext(
            "Deadlines within {count} day", "Deadlines within {count} days", days
        ).format(count=days)
    parts = [f"<b>{escape(heading)}</b>"]
    if listing.body:
        parts.append(escape(shorten(listing.body, NAME_LENGTH)))
    if listing.section:
        parts.append(
            gettext("section {section}").format(
                section=escape(shorten(listing.section, NAME_LENGTH))
            )
        )
    return " — ".join(parts) + f": {listing.total}"


def list_line(number: int, item: ListedMeasure, gettext: GetText, ngettext: NGetText) -> str:
    """«3. <b>2.1</b> Title — deadline 30.05.2026 (in 5 working days) · Body · Overdue»."""
    text = f"{number}. <b>{escape(shorten(item.number, 20))}</b> "
    text += escape(shorten(item.title, LINE_TITLE_LENGTH))
    details = []
    if item.deadline is not None:
        details.append(deadline_phrase(item.deadline, item.today, gettext, ngettext))
    body = escape(shorten(item.body, NAME_LENGTH))
    if item.other_bodies:
        body += " " + gettext("(+{count})").format(count=item.other_bodies)
    details.append(body)
    details.append(work_status_label(item.status, gettext))
    return text + " — " + " · ".join(details)


def render_list(
    listing: MeasureListing,
    page: PageOf[ListedMeasure],
    listed: Listed,
    days: int,
    gettext: GetText,
    ngettext: NGetText,
) -> str:
    text = list_heading(listing, listed, days, gettext, ngettext) + _page_label(page, gettext)
    if not page.items:
        return text + "\n" + gettext("Nothing here now.")
    lines = [
        list_line(page.first_number + index, item, gettext, ngettext)
        for index, item in enumerate(page.items)
    ]
    return text + "\n\n" + "\n".join(lines)


def list_keyboard(
    page: PageOf[ListedMeasure], shown: MeasureList, gettext: GetText
) -> InlineKeyboardMarkup:
    """A button per measure (its card; the card's "back" returns here), paging, back."""
    back = shown.as_back()
    rows: list[list[InlineKeyboardButton]] = [
        [
            _button(
                f"{page.first_number + index}. {item.number} {item.title}",
                OpenMeasure(measure_id=item.measure_id, back=back, page=page.page),
            )
        ]
        for index, item in enumerate(page.items)
    ]
    navigation = page_row(page, lambda number: shown.model_copy(update={"page": number}))
    target = shown.back_target()
    if target is not None:
        navigation.append(_button(gettext("« Back"), target))
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _page_label(page: PageOf[object], gettext: GetText) -> str:
    if page.pages <= 1:
        return ""
    return " " + gettext("(page {page} of {pages})").format(page=page.page + 1, pages=page.pages)


def plan_choice_keyboard(plans: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per plan (at most 90: Telegram takes 100 buttons)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(title, SummaryPage(view=View.PLAN, plan=plan_id))]
            for plan_id, title in plans[:90]
        ]
    )
