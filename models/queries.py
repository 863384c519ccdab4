"""Query functions: they read and write through the given session and never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    and_,
    bindparam,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlalchemy.orm.base import manager_of_class
from sqlalchemy.orm.util import AliasedClass, identity_key
from sqlalchemy.sql import Executable

from models.engine import conflict_insert

# The outbox's query functions live in models/outbox.py; callers may import them from here.
from models.outbox import cancel_notifications_of as cancel_notifications_of
from models.outbox import enqueue_notification as enqueue_notification
from models.outbox import release_reminder_marks as release_reminder_marks
from models.prepared import connection_rows, prepared, session_connection
from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
)

# --- Shared predicates (one definition each; use them in every query) ----------------------

# The statuses of an assignment that still owes a report: not submitted, not accepted.
OPEN_STATUSES = (AssignmentStatus.IN_PROGRESS, AssignmentStatus.RETURNED)


def active_assignment(
    assignment: type[Assignment] | AliasedClass[Assignment] = Assignment,
) -> ColumnElement[bool]:
    """An assignment in force. Ending one sets `valid_until` to the day it ended, and from
    that day on it is history: an assignment ending today is no longer active.

    `assignment` is the table or an alias of it (the table when not given)."""
    return assignment.valid_until.is_(None)


def live_measure(measure: type[Measure] | AliasedClass[Measure] = Measure) -> ColumnElement[bool]:
    """A measure still in its plan (a later import of the plan did not remove it)."""
    return measure.removed_at.is_(None)


def open_measure(measure: type[Measure] | AliasedClass[Measure] = Measure) -> ColumnElement[bool]:
    """A live measure not yet done."""
    return and_(measure.done_on.is_(None), live_measure(measure))


def live_plan(plan: type[Plan] | AliasedClass[Plan] = Plan) -> ColumnElement[bool]:
    """A plan not archived."""
    return plan.is_archived.is_(False)


def active_membership(
    membership: type[Membership] | AliasedClass[Membership] = Membership,
) -> ColumnElement[bool]:
    """A membership in force (leaving or being removed sets `is_active` to false).

    `membership` is the table or an alias of it (the table when not given)."""
    return membership.is_active.is_(True)


def active_official() -> ColumnElement[bool]:
    """A person not deactivated (removed from every body and plan they had)."""
    return Official.is_active.is_(True)


async def plain_rows(
    session: AsyncSession, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> Sequence[Row[Any]]:
    """The rows of a statement that selects columns (no mapped objects), in the session's
    transaction but past the ORM's result machinery, which costs more than the query itself on
    every row. Pending changes are flushed first, as `session.execute` would. A statement
    marked `prepared` (models.prepared) runs on the driver connection where it can."""
    if session.new or session.dirty or session.deleted:
        await session.flush()
    return await connection_rows(await session_connection(session), statement, parameters)


async def official_by_telegram_id(session: AsyncSession, telegram_id: int) -> Official | None:
    return await session.scalar(select(Official).where(Official.telegram_id == telegram_id))


async def insert_official_if_absent(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
) -> None:
    """Insert a person by Telegram id unless one exists (safe when two updates race)."""
    insert = conflict_insert(session)
    statement = (
        insert(Official)
        .values(
            telegram_id=telegram_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
        )
        .on_conflict_do_nothing(index_elements=[Official.telegram_id])
    )
    await session.execute(statement)


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column` equals one of these constant values, written as equalities: an IN list is an
    expanding parameter, re-rendered on every execution of a statement built once."""
    return or_(*(column == value for value in values))


def _executor_roles(role: Any) -> ColumnElement[bool]:
    return one_of(role, (Role.OFFICIAL, Role.HEAD))


def _zone_subqueries(official_id: Any) -> tuple[ScalarSelect[Any], ScalarSelect[Any]]:
    """The first zone set on a body the person answers for, and the first set on a plan they
    coordinate or their bodies execute (NULL where none is set). Memberships are aliased: the
    person query joins memberships too, and these must not correlate to its rows."""
    member = aliased(Membership)
    coordinates = aliased(Membership)
    bodies = (
        select(member.organization_id)
        .where(
            member.official_id == official_id,
            _executor_roles(member.role),
            active_membership(member),
        )
        .correlate(Official)
    )
    coordinated = (
        select(coordinates.plan_id)
        .where(
            coordinates.official_id == official_id,
            coordinates.role == Role.COORDINATOR,
            active_membership(coordinates),
        )
        .correlate(Official)
    )
    # Asked of the few plans that have a zone, stopping at a body's first measure in one
    # (listing the plans of all the bodies' measures cost more than the rest of the query).
    executes = (
        select(Measure.id)
        .join(Assignment, Assignment.measure_id == Measure.id)
        .where(Measure.plan_id == Plan.id, Assignment.organization_id.in_(bodies))
        .exists()
    )
    body_zone = (
        select(Organization.timezone)
        .where(Organization.id.in_(bodies), Organization.timezone.is_not(None))
        .order_by(Organization.id)
        .limit(1)
        .scalar_subquery()
    )
    plan_zone = (
        select(Plan.timezone)
        .where(Plan.timezone.is_not(None), or_(Plan.id.in_(coordinated), executes))
        .order_by(Plan.id)
        .limit(1)
        .scalar_subquery()
    )
    return body_zone, plan_zone


@dataclass(frozen=True, slots=True)
class ZoneCandidates:
    """The zones stored for a person, their bodies and their plans (None where not set)."""

    own: str | None
    body: str | None
    plan: str | None


# Built once (building took longer than running): every update asks for the person's zone.
_ZONE_CANDIDATES = prepared(
    select(Official.timezone, *_zone_subqueries(bindparam("official_id"))).where(
        Official.id == bindparam("official_id")
    )
)


async def zone_candidates(session: AsyncSession, official_id: int) -> ZoneCandidates:
    """One query: the person's own zone, their first body's and their first plan's."""
    rows = await plain_rows(session, _ZONE_CANDIDATES, {"official_id": official_id})
    if not rows:
        return ZoneCandidates(None, None, None)
    return ZoneCandidates(*rows[0])


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A stored person as every update first reads them, with their active memberships
    (role, plan, body)."""

    official: Official
    memberships: list[tuple[Role, int | None, int | None]]


# The person's columns by attribute name, in the order `_OFFICIAL_AND_MEMBERSHIPS` selects them.
_OFFICIAL_KEYS = tuple(attribute.key for attribute in inspect(Official).column_attrs)
_PERSON_FIELDS = len(_OFFICIAL_KEYS)
_OFFICIAL_MANAGER = manager_of_class(Official)

# Built once: every update runs it first. The person's columns, not the mapped object: loading
# an object through the ORM cost more than the rest of the query (see `_as_persistent`). The
# zones of their bodies and plans are not read here: few updates need them, and finding the
# plans of a body's measures cost SQLite more than the rest of the query
# (`bot.clock.timezone_of` reads them when asked).
_OFFICIAL_AND_MEMBERSHIPS = prepared(
    select(
        *(getattr(Official, key) for key in _OFFICIAL_KEYS),
        Membership.role,
        Membership.plan_id,
        Membership.organization_id,
    )
    .outerjoin(
        Membership,
        and_(Membership.official_id == Official.id, active_membership()),
    )
    .where(Official.telegram_id == bindparam("telegram_id"))
)


async def official_and_memberships(session: AsyncSession, telegram_id: int) -> PersonRecord | None:
    """The person with this Telegram id and their active memberships, in one query."""
    rows = await plain_rows(session, _OFFICIAL_AND_MEMBERSHIPS, {"telegram_id": telegram_id})
    if not rows:
        return None
    first = rows[0]
    official = await _as_persistent(session, first[:_PERSON_FIELDS])
    role = _PERSON_FIELDS
    memberships = [
        (row[role], row[role + 1], row[role + 2]) for row in rows if row[role] is not None
    ]
    return PersonRecord(official, memberships)


async def _as_persistent(session: AsyncSession, values: Sequence[Any]) -> Official:
    """The stored person whose columns were read as `values`, as the session's object: the
    same one a query would give (in the identity map, unchanged, its changes flushed as
    usual), built without the ORM's loading machinery. A person the session already holds is
    read through the ORM, which knows how to merge with it."""
    fields = dict(zip(_OFFICIAL_KEYS, values, strict=True))
    sync_session = session.sync_session
    if sync_session.identity_map.get(identity_key(Official, fields["id"])) is not None:
        return await session.get_one(Official, fields["id"])
    # As the ORM's loading does: the values go straight into the new object's state (no
    # attribute events, no history), then it gets its identity, as though just loaded.
    official = _OFFICIAL_MANAGER.new_instance()
    official.__dict__.update(fields)
    make_transient_to_detached(official)
    sync_session.add(official)
    return official


async def active_memberships(
    session: AsyncSession, official_id: int
) -> Sequence[tuple[Role, int | None, int | None]]:
    rows = await session.execute(
        select(Membership.role, Membership.plan_id, Membership.organization_id).where(
            Membership.official_id == official_id, active_membership()
        )
    )
    return [(row.role, row.plan_id, row.organization_id) for row in rows]


async def coordinators_for_menus(session: AsyncSession) -> Sequence[tuple[int, str | None]]:
    """(Telegram id, chosen locale) of every active coordinator, for their command menus."""
    rows = await session.execute(
        select(Official.telegram_id, Official.locale)
        .join(Membership, Membership.official_id == Official.id)
        .where(
            Membership.role.in_([Role.COORDINATOR, Role.ADMINISTRATOR]),
            active_membership(),
            active_official(),
        )
        .distinct()
    )
    return [(row.telegram_id, row.locale) for row in rows]


async def locales_by_telegram_id(
    session: AsyncSession, telegram_ids: Iterable[int]
) -> dict[int, str | None]:
    ids = list(telegram_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Official.telegram_id, Official.locale).where(Official.telegram_id.in_(ids))
    )
    return {row.telegram_id: row.locale for row in rows}


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone the bot can write to: who, at which chat, in which time zone."""

    official_id: int
    telegram_id: int
    timezone: str | None


async def plan_reviewers(
    session: AsyncSession, plan_ids: set[int], admin_telegram_ids: frozenset[int]
) -> dict[int, list[Recipient]]:
    """Each plan's reachable coordinators; a plan without one falls to the administrators."""
    result: dict[int, list[Recipient]] = defaultdict(list)
    if not plan_ids:
        return result
    for plan_id, official_id, telegram_id, timezone in await session.execute(
        select(Membership.plan_id, Official.id, Official.telegram_id, Official.timezone)
        .join(Official, Official.id == Membership.official_id)
        .where(
            Membership.plan_id.in_(plan_ids),
            Membership.role == Role.COORDINATOR,
            active_membership(),
            active_official(),
            Official.blocked_bot_at.is_(None),
        )
    ):
        result[plan_id].append(Recipient(official_id, telegram_id, timezone))
    orphans = plan_ids - set(result)
    if orphans and admin_telegram_ids:
        admins = await administrators(session, admin_telegram_ids)
        for plan_id in orphans:
            result[plan_id] = list(admins)
    return result


async def administrators(
    session: AsyncSession, admin_telegram_ids: frozenset[int]
) -> list[Recipient]:
    """The administrators who have written to the bot and not blocked it."""
    if not admin_telegram_ids:
        return []
    return [
        Recipient(official_id, telegram_id, timezone)
        for official_id, telegram_id, timezone in await session.execute(
            select(Official.id, Official.telegram_id, Official.timezone).where(
                Official.telegram_id.in_(admin_telegram_ids),
                Official.blocked_bot_at.is_(None),
            )
        )
    ]
