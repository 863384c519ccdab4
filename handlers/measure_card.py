"""The measure card: what a measure is, when it is due, who answers for it, what happened."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.measure_status import Status
from bot.measures import ExecutorOnCard, HistoryEntry, MeasureCard, PlanCoordinator
from bot.presentation.callbacks import MeasureList
from bot.presentation.deadline_wording import deadline_phrase
from bot.presentation.official_requests import official_request_rows
from bot.presentation.status_labels import status_label
from bot.presentation.text_limits import (
    BUTTON_TEXT_LIMIT,
    PageOf,
    pack,
    page_of,
    shorten,
    split_plain,
)

# Each field's share of the card, so that it fits a message (4,096) whatever the measure holds:
# title 600 + result 300 + plan and section 2×200 + 5 executors×160 + 3 coordinators×40 + 5
# history entries×(40 + 200 + about 40) + labels stays under 3,800, leaving room for a note
# above the card (a coordinator's link counts for its name only: Telegram counts what is seen).
NUMBER_LENGTH = 30
TITLE_LENGTH = 600
RESULT_LENGTH = 300
FIELD_LENGTH = 200
EXECUTORS_SHOWN = 5
EXECUTOR_LENGTH = 160
COORDINATORS_SHOWN = 3
HISTORY_PAGE = 5
WHO_LENGTH = 40
ENTRY_TEXT_LENGTH = 200
# "Full text": pieces well within a message; more messages than this go as a file instead.
FULL_TEXT_PIECE = 3500
FULL_TEXT_MESSAGES = 3
REPORT_BUTTONS_SHOWN = 20


class CardHistory(CallbackData, prefix="mh"):
    """The card at another page of its history (0: the latest entries); `back` and `page` as
    in OpenMeasure."""

    measure_id: int
    history: int
    back: str = ""
    page: int = 0


class CardFullText(CallbackData, prefix="mft"):
    """The card's "Full text": the whole title and expected result."""

    measure_id: int


class MyList(CallbackData, prefix="my"):
    group: str
    page: int = 0


class CardVerb(enum.StrEnum):
    """A coordinator's action on a measure's card."""

    SHOW = "show"
    ASSIGN = "assign"
    REMOVE = "remove"
    DEADLINE = "deadline"


class CardAction(CallbackData, prefix="mc"):
    """A coordinator's action on the card; one handler per `CardVerb`."""

    action: CardVerb
    measure_id: int


def group_label(status: Status) -> str:
    """What a status is called, in the reader's language."""
    return status_label(status, _)


def format_day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def deadline_line(card: MeasureCard, today: date) -> str:
    if card.deadline is None:
        text = escape(shorten(card.deadline_text, FIELD_LENGTH)) if card.deadline_text else None
        return _("Deadline: {deadline}").format(deadline=text or _("not set"))
    if card.done_on is not None:
        return _("Deadline: {deadline}").format(deadline=format_day(card.deadline))
    phrase = deadline_phrase(card.deadline, today, _, _)
    return phrase[:1].upper() + phrase[1:]


def history_line(entry: HistoryEntry) -> str:
    day = format_day(entry.at.date())
    who = f" — {escape(shorten(entry.who, WHO_LENGTH))}" if entry.who else ""
    details = entry.details

    def said(key: str) -> str:
        return escape(shorten(str(details[key]), ENTRY_TEXT_LENGTH))

    if entry.kind == "report_submitted":
        text = _("report sent")
        if details.get("comment"):
            text += f": {said('comment')}"
    elif entry.kind == "report_accepted":
        text = _("report accepted")
    elif entry.kind == "report_returned":
        text = _("report returned")
        if details.get("reason"):
            text += f": {said('reason')}"
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
            text += f" ({said('reason')})"
        elif details.get("reason") == "import":
            text += " " + _("(new version of the plan)")
    elif entry.kind in _QUESTION_ENTRIES:
        text = _question_entry(entry.kind, details)
    else:
        text = escape(shorten(entry.kind, WHO_LENGTH))
    return f"• {day}{who}: {text}"


_QUESTION_ENTRIES = frozenset(
    {
        "question_asked",
        "question_answered",
        "not_ours_claimed",
        "not_ours_kept",
        "not_ours_reassigned",
    }
)


def _question_entry(kind: str, details: Mapping[str, object]) -> str:
    """A question or a "not ours" claim, and its answer (bot/measure_questions.py): the text
    within an entry's share, a body's name within a name's."""

    def said(key: str, limit: int = ENTRY_TEXT_LENGTH) -> str:
        return escape(shorten(str(details.get(key) or ""), limit))

    if kind == "question_asked":
        return _("question to the coordinators: {text}").format(text=said("text"))
    if kind == "question_answered":
        return _("answer to the question: {text}").format(text=said("answer"))
    if kind == "not_ours_claimed":
        return _("«{body}»: not our measure — {text}").format(
            body=said("body", WHO_LENGTH), text=said("text")
        )
    if kind == "not_ours_kept":
        return _("the measure stays with «{body}»: {text}").format(
            body=said("body", WHO_LENGTH), text=said("answer")
        )
    return _("the measure passed from «{body}» to «{new_body}»").format(
        body=said("body", WHO_LENGTH), new_body=said("new_body", WHO_LENGTH)
    )


def history_page(card: MeasureCard, page: int) -> PageOf[HistoryEntry]:
    """Page 0 holds the latest entries, page 1 the ones before them, and so on."""
    return page_of(card.history[::-1], page, HISTORY_PAGE)


def is_shortened(card: MeasureCard) -> bool:
    """Whether the card cuts the title or the expected result (then "Full text" shows them)."""
    return len(card.title) > TITLE_LENGTH or len(card.result or "") > RESULT_LENGTH


def executor_line(executor: ExecutorOnCard) -> str:
    name = executor.name
    if executor.short_name and executor.short_name != executor.name:
        name += f" ({executor.short_name})"
    marks = []
    if executor.is_lead:
        marks.append(_("lead"))
    if executor.by_agreement:
        marks.append(_("by agreement"))
    if executor.named_person:
        marks.append(shorten(executor.named_person, WHO_LENGTH))
    return escape(shorten(name + (f" — {', '.join(marks)}" if marks else ""), EXECUTOR_LENGTH))


def render_card(
    card: MeasureCard,
    today: date,
    organization_ids: frozenset[int] | None,
    *,
    history: int = 0,
) -> str:
    """The card, within a message's limit whatever the measure holds: every field is shortened
    to its share (see the lengths above) and `history` is the page of the history shown."""
    title = escape(shorten(card.title, TITLE_LENGTH))
    lines = [f"<b>{escape(shorten(card.number, NUMBER_LENGTH))}</b> {title}", ""]
    lines.append(_("Plan: {title}").format(title=escape(shorten(card.plan_title, FIELD_LENGTH))))
    if card.section:
        lines.append(
            _("Section: {title}").format(title=escape(shorten(card.section, FIELD_LENGTH)))
        )
    lines.append(deadline_line(card, today))
    lines.extend(_executor_lines(card))
    if card.coordinators:
        lines.append(_coordinators_line(card))
    if card.result:
        lines.append(
            _("Expected document: {result}").format(
                result=escape(shorten(card.result, RESULT_LENGTH))
            )
        )
    status = group_label(card.status_for(organization_ids, today))
    if card.removed:
        status = _("removed from the plan")
    lines.append(_("Status: {status}").format(status=status))
    if card.history:
        lines.extend(_history_lines(card, history))
    return "\n".join(lines)


def _executor_lines(card: MeasureCard) -> list[str]:
    """The first executors, and how many more there are."""
    if not card.executors:
        return [_("Executors: none assigned")]
    shown = card.executors[:EXECUTORS_SHOWN]
    lines = [_("Executors:")]
    lines.extend(f"• {executor_line(executor)}" for executor in shown)
    if len(card.executors) > len(shown):
        more = len(card.executors) - len(shown)
        lines.append(
            "• " + _("and {count} more body", "and {count} more bodies", more).format(count=more)
        )
    return lines


# A Telegram username: what t.me links take (anything else is shown without a link).
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def coordinator_name(coordinator: PlanCoordinator) -> str:
    """The coordinator's name, a link to their Telegram chat where they have a username."""
    name = escape(shorten(coordinator.name, WHO_LENGTH))
    if coordinator.username and _USERNAME.fullmatch(coordinator.username):
        return f'<a href="https://t.me/{escape(coordinator.username)}">{name}</a>'
    return name


def _coordinators_line(card: MeasureCard) -> str:
    """Who coordinates the plan: the first few, and how many more there are."""
    shown = card.coordinators[:COORDINATORS_SHOWN]
    names = ", ".join(coordinator_name(coordinator) for coordinator in shown)
    if len(card.coordinators) > len(shown):
        more = len(card.coordinators) - len(shown)
        names += " " + _("and {count} more").format(count=more)
    return _("Plan coordinators: {names}").format(names=names)


def _history_lines(card: MeasureCard, history: int) -> list[str]:
    """Page `history` of the card's history, oldest first, under its heading."""
    page = history_page(card, history)
    lines = [""]
    if page.pages > 1:
        last = page.total - page.page * page.size
        lines.append(
            _("History ({first}–{last} of {total}):").format(
                first=last - len(page.items) + 1, last=last, total=page.total
            )
        )
    else:
        lines.append(_("History:"))
    lines.extend(history_line(entry) for entry in reversed(page.items))
    return lines


def full_text_messages(card: MeasureCard) -> list[str]:
    """The whole title and expected result, in as few messages as fit, cut only between lines,
    sentences or words."""
    blocks = [f"<b>{escape(shorten(card.number, NUMBER_LENGTH))}</b>"]
    blocks.extend(escape(piece) for piece in split_plain(card.title, FULL_TEXT_PIECE))
    if card.result:
        blocks.append("")
        blocks.append(f"<b>{_('Expected document:')}</b>")
        blocks.extend(escape(piece) for piece in split_plain(card.result, FULL_TEXT_PIECE))
    return pack(blocks, separator="\n")


def full_text_file(card: MeasureCard) -> str:
    """The same as plain text, for a file when it takes too many messages."""
    parts = [f"{card.number} {card.title}"]
    if card.result:
        parts.append(f"{_('Expected document:')}\n{card.result}")
    return "\n\n".join(parts) + "\n"


def _button(text: str, callback_data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=callback_data.pack())


def _coordinator_rows(measure_id: int) -> list[list[InlineKeyboardButton]]:
    """A coordinator's actions on the measure."""
    return [
        [
            _button(_("Assign a body"), CardAction(action=CardVerb.ASSIGN, measure_id=measure_id)),
            _button(_("Remove a body"), CardAction(action=CardVerb.REMOVE, measure_id=measure_id)),
        ],
        [
            _button(
                _("Change the deadline"),
                CardAction(action=CardVerb.DEADLINE, measure_id=measure_id),
            )
        ],
    ]


def _card_rows(
    card: MeasureCard, history: int, back: str, page: int
) -> list[list[InlineKeyboardButton]]:
    """ "Full text" when the card shortens the title or result, and the history's page buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    if is_shortened(card):
        rows.append([_button(_("Full text"), CardFullText(measure_id=card.measure_id))])
    shown = history_page(card, history)
    navigation = []
    if shown.has_next:
        navigation.append(
            _button(
                _("‹ More history"),
                CardHistory(
                    measure_id=card.measure_id, history=shown.page + 1, back=back, page=page
                ),
            )
        )
    if shown.has_previous:
        navigation.append(
            _button(
                _("Newer ›"),
                CardHistory(
                    measure_id=card.measure_id, history=shown.page - 1, back=back, page=page
                ),
            )
        )
    if navigation:
        rows.append(navigation)
    return rows


def card_keyboard(
    back: str,
    page: int,
    *,
    measure_id: int | None = None,
    can_coordinate: bool = False,
    report_buttons: Sequence[tuple[str, CallbackData]] = (),
    card: MeasureCard | None = None,
    history: int = 0,
    official_requests: bool = False,
) -> InlineKeyboardMarkup | None:
    """Back to the /my list when opened from there; a coordinator of the measure's plan also
    gets its actions (`can_coordinate`, decided by the caller from the person's roles);
    `report_buttons` (to report, to open a report) come first, one per row. With the `card`:
    "Full text" when its title or result is shortened, and the history's page buttons
    (`history` is the page shown). `official_requests`: the person serves a body executing the
    open measure, and gets its requests to the coordinators (bot/presentation/official_requests)."""
    # Built from rows directly: InlineKeyboardBuilder copies its rows on every button.
    rows: list[list[InlineKeyboardButton]] = [
        [_button(shorten(text, BUTTON_TEXT_LIMIT), callback_data)]
        for text, callback_data in report_buttons[:REPORT_BUTTONS_SHOWN]
    ]
    if official_requests and measure_id is not None:
        rows.extend(official_request_rows(_, measure_id))
    if can_coordinate and measure_id is not None:
        rows.extend(_coordinator_rows(measure_id))
    if card is not None:
        rows.extend(_card_rows(card, history, back, page))
    if back:
        target = MeasureList.from_back(back, page) or MyList(group=back, page=page)
        rows.append([_button(_("« Back to the list"), target)])
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=rows)
