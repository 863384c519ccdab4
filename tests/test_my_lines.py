"""/my's list of measures (bot.measures.executor_measures) against the status rule applied by
hand: the same measures, statuses and "today", in the list's order, for one body and for two."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.measure_status import StatusDates, measure_status
from bot.measures import executor_measures
from models.tables import Assignment, AssignmentStatus, Measure, Organization, Plan

# 20:30 UTC: already tomorrow in Vladivostok, still today in Moscow (the zones disagree).
NOW = datetime(2025, 5, 14, 20, 30, tzinfo=UTC)
ZONES = (None, "Asia/Vladivostok", "Europe/Moscow", "Europe/Kaliningrad")


async def _random_plan(sessionmaker, seed: int):
    rng = random.Random(seed)
    today = NOW.date()
    async with sessionmaker() as session, session.begin():
        plans = [Plan(title="Первый", timezone=rng.choice(ZONES)), Plan(title="Второй")]
        bodies = [
            Organization(full_name=f"Орган {i}", name_key=f"орган {i}", timezone=rng.choice(ZONES))
            for i in range(3)
        ]
        session.add_all([*plans, *bodies])
        await session.flush()
        for index in range(120):
            deadline = None if rng.random() < 0.15 else today + timedelta(days=rng.randint(-12, 20))
            measure = Measure(
                plan_id=rng.choice(plans).id,
                number=f"{index}.",
                number_key=str(index),
                sort_key=f"{rng.randint(0, 40):05d}",  # ties on purpose
                title=f"Мероприятие {index}",
                deadline=deadline,
                done_on=today if rng.random() < 0.1 else None,
            )
            session.add(measure)
            await session.flush()
            for body in rng.sample(bodies, rng.randint(1, 3)):
                session.add(
                    Assignment(
                        measure_id=measure.id,
                        organization_id=body.id,
                        is_lead=rng.random() < 0.5,
                        status=rng.choice(list(AssignmentStatus)),
                        valid_until=today - timedelta(days=1) if rng.random() < 0.1 else None,
                    )
                )
        return [body.id for body in bodies]


async def _by_hand(session, readers: list[int], dates: StatusDates):
    from sqlalchemy import select

    rows = (
        await session.execute(
            select(Measure, Assignment, Organization.timezone, Plan.timezone)
            .join(Assignment, Assignment.measure_id == Measure.id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .join(Plan, Plan.id == Measure.plan_id)
            .where(Assignment.organization_id.in_(readers), Assignment.valid_until.is_(None))
        )
    ).all()
    parts: dict[int, list] = {}
    for measure, assignment, body_zone, plan_zone in rows:
        parts.setdefault(measure.id, []).append((measure, assignment, body_zone, plan_zone))
    lines = []
    for found in parts.values():
        found.sort(key=lambda part: (not part[1].is_lead, part[1].organization_id))
        measure, plan_zone = found[0][0], found[0][3]
        zone = next((z for _, _, z, _ in found if z in dates.today_by_zone), plan_zone)
        today = dates.today(zone)
        status = measure_status(
            deadline=measure.deadline,
            done_on=measure.done_on,
            removed=False,
            parts=[(a.is_lead, a.status) for _, a, _, _ in found],
            today=today,
        )
        lines.append((measure.deadline or date.max, measure.sort_key, measure.id, status, today))
    lines.sort()
    return [(measure_id, status, today) for _, _, measure_id, status, today in lines]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_my_list_says_what_the_status_rule_says_in_the_lists_order(sessionmaker, seed):
    bodies = await _random_plan(sessionmaker, seed)
    dates = StatusDates.at(NOW, "Europe/Moscow")
    async with sessionmaker() as session:
        for readers in ([bodies[0]], [bodies[0], bodies[1]]):
            lines = await executor_measures(session, readers, dates)
            assert [(line.measure_id, line.status, line.today) for line in lines] == (
                await _by_hand(session, readers, dates)
            ), readers
