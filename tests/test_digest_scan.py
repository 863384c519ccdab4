"""The weekly digest scan: one digest per coordinator and week, whatever the restarts, with
the plan's summary (the same as `plan_summary`'s), its chart's data, and what changed."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.access import Roles
from bot.digest_schedule import DueDigest
from bot.measure_status import StatusDates
from bot.notification_kinds import WEEKLY_DIGEST, WeeklyDigestNotice
from bot.presentation.chart_payload import chart_from_json
from bot.presentation.status_chart import SHOWN
from bot.summaries import plan_summary
from models.queries import Recipient
from models.tables import (
    Assignment,
    AssignmentStatus,
    DigestSubscription,
    Measure,
    Membership,
    Notification,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
    Role,
)
from scheduler.digests import Candidate, claim_week, write_due_digests

MOSCOW = "Europe/Moscow"
MONDAY = date(2025, 5, 19)
MONDAY_NINE = datetime(2025, 5, 19, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
COORDINATOR = 501


def measure(plan, number: int, deadline: date | None, **extra) -> Measure:
    return Measure(
        plan_id=plan.id,
        number=f"{number}.",
        number_key=str(number),
        sort_key=f"{number:05d}",
        title=f"Мероприятие {number}",
        deadline=deadline,
        **extra,
    )


async def seed(session, *, coordinator_zone: str | None = None):
    """A plan of a coordinator: a body with an official, a body with nobody registered."""
    plan = Plan(title="План Томской области")
    served = Organization(full_name="Департамент ЗАГС", name_key="загс")
    nobody = Organization(full_name="Комитет по делам молодёжи", name_key="молодёжь")
    coordinator = Official(telegram_id=COORDINATOR, first_name="Ирина", timezone=coordinator_zone)
    official = Official(telegram_id=502, first_name="Анна")
    session.add_all([plan, served, nobody, coordinator, official])
    await session.flush()
    session.add_all(
        [
            Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id),
            Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=served.id),
        ]
    )
    return plan, served, nobody, coordinator, official


async def assign(session, item: Measure, body: Organization, **extra) -> Assignment:
    session.add(item)
    await session.flush()
    assignment = Assignment(measure_id=item.id, organization_id=body.id, is_lead=True, **extra)
    session.add(assignment)
    await session.flush()
    return assignment


async def digests(session) -> list[Notification]:
    return list(
        await session.scalars(
            select(Notification).where(Notification.kind == WEEKLY_DIGEST).order_by(Notification.id)
        )
    )


async def scan(session, now: datetime) -> int:
    return await write_due_digests(session, now=now, default_timezone=MOSCOW)


async def test_one_digest_a_week_whatever_the_scans_and_restarts(sessionmaker):
    async with sessionmaker() as session, session.begin():
        plan, served, *_ = await seed(session)
        await assign(session, measure(plan, 1, date(2025, 6, 30)), served)
    async with sessionmaker() as session, session.begin():
        assert await scan(session, MONDAY_NINE - timedelta(minutes=1)) == 0
        assert await scan(session, MONDAY_NINE) == 1
        assert await scan(session, MONDAY_NINE + timedelta(minutes=1)) == 0
    # A restart: a new session reads the week as sent.
    for hours in (1, 30, 100):
        async with sessionmaker() as session, session.begin():
            assert await scan(session, MONDAY_NINE + timedelta(hours=hours)) == 0
    next_monday = MONDAY_NINE + timedelta(days=7)
    async with sessionmaker() as session, session.begin():
        assert await scan(session, next_monday) == 1
        first, second = await digests(session)
        assert first.dedup_key != second.dedup_key
        notice = WeeklyDigestNotice.from_json(second.payload)
        assert notice.period_start == MONDAY_NINE and notice.period_end == next_monday
        row = await session.scalar(select(DigestSubscription))
        assert row.last_sent_on == next_monday.date()


async def test_a_scan_that_read_an_old_state_does_not_send_the_week_again(session):
    """Two scans racing: the second claims the week with what it read before the first one
    committed, and finds it taken."""
    plan, _, _, coordinator, _ = await seed(session)
    assert await scan(session, MONDAY_NINE) == 1
    stale = Candidate(Recipient(coordinator.id, COORDINATOR, None), [(plan.id, plan.title)], None)
    stale.stored = True
    assert not await claim_week(session, stale, DueDigest(MONDAY, MONDAY), MONDAY_NINE)
    stale.stored = False  # read before the first scan inserted the row
    assert not await claim_week(session, stale, DueDigest(MONDAY, MONDAY), MONDAY_NINE)
    assert len(await digests(session)) == 1


async def test_a_holiday_monday_sends_it_on_tuesday(session):
    await seed(session)
    holiday = datetime(2026, 5, 11, 6, 0, tzinfo=UTC)  # Monday 11 May 2026, 09:00 in Moscow
    assert await scan(session, holiday) == 0
    assert await scan(session, holiday + timedelta(hours=8)) == 0
    assert await scan(session, holiday + timedelta(days=1)) == 1


async def test_vladivostok_gets_it_at_nine_in_vladivostok(session):
    await seed(session, coordinator_zone="Asia/Vladivostok")
    nine_in_vladivostok = datetime.combine(MONDAY, time(9), ZoneInfo("Asia/Vladivostok"))
    assert await scan(session, nine_in_vladivostok - timedelta(minutes=1)) == 0
    assert await scan(session, nine_in_vladivostok.astimezone(UTC)) == 1
    (digest,) = await digests(session)
    assert WeeklyDigestNotice.from_json(digest.payload).timezone == "Asia/Vladivostok"


async def test_a_chosen_day_and_time_and_off(session):
    *_, coordinator, _ = await seed(session)
    session.add(DigestSubscription(official_id=coordinator.id, weekday=2, local_time=time(15)))
    await session.flush()
    assert await scan(session, MONDAY_NINE) == 0
    wednesday_three = MONDAY_NINE + timedelta(days=2, hours=6)
    assert await scan(session, wednesday_three - timedelta(minutes=1)) == 0
    assert await scan(session, wednesday_three) == 1
    row = await session.scalar(select(DigestSubscription))
    row.enabled = False
    await session.flush()
    assert await scan(session, wednesday_three + timedelta(days=7)) == 0


async def test_what_changed_since_the_last_digest(session):
    plan, served, nobody, coordinator, official = await seed(session)
    last_digest = MONDAY_NINE - timedelta(days=7)
    session.add(
        DigestSubscription(
            official_id=coordinator.id, last_sent_on=last_digest.date(), last_sent_at=last_digest
        )
    )
    # Overdue since the last digest (deadline last Friday), overdue before it, under review.
    await assign(session, measure(plan, 1, date(2025, 5, 16)), served)
    await assign(session, measure(plan, 2, date(2025, 5, 5)), served)
    await assign(
        session, measure(plan, 3, date(2025, 5, 15)), served, status=AssignmentStatus.SUBMITTED
    )
    # Accepted this week; returned this week; accepted before the last digest.
    for number, status, reviewed in (
        (4, ReportStatus.ACCEPTED, MONDAY_NINE - timedelta(days=2)),
        (5, ReportStatus.RETURNED, MONDAY_NINE - timedelta(days=1)),
        (6, ReportStatus.ACCEPTED, last_digest - timedelta(days=1)),
    ):
        done = status is ReportStatus.ACCEPTED
        assignment = await assign(
            session,
            measure(plan, number, date(2025, 6, 1), done_on=reviewed.date() if done else None),
            served,
            status=AssignmentStatus.ACCEPTED if done else AssignmentStatus.RETURNED,
        )
        session.add(
            Report(
                assignment_id=assignment.id,
                author_id=official.id,
                status=status,
                submitted_at=reviewed - timedelta(hours=1),
                reviewed_at=reviewed,
                reviewer_id=coordinator.id,
            )
        )
    # The body nobody registered with has two open measures.
    await assign(session, measure(plan, 7, date(2025, 7, 1)), nobody)
    await assign(session, measure(plan, 8, None), nobody)
    await session.flush()

    assert await scan(session, MONDAY_NINE) == 1
    (digest,) = await digests(session)
    notice = WeeklyDigestNotice.from_json(digest.payload)
    assert notice.period_start == last_digest
    (plan_digest,) = notice.plans
    assert plan_digest.counts == {
        "overdue": 2,
        "review": 1,
        "done": 2,
        "later": 2,
        "no_deadline": 1,
    }
    assert plan_digest.review_past_deadline == 1
    assert [item.number for item in plan_digest.newly_overdue.items] == ["1."]
    assert [item.number for item in plan_digest.accepted.items] == ["4."]
    assert [item.number for item in plan_digest.returned.items] == ["5."]
    assert plan_digest.unregistered.count == 1
    (body,) = plan_digest.unregistered.items
    assert body.body == "Комитет по делам молодёжи" and body.count == 2


async def test_the_digest_says_what_the_summary_says_over_generated_plans(session):
    """Random measures (lead or not, co-executors, every status, bodies in three zones, some
    with nobody registered, done, removed) at a moment when Moscow and Vladivostok have
    different dates: each plan's counts, worst bodies and chart in the digest are those of
    `plan_summary` (whose counts `tests/test_summaries.py` checks against a direct count)."""
    rng = random.Random(11)
    now = datetime(2026, 5, 18, 6, 0, tzinfo=UTC)  # Monday 09:00 in Moscow
    zones = [None, MOSCOW, "Asia/Vladivostok"]
    plans = [Plan(title=f"План {n}", timezone=zones[n % 3]) for n in range(3)]
    bodies = [
        Organization(full_name=f"Орган {n}", name_key=f"орган {n}", timezone=zones[n % 3])
        for n in range(20)
    ]
    coordinator = Official(telegram_id=COORDINATOR, first_name="Ирина")
    official = Official(telegram_id=502, first_name="Анна")
    session.add_all([*plans, *bodies, coordinator, official])
    await session.flush()
    session.add_all(
        Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id)
        for plan in plans
    )
    session.add_all(
        Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=body.id)
        for body in bodies[::2]
    )
    for number in range(240):
        plan = rng.choice(plans)
        deadline = date(2026, 5, 18) + timedelta(days=rng.randint(-10, 90))
        item = measure(
            plan,
            number,
            None if rng.random() < 0.1 else deadline,
            done_on=date(2026, 5, 1) if rng.random() < 0.1 else None,
            removed_at=now if rng.random() < 0.05 else None,
        )
        session.add(item)
        await session.flush()
        for position, body in enumerate(rng.sample(bodies, rng.randint(0, 3))):
            session.add(
                Assignment(
                    measure_id=item.id,
                    organization_id=body.id,
                    is_lead=position == 0 and rng.random() < 0.7,
                    status=rng.choice(list(AssignmentStatus)),
                )
            )
    await session.flush()

    assert await scan(session, now) == 1
    (digest,) = await digests(session)
    dates = StatusDates.at(now, MOSCOW)
    for plan_digest in WeeklyDigestNotice.from_json(digest.payload).plans:
        roles = Roles(coordinator_plan_ids=frozenset({plan_digest.plan_id}))
        summary = await plan_summary(session, roles, plan_digest.plan_id, dates)
        assert plan_digest.status_counts == summary.counts
        assert plan_digest.bodies == summary.bodies[: len(plan_digest.bodies)]
        assert plan_digest.body_count == len(summary.bodies)
        unregistered = [row for row in summary.bodies if row.nobody_to_remind]
        assert plan_digest.unregistered.count == len(unregistered)
        chart = chart_from_json(plan_digest.chart)
        drawn = Counter(chart.summed)
        for body in chart.bodies:
            drawn.update(body.counts)
        expected = Counter()
        for row in summary.bodies:
            expected.update(row.counts.by_status)
        assert all(drawn[status] == expected[status] for status in SHOWN)
        assert len(chart.bodies) + chart.summed_bodies == len(summary.bodies)


async def test_a_coordinator_of_many_plans_gets_them_in_several_messages(session):
    plan, *_, coordinator, _ = await seed(session)
    others = [Plan(title=f"План {n}") for n in range(4)]
    session.add_all(others)
    await session.flush()
    for other in others:
        session.add(Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=other.id))
    await session.flush()
    assert await scan(session, MONDAY_NINE) == 2
    first, second = [WeeklyDigestNotice.from_json(n.payload) for n in await digests(session)]
    assert (first.part, first.parts, second.part, second.parts) == (1, 2, 2, 2)
    assert len(first.plans) == 3 and len(second.plans) == 2
    assert {p.plan_id for p in first.plans + second.plans} == {plan.id} | {p.id for p in others}
    assert await scan(session, MONDAY_NINE + timedelta(hours=1)) == 0
