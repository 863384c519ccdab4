"""Crafted plan files end with a clear message, read within bounds (figures:
`bench/crafted_imports_bench.py`)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bench.crafted_files import CRAFTED, Crafted, csv_of_millions_of_lines
from bot.plan_import import messages
from bot.plan_import.bounds import MAX_CELLS, MAX_LINES, MAX_ROWS
from bot.plan_import.model import ImportFailure
from bot.plan_import.reading import read_plan
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_plan_import_chat import PLAN_ROWS, plan_csv, send_plan


@pytest.mark.parametrize("crafted", CRAFTED, ids=lambda crafted: crafted.name)
def test_a_crafted_file_ends_with_a_clear_message(crafted: Crafted):
    content = crafted.make()
    assert len(content) < 25 * 1024 * 1024
    if crafted.outcome == "read":
        assert read_plan(content, crafted.file_name).measure_count > 0
        return
    with pytest.raises(ImportFailure) as caught:
        read_plan(content, crafted.file_name)
    assert caught.value.code == crafted.outcome
    text = messages.render_failure(caught.value, lambda message: message)
    assert "?" not in text and text != crafted.outcome


def test_the_caps_are_said_in_the_refusal():
    texts = {
        code: messages.render(code, lambda message: message, limit=limit)
        for code, limit in (
            ("too_many_rows", MAX_ROWS),
            ("too_many_cells", MAX_CELLS),
            ("too_many_lines", MAX_LINES),
        )
    }
    assert str(MAX_ROWS) in texts["too_many_rows"]
    assert str(MAX_CELLS) in texts["too_many_cells"]
    assert str(MAX_LINES) in texts["too_many_lines"]


def test_a_plan_with_rows_far_below_its_declared_size_is_read():
    """Rows in the sheet's very last row do not make the rows in between exist."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["План мероприятий по внедрению клиентоцентричности"])
    sheet.append(["№ п/п", "Мероприятие", "Срок реализации", "Ответственный исполнитель"])
    sheet.append(["1.", "Утвержден порядок", "31.05.2025", "Министерство цифрового развития"])
    sheet.cell(row=1_048_576, column=1, value="конец")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_plan(buffer.getvalue(), "plan.xlsx")
    assert result.measure_count == 1
    assert result.plans[0].measures[0].title == "Утвержден порядок"


def test_text_past_the_columns_read_is_still_reported():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["План мероприятий"])
    sheet.append(["№ п/п", "Мероприятие", "Срок реализации", "Ответственный исполнитель"])
    sheet.append(["1.", "Утвержден порядок", "31.05.2025", "Министерство цифрового развития"])
    sheet.cell(row=3, column=200, value="далеко справа")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_plan(buffer.getvalue(), "plan.xlsx")
    assert result.measure_count == 1
    assert "columns_ignored" in {warning.code for warning in result.warnings}


def test_a_zip_declaring_a_huge_word_document_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>")
        archive.filelist[-1].file_size = 100 * 1024 * 1024
    with pytest.raises(ImportFailure) as caught:
        read_plan(buffer.getvalue(), "plan.docx")
    assert (caught.value.code, caught.value.params) == ("too_large_unpacked", {"limit_mb": 32})


async def test_a_coordinator_sending_a_huge_csv_is_told_the_limit(running_bot):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    refused = await send_plan(admin, csv_of_millions_of_lines()[: 4 * 1024 * 1024], "plan-huge.csv")
    assert "не удалось" in refused.text.lower() or "не смог" in refused.text.lower()
    assert f"больше {MAX_LINES} строк" in refused.text
    # The bot goes on reading plans after it.
    preview = await send_plan(admin, plan_csv(PLAN_ROWS))
    assert "Сохранить план?" in preview.text


PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import resource, sys
from pathlib import Path
from bot.plan_import.model import ImportFailure
from bot.plan_import.reading import read_plan

limit = 768 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
for path in sys.argv[1:]:
    try:
        read_plan(Path(path).read_bytes(), Path(path).name)
        print(Path(path).name, "read")
    except ImportFailure as failure:
        print(Path(path).name, failure.code)
"""


def test_every_crafted_file_ends_the_same_within_768_mb_of_address_space(tmp_path):
    """Refused for what it is, not for running out of memory (that would be `unreadable`)."""
    paths = []
    for crafted in CRAFTED:
        path = tmp_path / crafted.file_name
        path.write_bytes(crafted.make())
        paths.append(str(path))
    finished = subprocess.run(
        [sys.executable, "-c", CHILD, *paths],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    outcomes = dict(line.split(" ", 1) for line in finished.stdout.splitlines())
    assert outcomes == {crafted.file_name: crafted.outcome for crafted in CRAFTED}
