"""The reminder policy: who is reminded about a measure, and when.

Pure rules over dates, no database and no Telegram: the scan that walks open measures, the
outbox that stores what is to be sent and the sender that talks to Telegram build on this.

The schedule of one measure, by audience (defaults; a coordinator may override them per plan,
see :class:`ReminderPolicy`):

* ``EXECUTOR`` (the officials of the responsible body): 14, 7, 3 and 1 calendar days before
  the deadline (kind ``"before"``) and on the day (kind ``"due_today"``); after the deadline,
  on every 2nd working day overdue — the 2nd, 4th, 6th… (kind ``"overdue"``), until the
  measure is reported.
* ``HEAD`` (the body's head, руководитель, if the body has one): on the 1st working day
  overdue, then every 5 working days ("weekly"): 1st, 6th, 11th… (kind ``"escalation"``).
* ``COORDINATOR`` (the plan's coordinators): on the 1st working day overdue when the body has
  no head, on the 2nd when it has one, so lateness climbs the body's own ladder first; then
  every 5 working days: 1st, 6th, 11th… or 2nd, 7th, 12th… (kind ``"escalation"``).

Counting
--------
* "Before" offsets are calendar days: the point of offset ``k`` belongs to ``deadline - k``.
  A point falling on a day off is delivered on the next working morning (see
  :func:`delivery_time`).
* "Working days overdue" count working days after the deadline, the deadline itself not
  counted: the n-th working day overdue is ``add_working_days(deadline, n)``. A deadline on
  Friday makes Monday the 1st working day overdue; so does a deadline on the Saturday or the
  Sunday (the deadline date has passed, as in the summaries, which call a measure overdue
  from the day after its deadline). On a day off the count is that of the last working day.
* "Today" is always the recipient's own local date (:func:`bot.calendar.local_today` in the
  zone from :func:`bot.clock.person_timezone`): the same UTC moment may be Friday in Kaliningrad and
  Saturday in Kamchatka, so two recipients of one measure may be at different points of its
  schedule.
* The schedule is a function of the current deadline only: a moved deadline changes every
  point at once (a measure overdue yesterday, whose deadline moves 10 days ahead, is back to
  the "before" points of the new date). Nothing about past deliveries is kept here.

Deduplication and missed points
-------------------------------
Only the latest due point of a (recipient, measure, audience) counts: :func:`latest_point`
never returns the backlog, so a bot that was down for a week sends one reminder, not five.
The caller stores ``ReminderPoint.key()`` with the recipient and the measure as a dedup key
and sends a point at most once. Audiences are independent: the executor's, the head's and the
coordinators' points are computed and deduplicated separately.

Because the latest point may be older than the moment it is delivered (the bot was down, or
the point fell on a weekend), the text of a message must be composed from the deadline and
the delivery date ("the deadline was 31 May"), not from the point's kind alone. A point queued
for later must be checked again at send time (:func:`is_remindable` and the key of the current
:func:`next_reminder`): the measure may have been reported or its deadline moved meanwhile.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from bot.calendar import (
    DEFAULT_START,
    add_working_days,
    local_today,
    next_delivery_time,
    time_zone,
    working_days_between,
)

# Matches the default of ``Settings.default_timezone``; callers pass the configured one.

# Assignment statuses meaning "a report is in" (see models.tables.AssignmentStatus).
REPORTED_STATUSES = frozenset({"submitted", "accepted"})

# The first working day overdue of each escalation.
HEAD_FIRST_WORKING_DAY = 1
COORDINATOR_FIRST_WORKING_DAY_WITHOUT_HEAD = 1
COORDINATOR_FIRST_WORKING_DAY_WITH_HEAD = 2

# Ranges a coordinator's override must respect.
MAX_DAYS_BEFORE = 60
MIN_EVERY_WORKING_DAYS = 1
MAX_EVERY_WORKING_DAYS = 20


class Audience(enum.StrEnum):
    EXECUTOR = "executor"
    HEAD = "head"
    COORDINATOR = "coordinator"


class PointKind(enum.StrEnum):
    BEFORE = "before"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


def _check_int(key: str, value: object, low: int, high: int) -> int:
    # bool is an int in Python, but ``true`` is never a meaningful count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key}: expected a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{key}: expected a number from {low} to {high}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """The reminder settings of a plan. Validated on construction.

    * ``before_days``: calendar days before the deadline to remind the executor on
      (0 = on the day), each 0..60; stored without duplicates, latest-first
      (descending). Empty means no reminders before the deadline.
    * ``overdue_every_working_days``: after the deadline, remind the executor on every
      n-th working day overdue (1..20).
    * ``escalation_every_working_days``: repeat each escalation (head, coordinators)
      every n working days after its first one (1..20); 5 means weekly.
    * ``enabled``: False silences every reminder and escalation of the plan.
    """

    before_days: tuple[int, ...] = (14, 7, 3, 1, 0)
    overdue_every_working_days: int = 2
    escalation_every_working_days: int = 5
    enabled: bool = True

    def __post_init__(self) -> None:
        days = self.before_days
        if isinstance(days, str | bytes) or not isinstance(days, list | tuple | set | frozenset):
            raise ValueError(f"before_days: expected a list of whole numbers, got {days!r}")
        checked = {_check_int("before_days", day, 0, MAX_DAYS_BEFORE) for day in days}
        object.__setattr__(self, "before_days", tuple(sorted(checked, reverse=True)))
        for key in ("overdue_every_working_days", "escalation_every_working_days"):
            _check_int(key, getattr(self, key), MIN_EVERY_WORKING_DAYS, MAX_EVERY_WORKING_DAYS)
        if not isinstance(self.enabled, bool):
            raise ValueError(f"enabled: expected true or false, got {self.enabled!r}")

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ReminderPolicy:
        """The policy stored with a plan; ``None`` (or ``{}``) means the defaults.

        Missing keys take the defaults and unknown keys are ignored (a newer version may have
        written them). A bad value raises ``ValueError`` whose message names the key.
        """
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError(f"reminder policy: expected a JSON object, got {data!r}")
        known = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_json(self, *, overrides_only: bool = False) -> dict[str, Any]:
        """A JSON-ready dict that :meth:`from_json` reads back to an equal policy.

        With ``overrides_only`` only the values that differ from the defaults are kept, so
        that a plan stored that way follows later changes of the other defaults.
        """
        data = {
            "before_days": list(self.before_days),
            "overdue_every_working_days": self.overdue_every_working_days,
            "escalation_every_working_days": self.escalation_every_working_days,
            "enabled": self.enabled,
        }
        if overrides_only:
            defaults = ReminderPolicy().to_json()
            data = {key: value for key, value in data.items() if value != defaults[key]}
        return data


DEFAULT_POLICY = ReminderPolicy()


@dataclass(frozen=True, slots=True)
class ReminderPoint:
    """One point of a measure's reminder schedule for one audience.

    ``point_day`` is the calendar day the point belongs to, in the recipient's zone (it may
    be a day off; delivery then waits for the next working morning). ``days_before`` is set
    for ``before`` and ``due_today`` (0), ``working_days_overdue`` for ``overdue`` and
    ``escalation``.
    """

    audience: Audience
    kind: PointKind
    point_day: date
    days_before: int | None = None
    working_days_overdue: int | None = None

    def key(self) -> str:
        """Stable text for a dedup key, e.g. ``"executor:before:7:2025-05-24"``.

        The number is ``days_before`` for ``before``/``due_today`` and
        ``working_days_overdue`` for ``overdue``/``escalation``. The caller adds the
        recipient and the measure.
        """
        number = self.days_before if self.days_before is not None else self.working_days_overdue
        return f"{self.audience}:{self.kind}:{number}:{self.point_day.isoformat()}"


def is_remindable(
    *, deadline: date | None, done_on: date | None, removed: bool, assignment_status: str
) -> bool:
    """True when a measure is still to be chased at all.

    Not remindable: no deadline, done (``done_on`` set), removed, or reported (the
    assignment's status is ``submitted`` — waiting for review — or ``accepted``). A returned
    report (``returned``) makes the measure remindable again.
    """
    if deadline is None or done_on is not None or removed:
        return False
    return str(assignment_status) not in REPORTED_STATUSES


# The schedule ------------------------------------------------------------------------


def _working_days_overdue(deadline: date, today: date) -> int:
    """Working days after ``deadline`` up to and including ``today`` (0 until it passes)."""
    if today <= deadline:
        return 0
    return working_days_between(deadline, today)


def _latest_before_point(
    policy: ReminderPolicy, deadline: date, today: date
) -> ReminderPoint | None:
    # The offset k belongs to ``deadline - k``, which is on or before today when
    # k >= deadline - today; the latest such day has the smallest such k.
    days_left = (deadline - today).days
    due = [offset for offset in policy.before_days if offset >= days_left]
    if not due:
        return None
    return _before_point(deadline, min(due))


def _before_point(deadline: date, offset: int) -> ReminderPoint:
    kind = PointKind.DUE_TODAY if offset == 0 else PointKind.BEFORE
    return ReminderPoint(
        Audience.EXECUTOR, kind, deadline - timedelta(days=offset), days_before=offset
    )


def _first_escalation_day(audience: Audience, body_has_head: bool) -> int | None:
    """The working day overdue of an audience's first escalation; None: never escalated."""
    if audience is Audience.HEAD:
        return HEAD_FIRST_WORKING_DAY if body_has_head else None
    if body_has_head:
        return COORDINATOR_FIRST_WORKING_DAY_WITH_HEAD
    return COORDINATOR_FIRST_WORKING_DAY_WITHOUT_HEAD


def _overdue_point(audience: Audience, kind: PointKind, deadline: date, n: int) -> ReminderPoint:
    return ReminderPoint(audience, kind, add_working_days(deadline, n), working_days_overdue=n)


def latest_point(
    policy: ReminderPolicy,
    audience: Audience,
    deadline: date,
    today: date,
    *,
    body_has_head: bool,
) -> ReminderPoint | None:
    """The latest point of ``audience``'s schedule on or before ``today``, or None.

    ``today`` is the recipient's local date. None means nothing is due yet (before the first
    offset day, or before the first escalation) or nothing is ever due for this audience
    (a head when the body has none; a disabled policy). Call only for a remindable measure
    (:func:`is_remindable`). The result is the same for every ``today`` until the next point,
    so its :meth:`ReminderPoint.key` is what a caller deduplicates on.
    """
    if not policy.enabled:
        return None
    audience = Audience(audience)
    overdue = _working_days_overdue(deadline, today)
    if audience is Audience.EXECUTOR:
        every = policy.overdue_every_working_days
        if overdue >= every:
            n = overdue - overdue % every
            return _overdue_point(audience, PointKind.OVERDUE, deadline, n)
        return _latest_before_point(policy, deadline, today)
    first = _first_escalation_day(audience, body_has_head)
    if first is None or overdue < first:
        return None
    every = policy.escalation_every_working_days
    n = first + (overdue - first) // every * every
    return _overdue_point(audience, PointKind.ESCALATION, deadline, n)


def points_until(
    policy: ReminderPolicy,
    audience: Audience,
    deadline: date,
    until: date,
    *,
    body_has_head: bool,
) -> list[ReminderPoint]:
    """Every point of ``audience``'s schedule with ``point_day <= until``, oldest first.

    For showing a coordinator what the policy will do; reminders use :func:`latest_point`.
    """
    if not policy.enabled:
        return []
    audience = Audience(audience)
    points: list[ReminderPoint] = []
    if audience is Audience.EXECUTOR:
        for offset in policy.before_days:  # descending: oldest day first
            point = _before_point(deadline, offset)
            if point.point_day <= until:
                points.append(point)
        first, every, kind = (
            policy.overdue_every_working_days,
            policy.overdue_every_working_days,
            PointKind.OVERDUE,
        )
    else:
        first_day = _first_escalation_day(audience, body_has_head)
        if first_day is None:
            return points
        first, every, kind = first_day, policy.escalation_every_working_days, PointKind.ESCALATION
    n = first
    while (point := _overdue_point(audience, kind, deadline, n)).point_day <= until:
        points.append(point)
        n += every
    return points


# Delivery ----------------------------------------------------------------------------


def delivery_time(point_day: date, now_utc: datetime, timezone: str) -> datetime:
    """When a point may be delivered, in UTC.

    Not before 09:00 local time on ``point_day``, not before ``now_utc``, and within working
    hours (09:00–18:00) of a working day in ``timezone``: a point on a Saturday goes out on
    Monday at 09:00 local time (or on the next working day after holidays); a point whose
    day has passed goes out now if now is working time, else on the next working morning.
    """
    opening = datetime.combine(point_day, DEFAULT_START, tzinfo=time_zone(timezone))
    return next_delivery_time(max(opening, now_utc), timezone)


@dataclass(frozen=True, slots=True)
class ScheduledReminder:
    """A point to deliver and the moment (UTC) it may be delivered."""

    point: ReminderPoint
    deliver_at: datetime


def next_reminder(
    policy: ReminderPolicy,
    audience: Audience,
    deadline: date,
    now_utc: datetime,
    timezone: str,
    *,
    body_has_head: bool,
) -> ScheduledReminder | None:
    """What the recipient is to be told at the next moment they may be told anything.

    "Today" is the recipient's local date of that moment (the next delivery time at or after
    ``now_utc`` in ``timezone``), not of ``now_utc``: seen on a Saturday, the points of
    Saturday, Sunday and Monday collapse into Monday's latest one, instead of a stale Saturday
    point and Monday's both arriving on Monday morning. The result's ``deliver_at`` is that
    moment (``now_utc`` itself inside working hours).
    """
    deliver_at = next_delivery_time(now_utc, timezone)
    today = local_today(deliver_at, timezone)
    point = latest_point(policy, audience, deadline, today, body_has_head=body_has_head)
    if point is None:
        return None
    return ScheduledReminder(point, delivery_time(point.point_day, now_utc, timezone))
