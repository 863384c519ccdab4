"""Import benchmark: a generated 10,000-row .docx and .xlsx plan, read and stored.

Targets (issue 3): each file under 10 s and under 300 MB peak memory.
Each measurement runs in a fresh child process so that peak memory (VmHWM) is its own.
Prints one line per measurement and, last, one JSON object with every figure.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.measuring import peak_rss_mb, run_child  # noqa: E402

HEADER = ["№ п/п", "Мероприятие", "Срок реализации", "Ответственный исполнитель", "Результат"]
BODIES = [
    "Министерство цифрового развития и связи",
    "Министерство труда и социального развития",
    "Министерство здравоохранения",
    "Министерство образования",
    "Министерство культуры",
    "Министерство строительства",
    "Департамент имущества и земельных отношений",
    "Комитет по делам записи актов гражданского состояния",
]


def plan_rows(count: int) -> list[list[str]]:
    """Sections of 50 measures each, numbered 1.1, 1.2 …; dates and executors vary."""
    rows: list[list[str]] = []
    start = date(2025, 1, 31)
    section = 0
    for index in range(count):
        if index % 50 == 0:
            section += 1
            rows.append(
                [f"{section}.", f"Раздел {section}. Мероприятия группы {section}", "", "", ""]
            )
        number = f"{section}.{index % 50 + 1}."
        deadline = (start + timedelta(days=index % 700)).strftime("%d.%m.%Y")
        lead = BODIES[index % len(BODIES)]
        co = BODIES[(index + 3) % len(BODIES)]
        rows.append(
            [
                number,
                f"Утвержден регламент взаимодействия № {index} по клиентоцентричности "
                "с заявителями и подведомственными учреждениями",
                deadline,
                f"{lead};\n{co} (по согласованию)",
                "приказ (распоряжение) об утверждении регламента",
            ]
        )
    return rows


def write_docx(path: Path, rows: list[list[str]]) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("ПЛАН МЕРОПРИЯТИЙ («дорожная карта») по внедрению клиентоцентричности")
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    # python-docx's add_row copies the grid each time; build rows from one template instead.
    from copy import deepcopy

    template = deepcopy(table.rows[0]._tr)
    body = table._tbl
    for row in rows:
        tr = deepcopy(template)
        for tc, text in zip(tr.tc_lst, row, strict=True):
            paragraph = tc.p_lst[0]
            for run in paragraph.r_lst:
                paragraph.remove(run)
            lines = text.split("\n")
            run = paragraph.add_r()
            run.text = lines[0]
            for line in lines[1:]:
                run.add_br()
                run.add_t(line)
        body.append(tr)
    document.save(path)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("План")
    sheet.append(["ПЛАН МЕРОПРИЯТИЙ («дорожная карта») по внедрению клиентоцентричности"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def measure_read(path: str) -> dict[str, float]:
    """Child process: read the file and report time and peak memory."""
    from bot.plan_import.reading import read_plan

    content = Path(path).read_bytes()
    started = time.perf_counter()
    result = read_plan(content, Path(path).name)
    elapsed = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    return {
        "seconds": round(elapsed, 3),
        "peak_mb": round(peak_mb, 1),
        "measures": result.measure_count,
        "warnings": len(result.warnings),
    }


def measure_store(path: str) -> dict[str, float]:
    """Child process: read and store into a fresh SQLite database, twice (import, re-import)."""
    from bot.plan_import.reading import read_plan
    from bot.plan_import.store import store_import
    from models.engine import create_engine, create_sessionmaker
    from models.migrations import upgrade_database

    async def run() -> dict[str, float]:
        folder = tempfile.mkdtemp()
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        await upgrade_database(url)
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        result = read_plan(Path(path).read_bytes(), Path(path).name)  # noqa: ASYNC240
        figures = {}
        for label in ("store_seconds", "restore_seconds"):
            started = time.perf_counter()
            async with sessionmaker() as session, session.begin():
                await store_import(session, result, actor_id=None)
            figures[label] = round(time.perf_counter() - started, 3)
        await engine.dispose()
        figures["peak_mb"] = peak_rss_mb()
        return figures

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        function, path = args.child
        print(json.dumps({"read": measure_read, "store": measure_store}[function](path)))
        return

    folder = args.keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    rows = plan_rows(args.rows)
    figures: dict[str, object] = {"rows": args.rows}
    for kind, writer in (("docx", write_docx), ("xlsx", write_xlsx)):
        path = folder / f"plan-{args.rows}.{kind}"
        started = time.perf_counter()
        writer(path, rows)
        generated = time.perf_counter() - started
        read = run_child(__file__, "read", path)
        print(
            f"{kind}: {path.stat().st_size / 1e6:.1f} MB generated in {generated:.1f} s; "
            f"read {read['measures']} measures in {read['seconds']} s, "
            f"peak {read['peak_mb']} MB, {read['warnings']} warnings"
        )
        figures[kind] = {"file_mb": round(path.stat().st_size / 1e6, 2), **read}
    store = run_child(__file__, "store", folder / f"plan-{args.rows}.xlsx")
    print(
        f"store into SQLite: first import {store['store_seconds']} s, "
        f"re-import of the same file {store['restore_seconds']} s, peak {store['peak_mb']} MB"
    )
    figures["store_sqlite"] = store
    figures["targets"] = {"seconds": 10, "peak_mb": 300}
    figures["within_targets"] = all(
        figures[kind]["seconds"] < 10 and figures[kind]["peak_mb"] < 300  # type: ignore[index]
        for kind in ("docx", "xlsx")
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
