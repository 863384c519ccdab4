"""The measure card: what a measure is, when it is due, who answers for it, what happened."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.calendar import time_zone
from bot.measure_history import HistoryEntry, HistoryKind
from bot.measure_status import Status
from bot.measures import ExecutorOnCard, MeasureCard, PlanCoordinator
from bot.presentation.buttons import data_button
from bot.presentation.callbacks import MeasureList
from bot.presentation.deadline_wording import deadline_phrase
from bot.presentation.official_requests import official_request_rows
from bot.presentation.status_labels import status_label, work_status_label
from bot.presentation.text_limits import (
    BUTTON_TEXT_LIMIT,
    pack,
    shorten,
    split_plain,
)

# Each field's share of the card, so that it fits a message (4,096) whatever the measure holds:
# title 600 + result 300 + plan and section 2×200 + 5 executors×(140 + a status, 25) + 3
# coordinators×40 + 5 history entries×(who 40 + body 30 + text 170 + about 45) + labels stays
# under 3,800, leaving room for a note above the card (a coordinator's link counts for its
# name only: Telegram counts what is seen).
NUMBER_LENGTH = 30
TITLE_LENGTH = 600
RESULT_LENGTH = 300
FIELD_LENGTH = 200
EXECUTORS_SHOWN = 5
EXECUTOR_LENGTH = 140
COORDINATORS_SHOWN = 3
WHO_LENGTH = 40
BODY_LENGTH = 30
ENTRY_TEXT_LENGTH = 170
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


class CardVersions(CallbackData, prefix="mv"):
    """The card's "Earlier wordings": the measure's earlier wordings and deadlines, paged."""

    measure_id: int
    page: int = 0


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


def _day(value: object) -> str:
    """A date of an entry's details (a date, or an ISO string from the audit trail)."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_day(value) if isinstance(value, date) else "—"


def _deadline_text(entry: HistoryEntry) -> str:
    old, new = _day(entry.details.get("old")), _day(entry.details.get("new"))
    if entry.kind == HistoryKind.DEADLINE_REQUESTED:
        return _("new deadline requested: {old} → {new}").format(old=old, new=new)
    if entry.kind == HistoryKind.DEADLINE_REJECTED:
        return _("new deadline refused: {old} → {new}").format(old=old, new=new)
    return _("deadline moved: {old} → {new}").format(old=old, new=new)


def version_phrase(version: object) -> str:
    """Which version of the plan made a change: "changed by order № 329-rp of 28.11.2024",
    "on loading the file plan.docx", or just a new version."""
    if isinstance(version, Mapping):
        if version.get("kind") == "order" and version.get("order_number"):
            number = escape(shorten(str(version["order_number"]), WHO_LENGTH))
            if version.get("order_date"):
                return _("changed by order № {number} of {date}").format(
                    number=number, date=_day(version["order_date"])
                )
            return _("changed by order № {number}").format(number=number)
        if version.get("file_name"):
            return _("on loading the file {file}").format(
                file=escape(shorten(str(version["file_name"]), WHO_LENGTH))
            )
    return _("new version of the plan")


def _names_its_version(version: object) -> bool:
    """Whether the change's version has a name to show (an order, or a file)."""
    return isinstance(version, Mapping) and bool(
        version.get("order_number") or version.get("file_name")
    )


def _import_change_text(entry: HistoryEntry) -> str:
    """What a new version of the plan changed in the measure."""
    field = entry.details.get("field")
    version = entry.details.get("version")
    if _names_its_version(version):
        if field == "title":
            return _("wording changed ({version})").format(version=version_phrase(version))
        if field == "result":
            return _("expected document changed ({version})").format(
                version=version_phrase(version)
            )
        return _("measure changed ({version})").format(version=version_phrase(version))
    if field == "title":
        return _("the new version of the plan changed the wording")
    if field == "result":
        return _("the new version of the plan changed the expected document")
    if field == "done_on":
        return _("the new version of the plan marks the measure done")
    return _("the new version of the plan changed the measure")


def _entry_text(entry: HistoryEntry, said: Callable[[str], str]) -> str:
    """What happened, in the reader's language (the details escaped and shortened)."""
    details, kind = entry.details, entry.kind
    if kind == HistoryKind.REPORT_SUBMITTED:
        text = _("report sent")
        return text + f": {said('comment')}" if details.get("comment") else text
    if kind == HistoryKind.REPORT_ACCEPTED:
        return _("report accepted")
    if kind == HistoryKind.REPORT_RETURNED:
        text = _("report returned")
        return text + f": {said('reason')}" if details.get("reason") else text
    if kind.startswith("deadline_"):
        text = _deadline_text(entry)
        if details.get("reason") == "import":
            return text + " " + _("(new version of the plan)")
        return text + f" ({said('reason')})" if details.get("reason") else text
    by_import = f" ({version_phrase(details.get('version'))})" if details.get("by_import") else ""
    if kind == HistoryKind.BODY_ASSIGNED:
        body = said("body") if details.get("body") else said("new")
        return _("executor assigned: {body}").format(body=body) + by_import
    if kind == HistoryKind.BODY_SUCCEEDED:
        return _("from {since} the executor is {body} (the successor of «{predecessor}»)").format(
            since=_day(details.get("since")), body=said("body"), predecessor=said("predecessor")
        )
    if kind == HistoryKind.BODY_REMOVED:
        body = said("body") if details.get("body") else said("old")
        return _("executor relieved: {body}").format(body=body) + by_import
    if kind == HistoryKind.BODY_ROLE_CHANGED:
        return _("the new version of the plan changed the executors' roles")
    if kind == HistoryKind.MEASURE_ADDED:
        return _("measure included in the plan")
    if kind == HistoryKind.MEASURE_CHANGED:
        return _import_change_text(entry)
    if kind == HistoryKind.MEASURE_EXCLUDED:
        return _("excluded from the plan by its new version")
    if kind in _QUESTION_ENTRIES:
        return _question_entry(kind, details)
    if kind == HistoryKind.MEASURE_RESTORED:
        return _("returned to the plan by its new version")
    return escape(shorten(kind, WHO_LENGTH))


def history_line(
    entry: HistoryEntry, *, several_bodies: bool = False, zone: str | None = None
) -> str:
    """One entry: its day (in the reader's time zone `zone`; UTC when not given), who (with
    their body when the measure has several), what."""
    day = format_day(entry.at.astimezone(time_zone(zone)).date() if zone else entry.at.date())
    who = escape(shorten(entry.who, WHO_LENGTH)) if entry.who else ""
    body = entry.details.get("body")
    if several_bodies and body and entry.kind.startswith("report_"):
        body_text = escape(shorten(str(body), BODY_LENGTH))
        who = f"{who} ({body_text})" if who else body_text
    who = f" — {who}" if who else ""

    def said(key: str) -> str:
        value = entry.details.get(key)
        return "—" if value is None else escape(shorten(str(value), ENTRY_TEXT_LENGTH))

    return f"• {day}{who}: {_entry_text(entry, said)}"


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


def is_shortened(card: MeasureCard) -> bool:
    """Whether the card cuts the title or the expected result (then "Full text" shows them)."""
    return len(card.title) > TITLE_LENGTH or len(card.result or "") > RESULT_LENGTH


def executor_line(executor: ExecutorOnCard, status: Status | None = None) -> str:
    """A body answering for the measure: its role, and its own part's status when given."""
    name = executor.name
    if executor.short_name and executor.short_name != executor.name:
        name += f" ({executor.short_name})"
    marks = [_("lead executor") if executor.is_lead else _("co-executor")]
    if executor.by_agreement:
        marks.append(_("by agreement"))
    if executor.group:
        marks.append(_("of the group {group}").format(group=shorten(executor.group, WHO_LENGTH)))
    if executor.named_person:
        marks.append(shorten(executor.named_person, WHO_LENGTH))
    line = escape(shorten(f"{name} — {', '.join(marks)}", EXECUTOR_LENGTH))
    if status is not None:
        line += ": " + work_status_label(status, _)
    return line


def render_card(
    card: MeasureCard,
    today: date,
    organization_ids: frozenset[int] | None,
    *,
    zone: str | None = None,
) -> str:
    """The card, within a message's limit whatever the measure holds: every field is shortened
    to its share (see the lengths above), and the page of its history it was loaded with (its
    days in the reader's time zone `zone`, where `today` is)."""
    title = escape(shorten(card.title, TITLE_LENGTH))
    lines = [f"<b>{escape(shorten(card.number, NUMBER_LENGTH))}</b> {title}", ""]
    lines.append(_("Plan: {title}").format(title=escape(shorten(card.plan_title, FIELD_LENGTH))))
    if card.section:
        lines.append(
            _("Section: {title}").format(title=escape(shorten(card.section, FIELD_LENGTH)))
        )
    lines.append(deadline_line(card, today))
    lines.extend(_executor_lines(card, today))
    if card.coordinators:
        lines.append(_coordinators_line(card))
    if card.result:
        lines.append(
            _("Expected document: {result}").format(
                result=escape(shorten(card.result, RESULT_LENGTH))
            )
        )
    status = work_status_label(card.status_for(organization_ids, today), _)
    if card.removed:
        status = _("removed from the plan")
    lines.append(_("Status: {status}").format(status=status))
    if card.history.total:
        lines.extend(_history_lines(card, zone))
    return "\n".join(lines)


def _executor_lines(card: MeasureCard, today: date) -> list[str]:
    """The first executors (the lead first), each with its own part's status, and how many
    more there are."""
    if not card.executors:
        return [_("Executors: none assigned")]
    shown = card.executors[:EXECUTORS_SHOWN]
    lines = [_("Executors:")]
    lines.extend(
        f"• {executor_line(executor, card.part_status(executor, today))}" for executor in shown
    )
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


def _history_lines(card: MeasureCard, zone: str | None) -> list[str]:
    """The page of the card's history it was loaded with, oldest first, under its heading."""
    page = card.history
    lines = [""]
    if page.pages > 1:
        lines.append(
            _("History ({first}–{last} of {total}):").format(
                first=page.first_number, last=page.last_number, total=page.total
            )
        )
    else:
        lines.append(_("History:"))
    several_bodies = len(card.executors) > 1
    lines.extend(
        history_line(entry, several_bodies=several_bodies, zone=zone) for entry in page.entries
    )
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
    return data_button(text, callback_data.pack())


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


def _card_rows(card: MeasureCard, back: str, page: int) -> list[list[InlineKeyboardButton]]:
    """ "Full text" when the card shortens the title or result, and the history's page buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    if is_shortened(card):
        rows.append([_button(_("Full text"), CardFullText(measure_id=card.measure_id))])
    if card.earlier_wordings:
        rows.append([_button(_("Earlier wordings"), CardVersions(measure_id=card.measure_id))])
    shown = card.history
    navigation = []
    if shown.has_older:
        navigation.append(
            _button(
                _("‹ More history"),
                CardHistory(
                    measure_id=card.measure_id, history=shown.page + 1, back=back, page=page
                ),
            )
        )
    if shown.has_newer:
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
    official_requests: bool = False,
) -> InlineKeyboardMarkup | None:
    """Back to the /my list when opened from there; a coordinator of the measure's plan also
    gets its actions (`can_coordinate`, decided by the caller from the person's roles);
    `report_buttons` (to report, to open a report) come first, one per row. With the `card`:
    "Full text" when its title or result is shortened, and the history's page buttons (around
    the page the card holds). `official_requests`: the person serves a body executing the
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
        rows.extend(_card_rows(card, back, page))
    if back:
        target = MeasureList.from_back(back, page) or MyList(group=back, page=page)
        rows.append([_button(_("« Back to the list"), target)])
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=rows)
