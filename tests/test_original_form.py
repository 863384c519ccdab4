"""The plan in the form it came in: the original file kept at import, returned with marks."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bot.access import Roles
from bot.entry.translations import create_i18n
from bot.measure_status import StatusDates
from bot.original_form import marked_original
from bot.plan_import.importing import file_digest, import_for
from bot.plan_import.reading import read_plan
from bot.refusals import Refusal, Refused
from models.tables import (
    Assignment,
    AssignmentStatus,
    Document,
    Measure,
    Official,
    PlanSource,
    Report,
    ReportStatus,
)
from tests.fixtures.plans.documents import layouts, sample, write_docx, write_xlsx

NOW = datetime(2026, 1, 20, 5, 0, tzinfo=UTC)  # 20 January 2026 in Novosibirsk
TODAY = date(2026, 1, 20)
ZONE = "Asia/Novosibirsk"
TITLE = "Отметка об исполнении"


def russian(message: str) -> str:
    return create_i18n().gettext(message, locale="ru")


def novosibirsk_layout():
    return layouts(read_plan(sample("novosibirsk"), "novosibirsk.txt"))


def novosibirsk_docx() -> bytes:
    return write_docx(novosibirsk_layout(), split_row="5")


def novosibirsk_xlsx() -> bytes:
    return write_xlsx(novosibirsk_layout())


async def load(session, content: bytes, name: str, data_dir, **extra):
    result = read_plan(content, name)
    report = await import_for(
        session,
        result,
        importer_id=None,
        roles=None,
        file_name=name,
        content=content,
        now=NOW,
        data_dir=data_dir,
        **extra,
    )
    await session.flush()
    return report.plans[0].plan_id


def coordinator_of(plan_id: int) -> Roles:
    return Roles(coordinator_plan_ids=frozenset({plan_id}))


def dates() -> StatusDates:
    return StatusDates.at(NOW, ZONE)


async def measure_id(session, plan_id: int, number: str) -> int:
    return await session.scalar(
        select(Measure.id).where(Measure.plan_id == plan_id, Measure.number_key == number)
    )


async def give_report(session, plan_id, number, status: ReportStatus, documents=(), comment=None):
    """The lead body of measure `number` reports (and is accepted, for ACCEPTED)."""
    author = Official(telegram_id=9000 + int(number), first_name="Анна")
    session.add(author)
    await session.flush()
    measure = await measure_id(session, plan_id, number)
    assignment = await session.scalar(
        select(Assignment).where(Assignment.measure_id == measure).order_by(Assignment.position)
    )
    assignment.is_lead = True
    report = Report(
        assignment_id=assignment.id,
        author_id=author.id,
        comment=comment,
        status=status,
        submitted_at=datetime(2025, 6, 10, 4, 0, tzinfo=UTC),
    )
    if status is ReportStatus.ACCEPTED:
        report.reviewed_at = datetime(2025, 6, 12, 4, 0, tzinfo=UTC)
        assignment.status = AssignmentStatus.ACCEPTED
        await session.execute(
            update(Measure).where(Measure.id == measure).values(done_on=date(2025, 6, 12))
        )
    else:
        assignment.status = AssignmentStatus.SUBMITTED
    session.add(report)
    await session.flush()
    for index, name in enumerate(documents):
        session.add(
            Document(
                report_id=report.id,
                telegram_file_id=f"file-{number}-{index}",
                telegram_file_unique_id=f"u-{number}-{index}",
                file_name=name,
            )
        )
    await session.flush()


def expected_mark(deadline: date | None) -> str:
    if deadline is not None and deadline < TODAY:
        return f"Просрочено (срок {deadline:%d.%m.%Y})"
    return "В работе"


async def expected_marks(session, plan_id) -> dict[str, str]:
    """Location → mark for the measures nobody reported on (one measure per row here)."""
    rows = await session.execute(
        select(Measure.source_location, Measure.deadline).where(Measure.plan_id == plan_id)
    )
    return {location: expected_mark(deadline) for location, deadline in rows}


def docx_rows(content: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(content))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def docx_paragraphs(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs]


async def test_an_import_keeps_the_original_file_once_per_content_with_its_version(
    session, tmp_path
):
    content = novosibirsk_docx()
    plan_id = await load(session, content, "Дорожная карта НСО.docx", tmp_path)
    stored = tmp_path / "plans" / f"{file_digest(content)}.docx"
    assert stored.read_bytes() == content
    assert not [path for path in (tmp_path / "plans").iterdir() if path.name.startswith(".")]

    # The same file again: no new version, no second copy.
    await load(session, content, "Дорожная карта НСО.docx", tmp_path)
    assert await session.scalar(select(func.count(PlanSource.id))) == 1
    # A changed file: version 2, both files kept.
    changed = write_docx(novosibirsk_layout()[:1], split_row=None)
    await load(session, changed, "Дорожная карта НСО (ред. 2).docx", tmp_path)
    sources = (await session.scalars(select(PlanSource).order_by(PlanSource.version))).all()
    assert [(s.plan_id, s.version, s.file_format) for s in sources] == [
        (plan_id, 1, "docx"),
        (plan_id, 2, "docx"),
    ]
    assert sources[1].file_name == "Дорожная карта НСО (ред. 2).docx"
    assert len(list((tmp_path / "plans").iterdir())) == 2


async def test_the_marked_word_original_has_the_right_mark_on_every_measure_row(session, tmp_path):
    original = novosibirsk_docx()
    plan_id = await load(session, original, "Дорожная карта НСО.docx", tmp_path)
    expected = await expected_marks(session, plan_id)
    await give_report(
        session,
        plan_id,
        "1",
        ReportStatus.ACCEPTED,
        documents=["Протокол МРГ №3.pdf", "Порядок.docx"],
        comment="протокол от 11.06.2025 № 3",
    )
    await give_report(session, plan_id, "2", ReportStatus.SUBMITTED, documents=["Отчёт.pdf"])
    locations = dict(
        (await session.execute(select(Measure.number_key, Measure.source_location))).all()
    )
    expected[locations["1"]] = (
        "Исполнено 12.06.2025\nДокументы: Протокол МРГ №3.pdf, Порядок.docx\n"
        "Отчёт: протокол от 11.06.2025 № 3"
    )
    # Under review, its deadline (15.12.2025) passed meanwhile: said so, not "overdue".
    expected[locations["2"]] = (
        "На проверке (отчёт от 10.06.2025, срок 15.12.2025 истёк)\nДокументы: Отчёт.pdf"
    )

    marked = await marked_original(
        session, coordinator_of(plan_id), plan_id, dates(), tmp_path, translate=russian
    )
    assert marked.file_name == "Дорожная карта НСО (отметки).docx"
    before, after = docx_rows(original), docx_rows(marked.content)
    assert docx_paragraphs(marked.content) == docx_paragraphs(original)
    assert len(after) == len(before) == 2
    seen = 0
    for table_number, (old_rows, new_rows) in enumerate(zip(before, after, strict=True), 1):
        assert len(new_rows) == len(old_rows)
        for row_number, (old, new) in enumerate(zip(old_rows, new_rows, strict=True), 1):
            # Every other cell is untouched; one column is added.
            assert new[: len(old)] == old
            assert len(new) == len(old) + 1
            location = f"table {table_number}, row {row_number}"
            if location in expected:
                assert new[-1] == expected[location], location
                seen += 1
            elif row_number == 1:
                assert new[-1] == TITLE
            elif row_number == 2:
                assert new[-1] == "6"  # the row of column numbers
            elif len(set(old)) == 1:
                assert new[-1] == old[0]  # a heading merged across the table spans the new column
            else:
                assert new[-1] == ""  # the second half of a row split by a page break
    assert seen == len(expected) == 66
    assert "Просрочено (срок 30.12.2025)" in expected.values()
    assert "В работе" in expected.values()


async def test_the_marked_excel_original_has_the_column_after_the_last_used_one(session, tmp_path):
    original = novosibirsk_xlsx()
    plan_id = await load(session, original, "plan.xlsx", tmp_path)
    expected = await expected_marks(session, plan_id)
    marked = await marked_original(
        session, coordinator_of(plan_id), plan_id, dates(), tmp_path, translate=russian
    )
    before = load_workbook(io.BytesIO(original))["План"]
    after = load_workbook(io.BytesIO(marked.content))["План"]
    assert after.max_column == before.max_column + 1 == 7
    header_row = next(r for r in range(1, 10) if before.cell(r, 2).value == "№ п/п")
    assert after.cell(header_row, 7).value == TITLE
    marks = 0
    for row in range(1, before.max_row + 1):
        old = [before.cell(row, column).value for column in range(1, 7)]
        assert [after.cell(row, column).value for column in range(1, 7)] == old
        location = f"sheet 'План', row {row}"
        if location in expected:
            assert after.cell(row, 7).value == expected[location]
            marks += 1
        elif row != header_row:
            assert after.cell(row, 7).value is None
    assert marks == len(expected) == 66
    first_measure_row = min(int(location.rsplit(" ", 1)[-1]) for location in expected)
    assert isinstance(after.cell(first_measure_row, 4).value, datetime)  # dates stay dates


async def test_only_the_plans_coordinator_or_an_administrator_gets_the_original(session, tmp_path):
    plan_id = await load(session, novosibirsk_docx(), "plan.docx", tmp_path)
    for roles in (Roles(), Roles(coordinator_plan_ids=frozenset({plan_id + 1}))):
        with pytest.raises(Refused) as refused:
            await marked_original(session, roles, plan_id, dates(), tmp_path, translate=russian)
        assert refused.value.refusal is Refusal.NOT_AVAILABLE
    marked = await marked_original(
        session, Roles(is_admin=True), plan_id, dates(), tmp_path, translate=russian
    )
    assert marked.content.startswith(b"PK")


async def test_a_plan_without_a_kept_word_or_excel_file_is_refused_clearly(session, tmp_path):
    text_plan = await load(session, sample("novosibirsk"), "plan.txt", tmp_path)
    with pytest.raises(Refused) as refused:
        await marked_original(
            session, Roles(is_admin=True), text_plan, dates(), tmp_path, translate=russian
        )
    assert refused.value.refusal is Refusal.ORIGINAL_NOT_A_FORM

    # Imported before originals were kept (no data_dir): nothing to return.
    result = read_plan(sample("omsk"), "omsk.txt")
    report = await import_for(
        session, result, importer_id=None, roles=None, file_name="omsk.txt", content=b"x", now=NOW
    )
    with pytest.raises(Refused) as refused:
        await marked_original(
            session,
            Roles(is_admin=True),
            report.plans[0].plan_id,
            dates(),
            tmp_path,
            translate=russian,
        )
    assert refused.value.refusal is Refusal.NO_ORIGINAL


async def test_a_file_of_two_plans_gets_marks_only_in_the_tables_of_the_plan_asked_for(
    session, tmp_path
):
    """The federal template, then «Приложение 1» with one body's plan: two plans, one file."""
    original = write_docx(layouts(read_plan(sample("template"), "template.txt")))
    result = read_plan(original, "template.docx")
    assert len(result.plans) == 2
    report = await import_for(
        session,
        result,
        importer_id=None,
        roles=None,
        file_name="template.docx",
        content=original,
        now=NOW,
        data_dir=tmp_path,
    )
    first, appendix = (plan.plan_id for plan in report.plans)
    assert await session.scalar(select(func.count(PlanSource.id))) == 2
    expected = await expected_marks(session, appendix)
    marked = await marked_original(
        session, Roles(is_admin=True), appendix, dates(), tmp_path, translate=russian
    )
    before, after = docx_rows(original), docx_rows(marked.content)
    marked_tables = {int(location.split(",")[0].split()[1]) for location in expected}
    assert marked_tables == {3, 4}
    assert after[:2] == before[:2]  # the first plan's tables are untouched
    for table_number in (3, 4):
        for row_number, row in enumerate(after[table_number - 1], 1):
            location = f"table {table_number}, row {row_number}"
            if location in expected:
                assert row[-1] == expected[location]
    assert docx_paragraphs(marked.content) == docx_paragraphs(original)
    assert first != appendix


def test_measures_of_one_row_share_its_mark_numbered_and_an_early_report_is_not_late():
    from bot.original_form import MarkedMeasure, MarkReport, marks_by_location

    on_time = MarkedMeasure("3.1", "table 1, row 9", date(2026, 3, 1), None)
    on_time.parts = [(True, AssignmentStatus.SUBMITTED)]
    on_time.reports = [MarkReport(True, ReportStatus.SUBMITTED, date(2026, 1, 15), None, None)]
    later = MarkedMeasure("3.2", "table 1, row 9", date(2026, 3, 1), None)
    later.parts = [(True, AssignmentStatus.IN_PROGRESS)]
    marks = marks_by_location([on_time, later], dates(), russian)
    assert marks == {"table 1, row 9": "3.1: На проверке (отчёт от 15.01.2026)\n3.2: В работе"}


async def test_measures_on_a_second_sheet_get_their_marks_there(session, tmp_path):
    original = write_xlsx(novosibirsk_layout(), second_sheet_from="2026 год")
    plan_id = await load(session, original, "plan.xlsx", tmp_path)
    expected = await expected_marks(session, plan_id)
    assert {location.split(",")[0] for location in expected} == {"sheet 'План'", "sheet '2026'"}
    marked = await marked_original(
        session, coordinator_of(plan_id), plan_id, dates(), tmp_path, translate=russian
    )
    workbook = load_workbook(io.BytesIO(marked.content))
    for location, mark in expected.items():
        sheet, row = location.split(", row ")
        name = sheet.removeprefix("sheet '").removesuffix("'")
        assert workbook[name].cell(int(row), 7).value == mark
