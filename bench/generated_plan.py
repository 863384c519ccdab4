"""A large generated plan for benchmarks: `generate_plan(engine, measures=, bodies=, seed=)`.

One plan in an already migrated database (SQLite or PostgreSQL), written with bulk Core inserts:
`bodies` bodies in several zones (about 70% with a registered official), 40 sections, and
`measures` measures with deadlines from half a year ago to a year ahead, a lead executor and up
to two co-executors each, every status an assignment may have, about a quarter done and 1%
removed from the plan. A coordinator (Telegram id 1_000_000 + plan id) coordinates it.
The same seed gives the same plan. Returns the plan's id.

`add_reports(engine, plan_id, seed=)` then gives the parts submitted, accepted or returned a
report with two documents each, and the measures titles of about 150 characters: what a
spreadsheet of the plan shows (`bench/summary_bench.py` times the export over it). Statuses
do not change.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.tables import (
    Assignment,
    AssignmentStatus,
    Document,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
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


WORDS = [
    "утверждение",
    "порядка",
    "межведомственного",
    "взаимодействия",
    "при",
    "предоставлении",
    "государственных",
    "услуг",
    "в",
    "электронном",
    "виде",
    "с",
    "учетом",
    "принципов",
    "клиентоцентричности",
    "и",
    "жизненных",
    "ситуаций",
]
REPORTED = {
    AssignmentStatus.SUBMITTED: ReportStatus.SUBMITTED,
    AssignmentStatus.ACCEPTED: ReportStatus.ACCEPTED,
    AssignmentStatus.RETURNED: ReportStatus.RETURNED,
}


async def add_reports(engine: AsyncEngine, plan_id: int, *, seed: int) -> None:
    """Reports (with two documents each) for the plan's parts that were reported on, and long
    titles for its measures; statuses stay as they are."""
    rng = random.Random(seed)
    reviewed = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)
    async with engine.begin() as connection:
        coordinator = await connection.scalar(
            select(Official.id).where(Official.telegram_id == 1_000_000 + plan_id)
        )
        measures = (
            await connection.execute(select(Measure.id).where(Measure.plan_id == plan_id))
        ).scalars()
        titles = [
            {
                "measure": measure_id,
                "title": " ".join(
                    rng.choice(WORDS) for _ in range(rng.randint(12, 22))
                ).capitalize(),
            }
            for measure_id in measures
        ]
        retitle = (
            update(Measure)
            .where(Measure.id == bindparam("measure"))
            .values(title=bindparam("title"))
            .execution_options(synchronize_session=False)
        )
        for start in range(0, len(titles), BATCH):
            await connection.execute(retitle, titles[start : start + BATCH])
        parts = (
            await connection.execute(
                select(Assignment.id, Assignment.status)
                .join(Measure, Measure.id == Assignment.measure_id)
                .where(Measure.plan_id == plan_id)
                .order_by(Assignment.id)
            )
        ).all()
        first_report = await _next_id(connection, Report)
        reports, documents = [], []
        for assignment_id, status in parts:
            if AssignmentStatus(status) not in REPORTED:
                continue
            report_status = REPORTED[AssignmentStatus(status)]
            report_id = first_report + len(reports)
            decided = report_status is not ReportStatus.SUBMITTED
            reports.append(
                {
                    "id": report_id,
                    "assignment_id": assignment_id,
                    "author_id": coordinator,
                    "status": report_status,
                    "comment": f"Приказ № {assignment_id} от 15.05.2026",
                    "submitted_at": reviewed - timedelta(days=rng.randint(1, 90)),
                    "reviewer_id": coordinator if decided else None,
                    "reviewed_at": reviewed if decided else None,
                    "review_reason": (
                        "Нет подписи" if report_status is ReportStatus.RETURNED else None
                    ),
                }
            )
            documents += [
                {
                    "report_id": report_id,
                    "telegram_file_id": f"f{report_id}.{n}",
                    "telegram_file_unique_id": f"u{report_id}.{n}",
                    "file_name": f"приказ-{report_id}-{n}.pdf",
                }
                for n in range(2)
            ]
        await _insert(connection, Report, reports)
        await _insert(connection, Document, documents)
        if connection.dialect.name == "postgresql":
            await connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('reports', 'id'), "
                "(SELECT max(id) FROM reports))"
            )
