"""The reminder scan writes each due reminder once, grouped per person, in working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Notification,
    Official,
    Organization,
    Plan,
    Role,
)
from scheduler.reminders import write_due_reminders

MOSCOW = "Europe/Moscow"
# Wednesday 14 May 2025, 10:00 in Moscow.
WEDNESDAY = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)


async def seed(session, deadlines: list[date], *, head: bool = False, coordinator: bool = True):
    plan = Plan(title="План")
    body = Organization(full_name="Министерство труда", name_key="министерство труда")
    session.add_all([plan, body])
    await session.flush()
    people = {}
    for name, telegram_id in (("official", 101), ("head", 102), ("coordinator", 103)):
        people[name] = Official(telegram_id=telegram_id, first_name=name)
        session.add(people[name])
    await session.flush()
    session.add(
        Membership(official_id=people["official"].id, role=Role.OFFICIAL, organization_id=body.id)
    )
    if head:
        session.add(
            Membership(official_id=people["head"].id, role=Role.HEAD, organization_id=body.id)
        )
    if coordinator:
        session.add(
            Membership(official_id=people["coordinator"].id, role=Role.COORDINATOR, plan_id=plan.id)
        )
    measures = []
    for index, deadline in enumerate(deadlines, 1):
        measure = Measure(
            plan_id=plan.id,
            number=f"{index}.",
            number_key=str(index),
            sort_key=f"{index:05d}",
            title=f"Мероприятие {index}",
            deadline=deadline,
            result="приказ",
        )
        session.add(measure)
        measures.append(measure)
    await session.flush()
    for measure in measures:
        session.add(Assignment(measure_id=measure.id, organization_id=body.id, is_lead=True))
    await session.flush()
    return people, measures


async def outbox(session, telegram_id: int | None = None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if telegram_id is not None:
        query = query.where(Notification.chat_id == telegram_id)
    return list(await session.scalars(query))


async def scan(session, now: datetime = WEDNESDAY, **kwargs) -> int:
    return await write_due_reminders(session, now=now, default_timezone=MOSCOW, **kwargs)


async def test_a_measure_due_in_seven_days_is_reminded_once(session):
    await seed(session, [date(2025, 5, 21)])
    assert await scan(session) == 1
    [message] = await outbox(session)
    assert message.chat_id == 101 and message.kind == "reminder"
    [item] = message.payload["items"]
    assert (item["number"], item["kind"], item["days_before"]) == ("1.", "before", 7)
    assert item["result"] == "приказ"
    assert await scan(session) == 0
    assert await scan(session, WEDNESDAY + timedelta(hours=3)) == 0


async def test_everything_due_for_a_person_comes_in_one_message(session):
    await seed(session, [date(2025, 5, 21), date(2025, 5, 15), date(2025, 5, 14)])
    assert await scan(session) == 1
    [message] = await outbox(session)
    kinds = sorted((item["number"], item["kind"]) for item in message.payload["items"])
    assert kinds == [("1.", "before"), ("2.", "before"), ("3.", "due_today")]


async def test_nothing_is_said_when_nothing_is_due(session):
    await seed(session, [date(2025, 5, 29), date(2025, 7, 1)])  # 15 and 48 days ahead
    assert await scan(session) == 0


async def test_done_reported_and_removed_measures_are_not_reminded(session):
    _, measures = await seed(session, [date(2025, 5, 21)] * 3)
    measures[0].done_on = date(2025, 5, 1)
    measures[1].removed_at = WEDNESDAY
    assignment = await session.scalar(
        select(Assignment).where(Assignment.measure_id == measures[2].id)
    )
    assignment.status = AssignmentStatus.SUBMITTED
    await session.flush()
    assert await scan(session) == 0


async def test_outside_working_hours_it_waits_for_the_next_working_morning(session):
    await seed(session, [date(2025, 5, 19)])  # Monday; Saturday 17 May is 2 days before
    saturday = datetime(2025, 5, 17, 9, 0, tzinfo=UTC)
    assert await scan(session, saturday) == 0
    monday_early = datetime(2025, 5, 19, 4, 0, tzinfo=UTC)  # 07:00 in Moscow
    assert await scan(session, monday_early) == 0
    monday = datetime(2025, 5, 19, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
    assert await scan(session, monday) == 1
    [item] = (await outbox(session))[0].payload["items"]
    assert item["kind"] == "due_today"  # the latest point only, not the missed "1 day before"


async def test_after_a_long_outage_only_the_latest_point_is_sent(session):
    await seed(session, [date(2025, 4, 30)], coordinator=False)
    # The deadline passed two weeks ago; 14, 7, 3 and 1 days before and several overdue
    # points were missed: one overdue reminder now.
    assert await scan(session) == 1
    [item] = (await outbox(session))[0].payload["items"]
    assert item["kind"] == "overdue"
    assert await scan(session) == 0


async def test_lateness_climbs_to_the_head_then_the_coordinator(session):
    # Deadline Tuesday 13 May: Wednesday 14 May is the 1st working day overdue.
    await seed(session, [date(2025, 5, 13)], head=True)
    await scan(session)
    # The official gets the missed "due today"; the head is told; not yet the region.
    assert sorted(m.chat_id for m in await outbox(session)) == [101, 102]
    thursday = WEDNESDAY + timedelta(days=1)
    await scan(session, thursday)
    new = [(m.chat_id, m.payload["items"][0]["kind"]) for m in (await outbox(session))[2:]]
    # The 2nd working day overdue: the official's overdue reminder and the coordinator.
    assert sorted(new) == [(101, "overdue"), (103, "escalation")]


async def test_a_plan_without_coordinators_escalates_to_administrators(session):
    await seed(session, [date(2025, 5, 13)], coordinator=False)
    admin = Official(telegram_id=900, first_name="Admin")
    session.add(admin)
    await session.flush()
    await scan(session, admin_telegram_ids=frozenset({900}))
    assert sorted(m.chat_id for m in await outbox(session)) == [101, 900]
    [item] = (await outbox(session, 900))[0].payload["items"]
    assert item["audience"] == "coordinator"


async def test_a_moved_deadline_changes_the_schedule_at_once(session):
    _, [measure] = await seed(session, [date(2025, 5, 21)])
    assert await scan(session) == 1
    measure.deadline = date(2025, 5, 17)  # now 3 days ahead
    await session.flush()
    assert await scan(session) == 1
    [item] = (await outbox(session))[1].payload["items"]
    assert (item["kind"], item["days_before"]) == ("before", 3)


async def test_a_blocked_or_inactive_official_is_not_reminded(session):
    people, _ = await seed(session, [date(2025, 5, 21)], coordinator=False)
    people["official"].blocked_bot_at = WEDNESDAY
    await session.flush()
    assert await scan(session) == 0
    assert await session.scalar(select(func.count(Notification.id))) == 0
