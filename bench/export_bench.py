"""Export benchmark (issue 11, point 5): the spreadsheet of one plan of 100,000 measures and
2,000 bodies, built as /export builds it.

Data (bulk Core inserts into a fresh SQLite file): one plan, 50 sections, 100,000 measures with
titles of about 150 characters and deadlines from half a year ago to a year ahead (most past
ones done), a lead body each and a co-executor for every third, 2,000 bodies with an official
for three in four, reports on a fifth of the parts (accepted, returned or waiting) with two
documents each. The export runs in its own process, so its peak memory (VmHWM) is its own.
Targets: under 15 s, under 500 MB peak. Prints one line per figure and, last, one JSON object.

    .venv/bin/python bench/export_bench.py [--measures 100000] [--bodies 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.measuring import peak_rss_mb, run_child  # noqa: E402

NOW = datetime(2026, 5, 20, 7, 0, tzinfo=UTC)
SECTIONS = 50
WORDS = [
    "утвержден",
    "порядок",
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


def title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 22))).capitalize()


async def build_database(url: str, measures: int, bodies: int) -> None:
    from sqlalchemy import insert

    from models.engine import create_engine
    from models.migrations import upgrade_database
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

    await upgrade_database(url)
    engine = create_engine(url)
    rng = random.Random(11)
    today = NOW.date()
    async with engine.begin() as connection:
        await connection.execute(insert(Plan), [{"title": "Дорожная карта области"}])
        await connection.execute(
            insert(Section),
            [
                {
                    "plan_id": 1,
                    "kind": "section",
                    "number": f"{i + 1}.",
                    "title": title(rng),
                    "position": i,
                }
                for i in range(SECTIONS)
            ],
        )
        await connection.execute(
            insert(Organization),
            [
                {
                    "full_name": f"Министерство {i} области",
                    "name_key": f"министерство {i}",
                    "short_name": f"М{i}",
                }
                for i in range(bodies)
            ],
        )
        officials = bodies * 3 // 4
        await connection.execute(
            insert(Official),
            [
                {"telegram_id": 10_000 + i, "first_name": f"Исполнитель {i}"}
                for i in range(officials + 1)
            ],
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
                for i in range(officials)
            ]
            + [
                {
                    "official_id": officials + 1,
                    "role": Role.COORDINATOR,
                    "plan_id": 1,
                    "organization_id": None,
                }
            ],
        )
        rows, parts = [], []
        for index in range(measures):
            deadline = today + timedelta(days=rng.randint(-180, 365))
            done = deadline < today and rng.random() < 0.7
            section = index * SECTIONS // measures
            rows.append(
                {
                    "plan_id": 1,
                    "section_id": section + 1,
                    "number": f"{section + 1}.{index}.",
                    "number_key": f"{section + 1}.{index}",
                    "sort_key": f"{section + 1:05d}.{index:08d}",
                    "title": title(rng),
                    "deadline": deadline if rng.random() > 0.03 else None,
                    "done_on": deadline if done else None,
                    "source_cells": {},
                }
            )
            lead = rng.randint(1, bodies)
            parts.append((index + 1, lead, True, done))
            if index % 3 == 0:
                parts.append((index + 1, lead % bodies + 1, False, done))
        for start in range(0, measures, 5_000):
            await connection.execute(insert(Measure), rows[start : start + 5_000])
        assignments = [
            {
                "measure_id": measure_id,
                "organization_id": body,
                "is_lead": is_lead,
                "status": AssignmentStatus.ACCEPTED if done else AssignmentStatus.IN_PROGRESS,
                "position": 0 if is_lead else 1,
            }
            for measure_id, body, is_lead, done in parts
        ]
        for start in range(0, len(assignments), 5_000):
            await connection.execute(insert(Assignment), assignments[start : start + 5_000])
        reports, documents = [], []
        for assignment_id in range(1, len(parts) + 1):
            if rng.random() >= 0.2:
                continue
            status = rng.choice(list(ReportStatus))
            reports.append(
                {
                    "assignment_id": assignment_id,
                    "author_id": 1,
                    "status": status,
                    "comment": f"Приказ № {assignment_id} от 15.05.2026",
                    "submitted_at": NOW - timedelta(days=rng.randint(1, 90)),
                    "reviewer_id": officials + 1 if status != ReportStatus.SUBMITTED else None,
                    "reviewed_at": NOW if status != ReportStatus.SUBMITTED else None,
                    "review_reason": "Нет подписи" if status == ReportStatus.RETURNED else None,
                }
            )
        for start in range(0, len(reports), 5_000):
            await connection.execute(insert(Report), reports[start : start + 5_000])
        for report_id in range(1, len(reports) + 1):
            for n in range(2):
                documents.append(
                    {
                        "report_id": report_id,
                        "telegram_file_id": f"f{report_id}.{n}",
                        "telegram_file_unique_id": f"u{report_id}.{n}",
                        "file_name": f"приказ-{report_id}-{n}.pdf",
                    }
                )
        for start in range(0, len(documents), 5_000):
            await connection.execute(insert(Document), documents[start : start + 5_000])
    await engine.dispose()


def export_part(url: str) -> dict[str, float]:
    from openpyxl import load_workbook

    from bot.access import Roles
    from bot.export import plan_workbook
    from bot.measure_status import StatusDates
    from models.engine import create_engine, create_sessionmaker

    async def run() -> dict[str, float]:
        engine = create_engine(url)
        dates = StatusDates.at(NOW, "Europe/Moscow")
        started = time.perf_counter()
        async with create_sessionmaker(engine)() as session, session.begin():
            exported = await plan_workbook(session, Roles(is_admin=True), 1, dates)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb()
        await engine.dispose()
        workbook = load_workbook(io.BytesIO(exported.content), read_only=True)
        # Opened again: every row is there (the header aside).
        rows, bodies = (
            sum(1 for _ in workbook[name].iter_rows(values_only=True)) - 1
            for name in workbook.sheetnames
        )
        workbook.close()
        return {
            "export_s": round(elapsed, 2),
            "peak_mb": peak,
            "rows": rows,
            "body_rows": bodies,
            "file_mb": round(len(exported.content) / 2**20, 1),
        }

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--bodies", type=int, default=2_000)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("url", nargs="?")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(export_part(args.url)))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        started = time.perf_counter()
        asyncio.run(build_database(url, args.measures, args.bodies))
        print(
            f"data: {args.measures} measures, {args.bodies} bodies, "
            f"{time.perf_counter() - started:.1f} s"
        )
        figures = run_child(__file__, url)
    print(
        f"export: {figures['export_s']} s, peak {figures['peak_mb']} MB, "
        f"{figures['rows']} rows, {figures['file_mb']} MB file"
    )
    print(json.dumps({"measures": args.measures, "bodies": args.bodies, **figures}))


if __name__ == "__main__":
    main()
