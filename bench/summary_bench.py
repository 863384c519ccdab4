"""The issue 11 benchmark: one generated plan of 100,000 measures and 2,000 bodies on SQLite
(`bench/generated_plan.py`, with reports, documents and long titles), and on it

* `summary_ms` — `plan_summary`, the data of /summary (median of 5; target < 300 ms);
* `chart_ms` — the PNG of that summary (`bot.presentation.status_chart`, with
  `deadlines_by_month`; target < 2,000 ms);
* `export_s`, `export_peak_mb` — the spreadsheet /export sends (`bot.export.plan_workbook`),
  built in a fresh process so that its peak memory (VmHWM) is its own, then opened again
  (targets < 15 s, < 500 MB);
* what a coordinator presses next: `deadlines_by_month_ms`, a body's overdue list and the
  plan's first page of overdue measures.

Prints one line per figure and, last, one JSON object (`within_target` says which targets
were met).

    .venv/bin/python bench/summary_bench.py [--measures 100000] [--bodies 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.generated_plan import add_reports, generate_plan  # noqa: E402
from bench.measuring import peak_rss_mb, run_child  # noqa: E402

NOW = datetime(2026, 5, 20, 7, 0, tzinfo=UTC)  # Wednesday, 10:00 in Moscow: one date everywhere
RUNS = 5
TARGETS = {"summary_ms": 300, "chart_ms": 2_000, "export_s": 15, "export_peak_mb": 500}


async def _timed(make) -> tuple[float, object]:  # noqa: ANN001
    started = time.perf_counter()
    result = await make()
    return (time.perf_counter() - started) * 1000, result


async def build(url: str, measures: int, bodies: int) -> tuple[int, float]:
    """A migrated database with the generated plan: (plan id, seconds taken)."""
    from models.engine import create_engine
    from models.migrations import upgrade_database

    await upgrade_database(url)
    engine = create_engine(url)
    started = time.perf_counter()
    plan_id = await generate_plan(engine, measures=measures, bodies=bodies, seed=11)
    await add_reports(engine, plan_id, seed=11)
    await engine.dispose()
    return plan_id, time.perf_counter() - started


async def summary_part(url: str, plan_id: int) -> dict[str, object]:
    from bot.access import Roles
    from bot.measure_status import Status, StatusDates
    from bot.presentation.status_chart import render_status_chart, summary_chart
    from bot.summaries import deadlines_by_month, plan_summary
    from bot.summary_lists import Listed, ListFilter, listed_measures
    from models.engine import create_engine, create_sessionmaker

    engine = create_engine(url)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    dates = StatusDates.at(NOW, "Europe/Moscow")
    summary_runs, months_runs = [], []
    async with create_sessionmaker(engine)() as session:
        for _ in range(RUNS):
            elapsed, summary = await _timed(lambda: plan_summary(session, roles, plan_id, dates))
            summary_runs.append(elapsed)
            elapsed, months = await _timed(
                lambda: deadlines_by_month(session, roles, plan_id, dates)
            )
            months_runs.append(elapsed)
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
    started = time.perf_counter()
    png = render_status_chart(summary_chart(summary, months), lambda text: text)
    chart_ms = (time.perf_counter() - started) * 1000
    return {
        "summary_ms": round(statistics.median(summary_runs), 1),
        "summary_first_ms": round(summary_runs[0], 1),
        "chart_ms": round(chart_ms, 1),
        "chart_png_kb": round(len(png) / 1024, 1),
        "deadlines_by_month_ms": round(statistics.median(months_runs), 1),
        "body_overdue_list_ms": round(list_ms, 1),
        "plan_overdue_list_ms": round(plan_list_ms, 1),
        "plan_overdue": summary.counts[Status.OVERDUE],
        "bodies_in_summary": len(summary.bodies),
    }


def export_part(url: str, plan_id: int) -> dict[str, object]:
    """In its own process (`--child`): the spreadsheet as /export builds it, opened again."""
    from openpyxl import load_workbook

    from bot.access import Roles
    from bot.export import plan_workbook
    from bot.measure_status import StatusDates
    from models.engine import create_engine, create_sessionmaker

    async def run() -> dict[str, object]:
        engine = create_engine(url)
        dates = StatusDates.at(NOW, "Europe/Moscow")
        started = time.perf_counter()
        async with create_sessionmaker(engine)() as session, session.begin():
            exported = await plan_workbook(session, Roles(is_admin=True), plan_id, dates)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb()
        await engine.dispose()
        workbook = load_workbook(io.BytesIO(exported.content), read_only=True)
        rows, bodies = (
            sum(1 for _ in workbook[name].iter_rows(values_only=True)) - 1  # the header aside
            for name in workbook.sheetnames[:2]
        )
        workbook.close()
        return {
            "export_s": round(elapsed, 2),
            "export_peak_mb": peak,
            "export_rows": rows,
            "export_body_rows": bodies,
            "export_file_mb": round(len(exported.content) / 2**20, 1),
        }

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--bodies", type=int, default=2_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("plan_id", nargs="?", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(export_part(arguments.url, arguments.plan_id)))
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'summary.sqlite3'}"
        plan_id, generate_s = asyncio.run(build(url, arguments.measures, arguments.bodies))
        print(
            f"generated {arguments.measures} measures, {arguments.bodies} bodies "
            f"in {generate_s:.1f} s"
        )
        figures = asyncio.run(summary_part(url, plan_id))
        print(
            f"plan_summary: median {figures['summary_ms']} ms of {RUNS} "
            f"(first {figures['summary_first_ms']} ms; target < 300 ms)"
        )
        print(f"chart: {figures['chart_ms']} ms, {figures['chart_png_kb']} KB (target < 2,000 ms)")
        print(f"deadlines_by_month: median {figures['deadlines_by_month_ms']} ms")
        print(
            f"a body's overdue list: {figures['body_overdue_list_ms']} ms; "
            f"the plan's ({figures['plan_overdue']}): {figures['plan_overdue_list_ms']} ms"
        )
        figures |= run_child(__file__, url, plan_id)
    print(
        f"export: {figures['export_s']} s, peak {figures['export_peak_mb']} MB, "
        f"{figures['export_rows']} rows, {figures['export_file_mb']} MB file "
        "(targets < 15 s, < 500 MB)"
    )
    within = {name: figures[name] < limit for name, limit in TARGETS.items()}
    print(
        json.dumps(
            {
                "measures": arguments.measures,
                "bodies": arguments.bodies,
                **figures,
                "generate_s": round(generate_s, 1),
                "within_target": within,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
