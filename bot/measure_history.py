"""A measure's history as its card shows it: every event in order, from several sources.

Each source reads one kind of record (reports and their reviews, deadline changes, a
coordinator's assignments, what imports of the plan did) and gives `HistoryEntry`s. The card
shows one page of the merged history, latest first; a measure may have hundreds of events, so
a page is loaded alone: each source counts its entries and reads only its newest ones, as many
as the pages up to the one shown hold (the newest N entries of the whole history are among the
newest N of each source).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.prepared import prepared
from models.queries import plain_rows
from models.tables import (
    Assignment,
    AuditEvent,
    DeadlineChange,
    DeadlineChangeStatus,
    Measure,
    MeasureQuestion,
    Official,
    Organization,
    PlanVersion,
    Report,
    VersionKind,
    display_name,
)

# Entries on one page of the card's history.
HISTORY_PAGE = 5


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event: when, what (`kind`, see `HistoryKind`), who did it (None: the bot or an
    import without a person), and what the card says about it."""

    at: datetime
    kind: str
    who: str | None
    details: dict[str, object]


class HistoryKind:
    """The kinds of entries (strings: a source added at merge may bring its own)."""

    REPORT_SUBMITTED = "report_submitted"
    REPORT_ACCEPTED = "report_accepted"
    REPORT_RETURNED = "report_returned"
    DEADLINE_REQUESTED = "deadline_requested"
    DEADLINE_APPLIED = "deadline_applied"
    DEADLINE_REJECTED = "deadline_rejected"
    BODY_ASSIGNED = "body_assigned"
    BODY_REMOVED = "body_removed"
    BODY_ROLE_CHANGED = "body_role_changed"
    # A body's part passed to its successor (bot.successors): details {"body" (the
    # successor), "predecessor", "since"}.
    BODY_SUCCEEDED = "body_succeeded"
    MEASURE_ADDED = "measure_added"
    MEASURE_CHANGED = "measure_changed"
    MEASURE_EXCLUDED = "measure_excluded"
    MEASURE_RESTORED = "measure_restored"
    # Questions and "not ours" claims (bot.measure_questions): details {"text", "body"} when
    # asked; {"answer", "body", "new_body"} when answered.
    QUESTION_ASKED = "question_asked"
    QUESTION_ANSWERED = "question_answered"
    NOT_OURS_CLAIMED = "not_ours_claimed"
    NOT_OURS_KEPT = "not_ours_kept"
    NOT_OURS_REASSIGNED = "not_ours_reassigned"


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of a measure's history: `entries` oldest first; page 0 holds the latest."""

    entries: tuple[HistoryEntry, ...]
    page: int
    pages: int
    total: int
    size: int = HISTORY_PAGE

    @property
    def has_older(self) -> bool:
        return self.page + 1 < self.pages

    @property
    def has_newer(self) -> bool:
        return self.page > 0

    @property
    def last_number(self) -> int:
        """The position (from 1, oldest first) of the page's latest entry."""
        return self.total - self.page * self.size

    @property
    def first_number(self) -> int:
        return self.last_number - len(self.entries) + 1


EMPTY_HISTORY = HistoryPage(entries=(), page=0, pages=1, total=0)

Newest = Callable[[AsyncSession, int, int], Awaitable[list[HistoryEntry]]]
Count = Callable[[AsyncSession, int], Awaitable[int]]
WholeSource = Callable[[AsyncSession, int], Awaitable[list[HistoryEntry]]]


@dataclass(frozen=True, slots=True)
class HistorySource:
    """One kind of record: how many entries it gives a measure, and its newest `limit` ones
    (at least those; oldest first, so that entries of one moment keep their order).

    `counting`, when given, is the count as one statement (a `measure_id` parameter), plus
    `extra`: the card counts every such source in one statement (`history_page`)."""

    name: str
    count: Count
    newest: Newest
    counting: Select[Any] | None = None
    extra: int = 0


def whole_source(name: str, entries: WholeSource) -> HistorySource:
    """A source that reads all its entries at once (`async def (session, measure_id)`), for
    records a measure has few of."""

    async def count(session: AsyncSession, measure_id: int) -> int:
        return len(await entries(session, measure_id))

    async def newest(session: AsyncSession, measure_id: int, limit: int) -> list[HistoryEntry]:
        found = sorted(await entries(session, measure_id), key=lambda entry: entry.at)
        return found[-limit:]

    return HistorySource(name, count, newest)


_PERSON = (Official.full_name, Official.first_name, Official.last_name, Official.telegram_id)


def _name(
    full_name: str | None, first: str | None, last: str | None, telegram_id: int | None
) -> str | None:
    return None if telegram_id is None else display_name(full_name, first, last, telegram_id)


def _count_of(statement: Select[Any]) -> Select[Any]:
    """The number of rows `statement` gives, as one statement."""
    return select(func.count()).select_from(statement.order_by(None).subquery())


def _counted(counting: Select[Any], extra: int = 0) -> Count:
    async def count(session: AsyncSession, measure_id: int) -> int:
        rows = await plain_rows(session, counting, {"measure_id": measure_id})
        return int(rows[0][0]) + extra

    return count


# --- Reports and their reviews ------------------------------------------------------------------

_REVIEWER = aliased(Official)
_REPORT_LAST_EVENT = func.coalesce(Report.reviewed_at, Report.submitted_at)
_REPORTS = (
    select(
        Report.submitted_at,
        Report.comment,
        Report.reviewed_at,
        Report.status,
        Report.review_reason,
        func.coalesce(Organization.short_name, Organization.full_name),
        *_PERSON,
        _REVIEWER.full_name,
        _REVIEWER.first_name,
        _REVIEWER.last_name,
        _REVIEWER.telegram_id,
    )
    .join(Assignment, Assignment.id == Report.assignment_id)
    .join(Organization, Organization.id == Assignment.organization_id)
    .join(Official, Official.id == Report.author_id)
    .outerjoin(_REVIEWER, _REVIEWER.id == Report.reviewer_id)
    .where(Assignment.measure_id == bindparam("measure_id"))
)
_NEWEST_REPORTS = prepared(
    _REPORTS.order_by(_REPORT_LAST_EVENT.desc(), Report.id.desc()).limit(bindparam("limit"))
)


def _report_entries(row: Sequence[Any]) -> list[HistoryEntry]:
    submitted_at, comment, reviewed_at, status, reason, body = row[:6]
    author, reviewer = _name(*row[6:10]), _name(*row[10:14])
    entries = [
        HistoryEntry(
            submitted_at, HistoryKind.REPORT_SUBMITTED, author, {"comment": comment, "body": body}
        )
    ]
    if reviewed_at is not None:
        entries.append(
            HistoryEntry(
                reviewed_at, f"report_{status.value}", reviewer, {"reason": reason, "body": body}
            )
        )
    return entries


async def _newest_reports(session: AsyncSession, measure_id: int, limit: int) -> list[HistoryEntry]:
    # A report gives up to two entries; the newest `limit` entries are among those of the
    # `limit` reports whose latest event is newest.
    rows = await plain_rows(session, _NEWEST_REPORTS, {"measure_id": measure_id, "limit": limit})
    return [entry for row in reversed(rows) for entry in _report_entries(row)]


_REPORT_COUNT = (
    select(func.count(Report.id) + func.count(Report.reviewed_at))
    .join(Assignment, Assignment.id == Report.assignment_id)
    .where(Assignment.measure_id == bindparam("measure_id"))
)


REPORTS = HistorySource("reports", _counted(_REPORT_COUNT), _newest_reports, counting=_REPORT_COUNT)


# --- Deadline requests and changes --------------------------------------------------------------

_DECIDER = aliased(Official)
_CHANGE_LAST_EVENT = func.coalesce(DeadlineChange.decided_at, DeadlineChange.created_at)
_DEADLINE_CHANGES = (
    select(
        DeadlineChange.created_at,
        DeadlineChange.decided_at,
        DeadlineChange.status,
        DeadlineChange.old_deadline,
        DeadlineChange.new_deadline,
        DeadlineChange.reason,
        DeadlineChange.decision_reason,
        DeadlineChange.requested_by_id,
        DeadlineChange.decided_by_id,
        *_PERSON,
        _DECIDER.full_name,
        _DECIDER.first_name,
        _DECIDER.last_name,
        _DECIDER.telegram_id,
    )
    .outerjoin(Official, Official.id == DeadlineChange.requested_by_id)
    .outerjoin(_DECIDER, _DECIDER.id == DeadlineChange.decided_by_id)
    .where(DeadlineChange.measure_id == bindparam("measure_id"))
)
_NEWEST_DEADLINE_CHANGES = prepared(
    _DEADLINE_CHANGES.order_by(_CHANGE_LAST_EVENT.desc(), DeadlineChange.id.desc()).limit(
        bindparam("limit")
    )
)


def _deadline_entries(row: Sequence[Any]) -> list[HistoryEntry]:
    """A change made at once (asked and decided by the same person, or by an import): one
    entry; a request: the request, and its decision once there is one."""
    created_at, decided_at, status, old, new, reason, decision_reason = row[:7]
    requested_by, decided_by = row[7:9]
    requester, decider = _name(*row[9:13]), _name(*row[13:17])
    dates = {"old": old, "new": new}
    if status is DeadlineChangeStatus.APPLIED and requested_by == decided_by:
        return [
            HistoryEntry(
                decided_at or created_at,
                HistoryKind.DEADLINE_APPLIED,
                decider,
                {**dates, "reason": reason},
            )
        ]
    entries = [
        HistoryEntry(
            created_at, HistoryKind.DEADLINE_REQUESTED, requester, {**dates, "reason": reason}
        )
    ]
    if status is not DeadlineChangeStatus.REQUESTED and decided_at is not None:
        entries.append(
            HistoryEntry(
                decided_at,
                f"deadline_{status.value}",
                decider,
                {**dates, "reason": decision_reason},
            )
        )
    return entries


async def _newest_deadline_changes(
    session: AsyncSession, measure_id: int, limit: int
) -> list[HistoryEntry]:
    rows = await plain_rows(
        session, _NEWEST_DEADLINE_CHANGES, {"measure_id": measure_id, "limit": limit}
    )
    return [entry for row in reversed(rows) for entry in _deadline_entries(row)]


_DIRECT_CHANGE = and_(
    DeadlineChange.status == DeadlineChangeStatus.APPLIED,
    DeadlineChange.requested_by_id.is_not_distinct_from(DeadlineChange.decided_by_id),
)
# One entry per change, and one more for a request's decision (`_deadline_entries`).
_DEADLINE_COUNT = select(
    func.count(DeadlineChange.id)
    + func.count(
        case(
            (
                and_(
                    not_(_DIRECT_CHANGE),
                    DeadlineChange.status != DeadlineChangeStatus.REQUESTED,
                    DeadlineChange.decided_at.is_not(None),
                ),
                1,
            )
        )
    )
).where(DeadlineChange.measure_id == bindparam("measure_id"))


DEADLINE_CHANGES = HistorySource(
    "deadline_changes",
    _counted(_DEADLINE_COUNT),
    _newest_deadline_changes,
    counting=_DEADLINE_COUNT,
)


# --- A coordinator's assignments ---------------------------------------------------------------

_ASSIGNMENT_ACTIONS = {
    "assignment_created": HistoryKind.BODY_ASSIGNED,
    "assignment_revived": HistoryKind.BODY_ASSIGNED,
    "assignment_ended": HistoryKind.BODY_REMOVED,
    "assignment_succeeded": HistoryKind.BODY_SUCCEEDED,
}
_ASSIGNMENT_EVENTS = (
    select(
        AuditEvent.created_at,
        AuditEvent.action,
        Organization.full_name,
        Organization.short_name,
        AuditEvent.old_value,
        AuditEvent.new_value,
        *_PERSON,
    )
    .join(
        Assignment,
        and_(AuditEvent.entity_type == "assignments", Assignment.id == AuditEvent.entity_id),
    )
    .join(Organization, Organization.id == Assignment.organization_id)
    .outerjoin(Official, Official.id == AuditEvent.actor_id)
    .where(
        Assignment.measure_id == bindparam("measure_id"),
        AuditEvent.action.in_(tuple(_ASSIGNMENT_ACTIONS)),
    )
)
_NEWEST_ASSIGNMENT_EVENTS = prepared(
    _ASSIGNMENT_EVENTS.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(
        bindparam("limit")
    )
)


async def _newest_assignments(
    session: AsyncSession, measure_id: int, limit: int
) -> list[HistoryEntry]:
    rows = await plain_rows(
        session, _NEWEST_ASSIGNMENT_EVENTS, {"measure_id": measure_id, "limit": limit}
    )
    return [
        HistoryEntry(
            at, _ASSIGNMENT_ACTIONS[action], _name(*who), _assignment_details(full, short, old, new)
        )
        for at, action, full, short, old, new, *who in reversed(rows)
    ]


def _assignment_details(
    full: str, short: str | None, old: object, new: object
) -> dict[str, object]:
    """The body, and for a part passed to a successor the former body and the day."""
    details: dict[str, object] = {"body": short or full}
    if isinstance(old, dict) and isinstance(new, dict) and "since" in new:
        details["predecessor"] = old.get("name")
        details["since"] = new.get("since")
    return details


_ASSIGNMENT_COUNT = _count_of(_ASSIGNMENT_EVENTS)
ASSIGNMENTS = HistorySource(
    "assignments", _counted(_ASSIGNMENT_COUNT), _newest_assignments, counting=_ASSIGNMENT_COUNT
)


# --- What imports of the plan did ---------------------------------------------------------------

# Audit actions of an import on a measure. A moved deadline is left to its DeadlineChange
# (the import records one), and its wording goes with it.
_IMPORT_ACTIONS = {
    "measure_changed": HistoryKind.MEASURE_CHANGED,
    "measure_removed": HistoryKind.MEASURE_EXCLUDED,
    "measure_restored": HistoryKind.MEASURE_RESTORED,
    "executor_added": HistoryKind.BODY_ASSIGNED,
    "executor_removed": HistoryKind.BODY_REMOVED,
    "executor_changed": HistoryKind.BODY_ROLE_CHANGED,
}
_IMPORT_EVENTS = (
    select(
        AuditEvent.created_at,
        AuditEvent.action,
        AuditEvent.field,
        AuditEvent.old_value,
        AuditEvent.new_value,
        PlanVersion.kind,
        PlanVersion.order_number,
        PlanVersion.order_date,
        PlanVersion.file_name,
        *_PERSON,
    )
    .outerjoin(Official, Official.id == AuditEvent.actor_id)
    .outerjoin(PlanVersion, PlanVersion.id == AuditEvent.plan_version_id)
    .where(
        AuditEvent.entity_type == "measures",
        AuditEvent.entity_id == bindparam("measure_id"),
        AuditEvent.action.in_(tuple(_IMPORT_ACTIONS)),
        or_(AuditEvent.field.is_(None), AuditEvent.field.not_in(("deadline", "deadline_text"))),
    )
)
_NEWEST_IMPORT_EVENTS = prepared(
    _IMPORT_EVENTS.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(
        bindparam("limit")
    )
)
_MEASURE_ADDED = prepared(select(Measure.created_at).where(Measure.id == bindparam("measure_id")))


async def _newest_imports(session: AsyncSession, measure_id: int, limit: int) -> list[HistoryEntry]:
    parameters = {"measure_id": measure_id, "limit": limit}
    rows = await plain_rows(session, _NEWEST_IMPORT_EVENTS, parameters)
    entries = []
    if len(rows) < limit:  # the oldest entry of all: the measure came with a plan's file
        for (created_at,) in await plain_rows(session, _MEASURE_ADDED, parameters):
            entries.append(HistoryEntry(created_at, HistoryKind.MEASURE_ADDED, None, {}))
    entries.extend(
        HistoryEntry(
            at,
            _IMPORT_ACTIONS[action],
            _name(*who),
            {
                "field": field,
                "old": old,
                "new": new,
                "by_import": True,
                "version": version_details(*version),
            },
        )
        for at, action, field, old, new, *rest in reversed(rows)
        for version, who in [(rest[:4], rest[4:])]
    )
    return entries


def version_details(
    kind: VersionKind | None,
    order_number: str | None,
    order_date: date | None,
    file_name: str | None,
) -> dict[str, str | None] | None:
    """The plan version that made a change, as an entry's details name it (None: a change
    made before versions were kept)."""
    if kind is None:
        return None
    return {
        "kind": kind.value,
        "order_number": order_number,
        "order_date": order_date.isoformat() if order_date else None,
        "file_name": file_name,
    }


# Its events, and its inclusion in the plan (every measure has one).
_IMPORT_COUNT = _count_of(_IMPORT_EVENTS)
IMPORTS = HistorySource(
    "imports", _counted(_IMPORT_COUNT, 1), _newest_imports, counting=_IMPORT_COUNT, extra=1
)


# --- Earlier wordings ---------------------------------------------------------------------------

# The cells whose earlier text the card offers (bot.measure_versions): the wording, the deadline
# as written and as a date, and the expected document.
WORDING_FIELDS = ("title", "deadline_text", "deadline", "result")
WORDING_EVENT = and_(
    AuditEvent.entity_type == "measures",
    AuditEvent.entity_id == bindparam("measure_id"),
    AuditEvent.action == "measure_changed",
    AuditEvent.field.in_(WORDING_FIELDS),
)
# Built once: every card asks.
_HAS_EARLIER = prepared(select(exists().where(WORDING_EVENT)))


async def has_earlier_wordings(session: AsyncSession, measure_id: int) -> bool:
    """Whether the measure's wording or deadline was ever replaced (the card's button)."""
    rows = await plain_rows(session, _HAS_EARLIER, {"measure_id": measure_id})
    return bool(rows and rows[0][0])


# --- All of them --------------------------------------------------------------------------------


async def _question_entries(session: AsyncSession, measure_id: int) -> list[HistoryEntry]:
    # Imported here: bot.measure_questions reaches bot.measures, which reads this module.
    from bot.measure_questions import question_history

    return await question_history(session, measure_id)


# Questions and "not ours" claims with their answers (a handful per measure: read whole): one
# entry each, and one more when answered (bot.measure_questions.question_history).
_QUESTION_COUNT = select(
    func.count(MeasureQuestion.id)
    + func.count(
        case(
            (
                and_(
                    MeasureQuestion.answered_at.is_not(None),
                    MeasureQuestion.outcome.is_not(None),
                ),
                1,
            )
        )
    )
).where(MeasureQuestion.measure_id == bindparam("measure_id"))
QUESTIONS = replace(whole_source("questions", _question_entries), counting=_QUESTION_COUNT)

# The card's sources.
HISTORY_SOURCES: tuple[HistorySource, ...] = (
    IMPORTS,
    ASSIGNMENTS,
    REPORTS,
    DEADLINE_CHANGES,
    QUESTIONS,
)


# The sources' counts as one statement, built once per set of sources.
# Keyed by the counting statements themselves (the combined statement holds them, so their ids
# stay theirs): two sets of sources with the same names but other statements never share one.
_COUNTINGS: dict[tuple[int, ...], Select[Any]] = {}


async def _source_counts(
    session: AsyncSession, measure_id: int, sources: Sequence[HistorySource]
) -> list[int]:
    """How many entries each source gives the measure: those with a `counting` statement in
    one statement, the others one by one."""
    together = [
        (index, source.counting)
        for index, source in enumerate(sources)
        if source.counting is not None
    ]
    counts: list[int | None] = [None] * len(sources)
    if together:
        key = tuple(id(counting) for _, counting in together)
        statement = _COUNTINGS.get(key)
        if statement is None:
            statement = prepared(select(*(counting.scalar_subquery() for _, counting in together)))
            _COUNTINGS[key] = statement
        (row,) = await plain_rows(session, statement, {"measure_id": measure_id})
        for (index, _), count in zip(together, row, strict=True):
            counts[index] = int(count or 0) + sources[index].extra
    return [
        count if count is not None else await source.count(session, measure_id)
        for source, count in zip(sources, counts, strict=True)
    ]


async def history_page(
    session: AsyncSession,
    measure_id: int,
    page: int = 0,
    *,
    size: int = HISTORY_PAGE,
    sources: Sequence[HistorySource] = HISTORY_SOURCES,
) -> HistoryPage:
    """Page `page` of the measure's history (0: the latest entries; an old button's page out
    of range is the oldest page), reading only as many entries as the pages up to it hold, and
    nothing of a source that has none."""
    counts = await _source_counts(session, measure_id, sources)
    total = sum(counts)
    if total == 0:
        return EMPTY_HISTORY
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    wanted = (page + 1) * size
    entries: list[HistoryEntry] = []
    for source, count in zip(sources, counts, strict=True):
        if count:
            entries.extend(await source.newest(session, measure_id, wanted))
    # Oldest first, stable: entries of one moment keep their sources' order.
    entries.sort(key=lambda entry: entry.at)
    latest_first = entries[::-1][page * size : wanted]
    return HistoryPage(
        entries=tuple(reversed(latest_first)), page=page, pages=pages, total=total, size=size
    )
