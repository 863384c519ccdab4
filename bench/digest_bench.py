"""Weekly digest benchmark (issue 11, part D): one digest scan over a plan of 100,000 measures
and 2,000 bodies (half with nobody registered), with a week of accepted and returned reports.

The scan writes one digest for the plan's coordinator: counts by status (one grouped query),
newly overdue, accepted, returned, bodies with nobody registered. Prints one line per figure
and, last, one JSON object.

    .venv/bin/python bench/digest_bench.py [--measures 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

MONDAY_NINE = datetime(2025, 5, 19, 6, 0, tzinfo=UTC)
BODIES = 2_000


async def build_database(url: str, measures: int) -> None:
    from sqlalchemy import insert

    from models.engine import create_engine
    from models.migrations import upgrade_database
    from models.tables import (
        Assignment,
        AssignmentStatus,
        Measure,
        Membership,
        Official,
        Organization,
        Plan,
        Report,
        ReportStatus,
        Role,
    )

    await upgrade_database(url)
    engine = create_engine(url)
    rng = random.Random(7)
    today = MONDAY_NINE.date()
    async with engine.begin() as connection:
        await connection.execute(insert(Plan), [{"title": "План"}])
        await connection.execute(
            insert(Organization),
            [{"full_name": f"Орган {i}", "name_key": f"орган {i}"} for i in range(BODIES)],
        )
        people = BODIES // 2 + 1
        await connection.execute(
            insert(Official),
            [{"telegram_id": 10_000 + i, "first_name": f"Человек {i}"} for i in range(people)],
        )
        await connection.execute(
            insert(Membership),
            [
                {
                    "official_id": i + 1,
                    "role": Role.OFFICIAL,
                    "organization_id": i + 1,
                    "plan_id": None,
                }
                for i in range(BODIES // 2)
            ]
            + [
                {
                    "official_id": people,
                    "role": Role.COORDINATOR,
                    "organization_id": None,
                    "plan_id": 1,
                }
            ],
        )
        rows, parts, reports = [], [], []
        statuses = list(AssignmentStatus)
        for index in range(measures):
            deadline = today + timedelta(days=rng.randint(-180, 365))
            status = rng.choice(statuses)
            rows.append(
                {
                    "plan_id": 1,
                    "number": f"{index}.",
                    "number_key": str(index),
                    "sort_key": f"{index:08d}",
                    "title": f"Мероприятие {index}",
                    "deadline": deadline,
                    "done_on": deadline if status is AssignmentStatus.ACCEPTED else None,
                    "source_cells": {},
                }
            )
            parts.append(
                {
                    "measure_id": index + 1,
                    "organization_id": rng.randint(1, BODIES),
                    "is_lead": True,
                    "status": status,
                }
            )
            if status in (AssignmentStatus.ACCEPTED, AssignmentStatus.RETURNED):
                reviewed = MONDAY_NINE - timedelta(hours=rng.randint(1, 24 * 60))
                reports.append(
                    {
                        "assignment_id": index + 1,
                        "author_id": 1,
                        "status": ReportStatus(status.value),
                        "submitted_at": reviewed - timedelta(hours=1),
                        "reviewed_at": reviewed,
                    }
                )
        for start in range(0, measures, 5_000):
            await connection.execute(insert(Measure), rows[start : start + 5_000])
            await connection.execute(insert(Assignment), parts[start : start + 5_000])
        for start in range(0, len(reports), 5_000):
            await connection.execute(insert(Report), reports[start : start + 5_000])
    await engine.dispose()


async def scan(url: str) -> dict[str, float]:
    from models.engine import create_engine, create_sessionmaker
    from scheduler.digests import scan_digests

    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    started = time.perf_counter()
    written = await scan_digests(sessionmaker, now=MONDAY_NINE, default_timezone="Europe/Moscow")
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = await scan_digests(sessionmaker, now=MONDAY_NINE, default_timezone="Europe/Moscow")
    idle = time.perf_counter() - started
    await engine.dispose()
    return {
        "digests_written": written,
        "digest_scan_s": round(first, 3),
        "rescan_written": again,
        "idle_scan_s": round(idle, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=100_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
        started = time.perf_counter()
        asyncio.run(build_database(url, arguments.measures))
        print(f"database built in {time.perf_counter() - started:.1f} s")
        figures = {"measures": arguments.measures, "bodies": BODIES, **asyncio.run(scan(url))}
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
