"""The issue 11 benchmark: one generated plan of 100,000 measures and 2,000 bodies on SQLite
(`bench/generated_plan.py`, with reports, documents and long titles), and on it

* `summary_ms` — `plan_summary`, the data of /summary (median of 5; target < 300 ms);
* `chart_ms` — the PNG of that summary (`bot.presentation.status_chart`, with
  `deadlines_by_month`; target < 2,000 ms);
* `export_s`, `export_peak_mb` — the spreadsheet /export sends (`bot.export.plan_workbook`),
  built in a fresh process so that its peak memory (VmHWM) is its own, then opened again
  (targets < 15 s, < 500 MB);
* what a coordinator presses next: `deadlines_by_month_ms`, a page of a body's overdue list
  and of the plan's; and the summary when the zones are on two dates (evening in Moscow).

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
EVENING = datetime(2026, 5, 20, 17, 0, tzinfo=UTC)  # 20:00 in Moscow, the 21st in Vladivostok
RUNS = 5
TARGETS = {
    "summary_ms": 300,
    "summary_zones_on_two_dates_ms": 300,  # the same /summary, asked in a Moscow evening
    "chart_ms": 2_000,
    "export_s": 15,
    "export_peak_mb": 500,
}


async def _timed(make) -> tuple[float, object]:  # noqa: ANN001
    started = time.perf_counter()
    result = await make()
    return (time.perf_counter() - started) * 1000, result


async def _median_ms(make) -> tuple[float, float, object]:  # noqa: ANN001
    """Median wall and CPU milliseconds of `RUNS` runs (CPU: what a busy machine does not
    inflate), and the last result."""
    walls, cpus = [], []
    for _ in range(RUNS):
        cpu = time.process_time()
        wall, result = await _timed(make)
        walls.append(wall)
        cpus.append((time.process_time() - cpu) * 1000)
    return round(statistics.median(walls), 1), round(statistics.median(cpus), 1), result


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
    from bot.presentation.summary_view import LIST_PAGE
    from bot.summaries import deadlines_by_month, plan_summary
    from bot.summary_lists import Listed, ListFilter, measure_list
    from models.engine import create_engine, create_update_sessionmaker

    engine = create_engine(url)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    dates = StatusDates.at(NOW, "Europe/Moscow")
    evening = StatusDates.at(EVENING, "Europe/Moscow")
    # The session an update of the bot gets (read-only: it begins deferred).
    async with create_update_sessionmaker(engine)() as session:
        summary_ms, summary_cpu_ms, summary = await _median_ms(
            lambda: plan_summary(session, roles, plan_id, dates)
        )
        evening_ms, _, _ = await _median_ms(lambda: plan_summary(session, roles, plan_id, evening))
        months_ms, _, months = await _median_ms(
            lambda: deadlines_by_month(session, roles, plan_id, dates)
        )
        worst = summary.bodies[0]
        overdue = ListFilter(Listed.OVERDUE, plan_id, worst.organization_id)
        list_ms, _, listing = await _median_ms(
            lambda: measure_list(session, roles, overdue, dates, page=0, size=LIST_PAGE)
        )
        assert listing.total == worst.counts[Status.OVERDUE]
        plan_overdue = ListFilter(Listed.OVERDUE, plan_id)
        plan_list_ms, _, plan_listing = await _median_ms(
            lambda: measure_list(session, roles, plan_overdue, dates, page=3, size=LIST_PAGE)
        )
        assert plan_listing.total == summary.counts[Status.OVERDUE]
    await engine.dispose()
    started = time.perf_counter()
    png = render_status_chart(summary_chart(summary, months), lambda text: text)
    chart_ms = (time.perf_counter() - started) * 1000
    return {
        "summary_ms": summary_ms,
        "summary_cpu_ms": summary_cpu_ms,
        "summary_zones_on_two_dates_ms": evening_ms,
        "chart_ms": round(chart_ms, 1),
        "chart_png_kb": round(len(png) / 1024, 1),
        "deadlines_by_month_ms": months_ms,
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
            f"(CPU {figures['summary_cpu_ms']} ms; target < 300 ms); zones on two dates: "
            f"{figures['summary_zones_on_two_dates_ms']} ms"
        )
        print(f"chart: {figures['chart_ms']} ms, {figures['chart_png_kb']} KB (target < 2,000 ms)")
        print(f"deadlines_by_month: median {figures['deadlines_by_month_ms']} ms")
        print(
            f"a page of a body's overdue list: {figures['body_overdue_list_ms']} ms; "
            f"of the plan's ({figures['plan_overdue']}): {figures['plan_overdue_list_ms']} ms"
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
