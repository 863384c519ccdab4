"""A large generated plan for benchmarks: `generate_plan(engine, measures=, bodies=, seed=)`.

One plan in an already migrated database (SQLite or PostgreSQL), written with bulk Core inserts:
`bodies` bodies in several zones (about 70% with a registered official), 40 sections, and
`measures` measures with deadlines from half a year ago to a year ahead, a lead executor and up
to two co-executors each, every status an assignment may have, about a quarter done and 1%
removed from the plan. A coordinator (Telegram id 1_000_000 + plan id) coordinates it.
The same seed gives the same plan. Returns the plan's id.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
    Section,
)

TODAY = date(2026, 5, 20)
SECTIONS = 40
BATCH = 5_000
ZONES = (None, None, "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok")
STATUSES = [AssignmentStatus.IN_PROGRESS] * 6 + [
    AssignmentStatus.SUBMITTED,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.RETURNED,
]


async def _next_id(connection: AsyncConnection, table: Any) -> int:
    return int(await connection.scalar(select(func.coalesce(func.max(table.id), 0)))) + 1


async def _insert(connection: AsyncConnection, table: Any, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        await connection.execute(insert(table), rows[start : start + BATCH])


async def generate_plan(engine: AsyncEngine, *, measures: int, bodies: int, seed: int) -> int:
    rng = random.Random(seed)
    async with engine.begin() as connection:
        plan_id = await _next_id(connection, Plan)
        await connection.execute(
            insert(Plan), [{"id": plan_id, "title": f"Сгенерированный план {seed}"}]
        )
        first_section = await _next_id(connection, Section)
        await _insert(
            connection,
            Section,
            [
                {
                    "id": first_section + i,
                    "plan_id": plan_id,
                    "kind": "section",
                    "number": str(i + 1),
                    "title": f"Раздел {i + 1}",
                    "position": i,
                }
                for i in range(SECTIONS)
            ],
        )
        first_body = await _next_id(connection, Organization)
        await _insert(
            connection,
            Organization,
            [
                {
                    "id": first_body + i,
                    "full_name": f"Орган {plan_id}-{i}",
                    "name_key": f"орган {plan_id}-{i}",
                    "timezone": rng.choice(ZONES),
                }
                for i in range(bodies)
            ],
        )
        await _people(connection, rng, plan_id, first_body, bodies)
        first_measure = await _next_id(connection, Measure)
        measure_rows, assignment_rows = [], []
        removed_at = datetime(2026, 5, 1, tzinfo=UTC)
        for index in range(measures):
            deadline = None if rng.random() < 0.05 else TODAY + timedelta(rng.randint(-180, 365))
            done = rng.random() < 0.25
            measure_rows.append(
                {
                    "id": first_measure + index,
                    "plan_id": plan_id,
                    "section_id": first_section + rng.randrange(SECTIONS),
                    "number": f"{index + 1}.",
                    "number_key": str(index + 1),
                    "sort_key": f"{index + 1:08d}",
                    "title": f"Мероприятие {index + 1}",
                    "deadline": deadline,
                    "done_on": (deadline or TODAY) if done else None,
                    "removed_at": removed_at if rng.random() < 0.01 else None,
                    "source_cells": {},
                }
            )
            executors = rng.sample(range(bodies), k=min(bodies, rng.choice((1, 1, 2, 3))))
            for position, body in enumerate(executors):
                status = AssignmentStatus.ACCEPTED if done else rng.choice(STATUSES)
                assignment_rows.append(
                    {
                        "measure_id": first_measure + index,
                        "organization_id": first_body + body,
                        "is_lead": position == 0,
                        "position": position,
                        "status": status,
                    }
                )
        await _insert(connection, Measure, measure_rows)
        await _insert(connection, Assignment, assignment_rows)
        if connection.dialect.name == "postgresql":
            # Ids were given: move the sequences past them for whoever inserts next.
            for table in ("plans", "sections", "organizations", "officials", "measures"):
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    return plan_id


async def _people(
    connection: AsyncConnection, rng: random.Random, plan_id: int, first_body: int, bodies: int
) -> None:
    first_person = await _next_id(connection, Official)
    staffed = [body for body in range(bodies) if rng.random() < 0.7]
    await _insert(
        connection,
        Official,
        [
            {"id": first_person, "telegram_id": 1_000_000 + plan_id, "first_name": "Координатор"},
            *(
                {
                    "id": first_person + 1 + n,
                    "telegram_id": 2_000_000 + plan_id * 100_000 + n,
                    "first_name": f"Исполнитель {n}",
                }
                for n in range(len(staffed))
            ),
        ],
    )
    await _insert(
        connection,
        Membership,
        [
            {
                "official_id": first_person,
                "role": Role.COORDINATOR,
                "plan_id": plan_id,
                "organization_id": None,
            },
            *(
                {
                    "official_id": first_person + 1 + n,
                    "role": Role.OFFICIAL,
                    "plan_id": None,
                    "organization_id": first_body + body,
                }
                for n, body in enumerate(staffed)
            ),
        ],
    )
