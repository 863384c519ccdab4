"""/export original over the emulator: the coordinator gets back the Word file they imported,
with «Отметка об исполнении» on every measure row."""

from __future__ import annotations

import io

import docx

from bot.plan_import.reading import read_plan
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.fixtures.plans.documents import layouts, sample, write_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def test_the_imported_word_plan_comes_back_with_a_mark_on_every_measure(running_bot):
    plan = read_plan(sample("novosibirsk"), "novosibirsk.txt")
    content = write_docx(layouts(plan))
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    admin.send_document("Дорожная карта.docx", content, mime_type=DOCX)
    status = await admin.wait_for_message("Дорожная карта.docx")
    preview = await admin.wait_for_edit(status, lambda m: "Сохранить план?" in (m.text or ""))
    admin.press(preview, text="Сохранить план")
    await admin.wait_for_edit(preview, lambda m: "сохранён" in (m.text or ""), min_edits=2)

    admin.send_command("/export original")
    sent = await admin.wait_for_message(lambda m: m.file is not None, timeout=60)

    assert sent.file.file_name.endswith(".docx")
    assert sent.caption == "План в исходном виде, с отметкой у каждого мероприятия."
    document = docx.Document(io.BytesIO(sent.file.content))
    marked = [
        table
        for table in document.tables
        if any("Отметка об исполнении" in cell.text for cell in table.rows[0].cells)
    ]
    assert marked, "no table got the marks column"
    last_cells = [row.cells[-1].text for table in marked for row in table.rows[1:]]
    marks = [text for text in last_cells if text.startswith(("В работе", "Просрочено"))]
    # The Novosibirsk plan's 66 measures, each on its own row, all still open; the other rows
    # (the column numbers, the year and section headings merged across) are not marked.
    assert len(marks) == 66
    assert "I. Организационные мероприятия" in last_cells
