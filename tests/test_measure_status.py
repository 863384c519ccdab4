"""One status definition: the rules in Python and the same rules counted in SQL agree."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.measure_status import (
    Status,
    StatusDates,
    measure_status,
    part_status,
    part_status_expression,
)
from models.tables import Assignment, AssignmentStatus, Measure, Organization, Plan

TODAY = date(2026, 5, 20)


def part(deadline, status=AssignmentStatus.IN_PROGRESS, done_on=None, removed=False, today=TODAY):
    return part_status(
        deadline=deadline,
        assignment_status=status,
        measure_done_on=done_on,
        removed=removed,
        today=today,
    )


def test_a_report_waiting_for_review_is_not_overdue_even_past_its_deadline() -> None:
    assert part(TODAY - timedelta(days=3), AssignmentStatus.SUBMITTED) is Status.UNDER_REVIEW
    assert part(TODAY - timedelta(days=3), AssignmentStatus.RETURNED) is Status.OVERDUE


def test_deadline_today_is_due_soon_and_yesterday_is_overdue() -> None:
    assert part(TODAY) is Status.DUE_SOON
    assert part(TODAY + timedelta(days=7)) is Status.DUE_SOON
    assert part(TODAY + timedelta(days=8)) is Status.LATER
    assert part(TODAY - timedelta(days=1)) is Status.OVERDUE
    assert part(None) is Status.NO_DEADLINE


def test_a_done_measure_is_done_for_every_body_and_a_removed_one_is_history() -> None:
    assert part(TODAY - timedelta(days=30), done_on=TODAY) is Status.DONE
    assert part(TODAY - timedelta(days=30), AssignmentStatus.ACCEPTED) is Status.DONE
    assert part(TODAY, AssignmentStatus.ACCEPTED, removed=True) is Status.REMOVED


def test_the_lead_executor_decides_the_measure() -> None:
    late = TODAY - timedelta(days=2)
    lead_accepted = [(True, AssignmentStatus.ACCEPTED), (False, AssignmentStatus.IN_PROGRESS)]
    lead_submitted = [(True, AssignmentStatus.SUBMITTED), (False, AssignmentStatus.ACCEPTED)]
    co_submitted = [(True, AssignmentStatus.IN_PROGRESS), (False, AssignmentStatus.SUBMITTED)]
    no_lead = [(False, AssignmentStatus.ACCEPTED), (False, AssignmentStatus.RETURNED)]

    def status(parts, done_on=None):
        return measure_status(
            deadline=late, done_on=done_on, removed=False, parts=parts, today=TODAY
        )

    assert status(lead_accepted) is Status.DONE
    assert status(lead_submitted) is Status.UNDER_REVIEW
    assert status(co_submitted) is Status.OVERDUE
    assert status(no_lead) is Status.OVERDUE
    assert status(no_lead, done_on=TODAY) is Status.DONE


def test_today_is_the_bodys_date_vladivostok_is_a_day_ahead_of_moscow_at_night() -> None:
    # 20 May 2026, 20:00 in Moscow is 21 May, 03:00 in Vladivostok.
    dates = StatusDates.at(datetime(2026, 5, 20, 17, 0, tzinfo=UTC), "Europe/Moscow")
    assert dates.today("Europe/Moscow") == date(2026, 5, 20)
    assert dates.today("Asia/Vladivostok") == date(2026, 5, 21)
    assert dates.today(None) == date(2026, 5, 20)
    assert dates.today("Mars/Olympus") == date(2026, 5, 20)


async def test_the_database_counts_every_part_as_the_rules_say(session) -> None:
    """Random parts in bodies of three zones (and none), at a moment when the zones' dates
    differ: the SQL status of every part equals the Python one."""
    rng = random.Random(20260520)
    now = datetime(2026, 5, 20, 17, 0, tzinfo=UTC)
    dates = StatusDates.at(now, "Europe/Moscow")
    plan = Plan(title="План", timezone=rng.choice([None, "Asia/Yekaterinburg"]))
    session.add(plan)
    await session.flush()
    zones = [None, "Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad", "Nowhere/Bad"]
    bodies = [
        Organization(full_name=f"Орган {i}", name_key=f"body-{i}", timezone=zone)
        for i, zone in enumerate(zones)
    ]
    session.add_all(bodies)
    await session.flush()
    expected: dict[int, Status] = {}
    for index in range(300):
        deadline = rng.choice([None, TODAY + timedelta(days=rng.randint(-3, 10))])
        measure = Measure(
            plan_id=plan.id,
            number=str(index),
            number_key=str(index),
            sort_key=f"{index:05d}",
            title="x",
            deadline=deadline,
            done_on=rng.choice([None, None, None, TODAY]),
            removed_at=rng.choice([None] * 9 + [now]),
        )
        session.add(measure)
        await session.flush()
        body = rng.choice(bodies)
        assignment = Assignment(
            measure_id=measure.id,
            organization_id=body.id,
            is_lead=True,
            status=rng.choice(list(AssignmentStatus)),
        )
        session.add(assignment)
        await session.flush()
        zone = body.timezone if body.timezone in dates.today_by_zone else None
        zone = zone or (plan.timezone if plan.timezone in dates.today_by_zone else None)
        expected[assignment.id] = part(
            deadline,
            assignment.status,
            done_on=measure.done_on,
            removed=measure.removed_at is not None,
            today=dates.today(zone),
        )

    status = part_status_expression(
        assignment=Assignment,
        measure=Measure,
        dates=dates,
        zone_columns=(Organization.timezone, Plan.timezone),
    )
    rows = await session.execute(
        select(Assignment.id, status)
        .join(Measure, Measure.id == Assignment.measure_id)
        .join(Plan, Plan.id == Measure.plan_id)
        .join(Organization, Organization.id == Assignment.organization_id)
    )
    found = {assignment_id: Status(value) for assignment_id, value in rows}
    assert found == expected
    assert {Status.OVERDUE, Status.DUE_SOON, Status.UNDER_REVIEW} <= set(found.values())


def test_the_dates_of_the_zones_change_at_each_zones_midnight_and_not_before():
    """Worked out once and kept (every /my page asks), the zones' dates still turn at the
    first midnight in any zone, asked in any order, clock forwards or backwards."""
    from datetime import UTC, datetime, timedelta

    from bot.clock import today_in

    def fresh(moment: datetime) -> dict[str, object]:
        dates = StatusDates.at(moment, "Europe/Moscow")
        return {zone: today_in(zone, moment) for zone in dates.today_by_zone} | {
            "default": today_in("Europe/Moscow", moment)
        }

    start = datetime(2025, 5, 14, 11, 55, tzinfo=UTC)  # 23:55 in Kamchatka, 14:55 in Moscow
    moments = [start + timedelta(minutes=step) for step in (0, 4, 5, 6, 2, 600, 590, 601, 0)]
    for moment in moments:
        dates = StatusDates.at(moment, "Europe/Moscow")
        expected = fresh(moment)
        assert dates.default_today == expected.pop("default")
        assert dates.today_by_zone == expected
