"""Crafted plan files (`bench/crafted_files.py`): how long each takes to end and how much memory.

Targets (issue 12): each crafted file ends with a clear message in under 5 s and 300 MB peak
memory. Also measured: about the largest plans the caps let through ("at the caps": an .xlsx
just under `MAX_ROWS`, a .docx just under `MAX_XML_ELEMENTS`), which are read.
Each file is read in a fresh child process so that its peak memory (VmHWM) is its own.
Prints one line per file and, last, one JSON object with every figure.

    .venv/bin/python bench/crafted_imports_bench.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.measuring import peak_rss_mb, run_child  # noqa: E402

TARGET_SECONDS = 5
TARGET_PEAK_MB = 300
DOCX_ROWS_AT_THE_CAPS = 17_500  # about 590,000 XML elements in word/document.xml
XLSX_ROWS_AT_THE_CAPS = 19_500  # with its section rows just under MAX_ROWS; 35 MB of XML


def measure(path: str) -> dict[str, object]:
    """Child process: read the file; what it ended with, the time and peak memory."""
    from bot.plan_import.model import ImportFailure
    from bot.plan_import.reading import read_plan

    content = Path(path).read_bytes()
    started = time.perf_counter()
    try:
        result = read_plan(content, Path(path).name)
        outcome = f"read {result.measure_count} measures"
    except ImportFailure as failure:
        outcome = failure.code
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "peak_mb": peak_rss_mb(),
        "outcome": outcome,
    }


def write_files(folder: Path) -> list[tuple[str, Path, bool]]:
    """(name, path, crafted) of every file measured."""
    from bench.crafted_files import CRAFTED
    from bench.import_bench import plan_rows, write_docx, write_xlsx

    files = []
    for crafted in CRAFTED:
        path = folder / crafted.file_name
        path.write_bytes(crafted.make())
        files.append((crafted.name, path, True))
    xlsx = folder / "at-the-caps.xlsx"
    write_xlsx(xlsx, plan_rows(XLSX_ROWS_AT_THE_CAPS))
    files.append(("xlsx at the row cap", xlsx, False))
    docx = folder / "at-the-caps.docx"
    write_docx(docx, plan_rows(DOCX_ROWS_AT_THE_CAPS))
    files.append(("docx at the element cap", docx, False))
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--child", nargs=1)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0])))
        return
    folder = args.keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    figures: dict[str, dict[str, object]] = {}
    within = True
    for name, path, crafted in write_files(folder):
        figure = {"file_kb": round(path.stat().st_size / 1024, 1), **run_child(__file__, path)}
        figures[name] = figure
        if crafted:
            within = within and (
                float(figure["seconds"]) < TARGET_SECONDS
                and float(figure["peak_mb"]) < TARGET_PEAK_MB
            )
        print(
            f"{name}: {figure['file_kb']} KB → {figure['outcome']} in {figure['seconds']} s, "
            f"peak {figure['peak_mb']} MB",
            flush=True,
        )
    print(
        json.dumps(
            {
                "files": figures,
                "targets": {"seconds": TARGET_SECONDS, "peak_mb": TARGET_PEAK_MB},
                "crafted_within_targets": within,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
