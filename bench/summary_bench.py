"""Summary benchmark (issue 11): `plan_summary` over one plan of 100,000 measures and 2,000
bodies on SQLite (`bench/generated_plan.py`). Target: under 300 ms.

Also times `deadlines_by_month` (the chart's data) and one page of a list behind a number (a
body's overdue measures). Prints one line per figure and, last, one JSON object; "chart_ms"
and "export_s" are left for the chart and the export to fill in.

    .venv/bin/python bench/summary_bench.py [--measures 100000] [--bodies 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.generated_plan import generate_plan  # noqa: E402

NOW = datetime(2026, 5, 20, 7, 0, tzinfo=UTC)  # Wednesday, 10:00 in Moscow: one date everywhere
RUNS = 5


async def _timed(make) -> tuple[float, object]:  # noqa: ANN001
    started = time.perf_counter()
    result = await make()
    return (time.perf_counter() - started) * 1000, result


async def run(measures: int, bodies: int, database: Path) -> dict[str, object]:
    from bot.access import Roles
    from bot.measure_status import Status, StatusDates
    from bot.summaries import deadlines_by_month, plan_summary
    from bot.summary_lists import Listed, ListFilter, listed_measures
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    url = f"sqlite+aiosqlite:///{database}"
    await upgrade_database(url)
    engine = create_engine(url)
    started = time.perf_counter()
    plan_id = await generate_plan(engine, measures=measures, bodies=bodies, seed=11)
    generate_s = time.perf_counter() - started
    print(f"generated {measures} measures, {bodies} bodies in {generate_s:.1f} s")
    sessionmaker = create_sessionmaker(engine)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    dates = StatusDates.at(NOW, "Europe/Moscow")
    summary_runs, chart_runs = [], []
    async with sessionmaker() as session:
        for _ in range(RUNS):
            elapsed, summary = await _timed(lambda: plan_summary(session, roles, plan_id, dates))
            summary_runs.append(elapsed)
            elapsed, _ = await _timed(lambda: deadlines_by_month(session, roles, plan_id, dates))
            chart_runs.append(elapsed)
        worst = summary.bodies[0]
        overdue = ListFilter(Listed.OVERDUE, plan_id, worst.organization_id)
        list_ms, items = await _timed(lambda: listed_measures(session, roles, overdue, dates))
        assert len(items) == worst.counts[Status.OVERDUE]
        plan_overdue = ListFilter(Listed.OVERDUE, plan_id)
        plan_list_ms, plan_items = await _timed(
            lambda: listed_measures(session, roles, plan_overdue, dates)
        )
        assert len(plan_items) == summary.counts[Status.OVERDUE]
    await engine.dispose()
    figures = {
        "measures": measures,
        "bodies": bodies,
        "summary_ms": round(statistics.median(summary_runs), 1),
        "summary_first_ms": round(summary_runs[0], 1),
        "deadlines_by_month_ms": round(statistics.median(chart_runs), 1),
        "body_overdue_list_ms": round(list_ms, 1),
        "plan_overdue_list_ms": round(plan_list_ms, 1),
        "plan_overdue": summary.counts[Status.OVERDUE],
        "generate_s": round(generate_s, 1),
        "chart_ms": None,
        "export_s": None,
    }
    print(
        f"plan_summary: median {figures['summary_ms']} ms of {RUNS} "
        f"(first {figures['summary_first_ms']} ms; target < 300 ms)"
    )
    print(f"deadlines_by_month: median {figures['deadlines_by_month_ms']} ms")
    print(
        f"a body's overdue list: {figures['body_overdue_list_ms']} ms; "
        f"the plan's ({figures['plan_overdue']}): {figures['plan_overdue_list_ms']} ms"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--bodies", type=int, default=2_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        figures = asyncio.run(
            run(arguments.measures, arguments.bodies, Path(directory) / "summary.sqlite3")
        )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
