"""The same plans as Word, Excel and CSV files read as their text samples; files that are not
plans are refused with the reason."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from openpyxl import Workbook

from bot.plan_import.model import ImportFailure, ImportResult
from bot.plan_import.reading import read_plan
from bot.plan_import.sniffing import MAX_FILE_BYTES
from tests.fixtures.plans.documents import (
    HEADER,
    Layout,
    layouts,
    sample,
    write_csv,
    write_docx,
    write_xlsx,
)

LEGEND = [
    "Принятые сокращения:",
    "ОИО НСО – областные исполнительные органы Новосибирской области",
]
FORMATS = ("docx", "xlsx", "csv-cp1251", "csv-utf8")


def text_reading(name: str) -> ImportResult:
    return read_plan(sample(name), f"{name}.txt")


def footnote_lines(name: str) -> tuple[str, ...]:
    lines = sample(name).decode("utf-8").split("\n")
    return tuple(line for line in lines if line[:1].isdigit() and not line.startswith("\t"))


def generate(name: str, kind: str, reading: ImportResult) -> bytes:
    plans = layouts(reading, legend=LEGEND if name == "novosibirsk" else None)
    if kind == "docx":
        split = "38" if name == "novosibirsk" else None
        return write_docx(plans, split_row=split, footnotes=footnote_lines(name))
    if kind == "xlsx":
        return write_xlsx(plans, second_sheet_from="2026 год" if name == "novosibirsk" else None)
    if kind == "csv-cp1251":
        return write_csv(plans, delimiter=";", encoding="cp1251")
    return write_csv(plans, delimiter=",", encoding="utf-8-sig")


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("name", ["novosibirsk", "template", "omsk"])
def test_generated_documents_read_like_the_text_sample(name, kind):
    expected = text_reading(name)
    content = generate(name, kind, expected)
    file_name = f"{name}.{kind.split('-')[0]}"
    result = read_plan(content, file_name)
    assert result.source_format == kind.split("-")[0]
    assert [plan.to_json() for plan in result.plans] == [plan.to_json() for plan in expected.plans]
    assert [len(plan.sections) for plan in result.plans] == [
        len(plan.sections) for plan in expected.plans
    ]
    assert [w.code for w in result.warnings] == [w.code for w in expected.warnings]


def test_the_generated_word_file_has_what_real_ones_have():
    content = generate("novosibirsk", "docx", text_reading("novosibirsk"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:tbl>") == 2  # split by a page break, the header repeated
    assert 'w:type="page"' in xml
    assert "<w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml
    assert xml.index("Принятые сокращения") > xml.rindex("</w:tbl>")


def test_word_locations_name_the_table_and_row():
    result = read_plan(generate("omsk", "docx", text_reading("omsk")), "omsk.docx")
    assert [(w.where, w.code) for w in result.warnings] == [
        ("table 1, row 28", "no_deadline"),
        ("table 2, row 7", "unknown_abbreviation"),
    ]
    assert result.plans[0].measures[0].location == "table 1, row 4"


def test_excel_locations_name_the_sheet_and_row():
    result = read_plan(generate("novosibirsk", "xlsx", text_reading("novosibirsk")), "n.xlsx")
    measures = result.plans[0].measures
    assert measures[0].location == "sheet 'План', row 6"  # the header is on row 3
    assert measures[-1].location.startswith("sheet '2026', row ")


# A small plan with a legend, people, qualifiers and automatic numbering -------------------------


def legend_plan_docx(*, numbered_by_word: bool = False) -> bytes:
    document = docx.Document()
    document.add_paragraph("План мероприятий по внедрению клиентоцентричности в Санкт-Петербурге")
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    rows = [
        ("1", "Утвержден порядок", "31.03.2025", "КИС", "приказ"),
        (
            "2",
            "Утвержден регламент",
            "I квартал 2025 года",
            "Вице-губернатор Санкт-Петербурга Звоник К.Н.; Комитет по информатизации и связи",
            "распоряжение",
        ),
        (
            "3",
            "Проведены совещания",
            "30.06.2025 Выполнено",
            "ИОГВ, ответственные за услуги;\nГлавы МО (в соответствии с пунктом 5.1.1 Плана)",
            "протокол",
        ),
    ]
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            if index == 0 and numbered_by_word:
                cell.paragraphs[0].style = document.styles["List Number"]
            else:
                cell.text = text
    document.add_paragraph("Принятые сокращения:")
    document.add_paragraph("КИС – Комитет по информатизации и связи")
    document.add_paragraph("ИОГВ – исполнительные органы государственной власти Санкт-Петербурга")
    document.add_paragraph("МО – внутригородские муниципальные образования Санкт-Петербурга")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_legend_after_the_table_expands_abbreviations():
    [plan] = read_plan(legend_plan_docx(), "spb.docx").plans
    first, second, third = plan.measures
    [kis] = first.executors
    assert (kis.name, kis.short_name, kis.lead) == (
        "Комитет по информатизации и связи",
        "КИС",
        True,
    )
    official, committee = second.executors
    assert official.person == "Вице-губернатор Санкт-Петербурга Звоник К.Н."
    assert official.name == "Вице-губернатор Санкт-Петербурга"
    assert (committee.name, committee.short_name, committee.lead) == (
        "Комитет по информатизации и связи",
        "КИС",
        False,
    )
    iogv, heads = third.executors
    assert (iogv.name, iogv.short_name, iogv.qualifier) == (
        "Исполнительные органы государственной власти Санкт-Петербурга",
        "ИОГВ",
        "ответственные за услуги",
    )
    assert (heads.name, heads.qualifier) == ("Главы МО", "в соответствии с пунктом 5.1.1 Плана")
    assert (third.done, third.done_on) == (True, third.deadline)
    assert str(third.deadline) == "2025-06-30"


def test_word_automatic_numbering_gives_the_numbers():
    [plan] = read_plan(legend_plan_docx(numbered_by_word=True), "spb.docx").plans
    assert [m.number for m in plan.measures] == ["1.", "2.", "3."]


# Refused files --------------------------------------------------------------------------------


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "file_name", "code", "params"),
    [
        (b"", "plan.docx", "empty", {}),
        (b" \n\t \r\n", "plan.txt", "empty", {}),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "plan.pdf",
            "unsupported_format",
            {"kind": "PDF"},
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.png", "unsupported_format", {"kind": "PNG"}),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.jpg", "unsupported_format", {"kind": "JPEG"}),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "plan.doc",
            "unsupported_format",
            {"kind": "DOC"},
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
            "plan.docx",
            "encrypted",
            {},
        ),
        (zipped({"notes.txt": b"hello"}), "plan.zip", "unsupported_format", {"kind": "ZIP"}),
        (
            zipped({"mimetype": b"application/vnd.oasis", "content.xml": b"<x/>"}),
            "plan.odt",
            "unsupported_format",
            {"kind": "ODF"},
        ),
        (b"PK\x03\x04" + bytes(100), "plan.docx", "corrupted", {"kind": "DOCX"}),
        (zipped({"word/document.xml": b"<not xml"}), "plan.docx", "corrupted", {"kind": "DOCX"}),
        (zipped({"xl/workbook.xml": b"<not xml"}), "plan.xlsx", "corrupted", {"kind": "XLSX"}),
        (
            b"<html><body><table></table></body></html>",
            "plan.htm",
            "unsupported_format",
            {"kind": "HTML"},
        ),
        (bytes(range(256)) * 40, "plan.bin", "unsupported_format", {"kind": ".bin"}),
        (sample("tomsk"), "slides.txt", "no_measures", {}),
    ],
)
def test_files_that_are_not_plans_are_refused(content, file_name, code, params):
    with pytest.raises(ImportFailure) as caught:
        read_plan(content, file_name)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_a_file_over_50_mb_is_refused_before_reading():
    with pytest.raises(ImportFailure) as caught:
        read_plan(b"x" * (MAX_FILE_BYTES + 1), "plan.txt")
    assert caught.value.code == "too_large"
    assert caught.value.params == {"size_mb": 50.0, "limit_mb": 50}


def test_a_zip_that_unpacks_to_too_much_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>")
        archive.writestr("word/media/huge.bin", bytes(1024 * 1024))
        archive.filelist[-1].file_size = 4 * 1024**3  # as a zip bomb declares it
    with pytest.raises(ImportFailure) as caught:
        read_plan(buffer.getvalue(), "plan.docx")
    assert caught.value.code == "too_large_unpacked"
    assert caught.value.params == {"limit_mb": 250}


def test_a_compressed_bomb_in_an_image_is_never_unpacked():
    """Only the parts that hold text are read: 200 MB of zeros in a picture cost nothing."""
    content = generate("omsk", "docx", text_reading("omsk"))
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        with archive.open("word/media/image1.png", "w") as image:
            chunk = bytes(1024 * 1024)
            for _ in range(200):
                image.write(chunk)
    assert len(buffer.getvalue()) < 1024 * 1024
    assert read_plan(buffer.getvalue(), "omsk.docx").measure_count == 60


def test_a_workbook_without_a_plan_has_no_measures():
    workbook = Workbook()
    workbook.active.append(["Список", "телефонов"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFailure) as caught:
        read_plan(buffer.getvalue(), "book.xlsx")
    assert caught.value.code == "no_measures"


# Encodings and layouts of text --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-8-sig"])
def test_text_in_other_encodings_reads_the_same(encoding):
    expected = text_reading("omsk")
    content = sample("omsk").decode("utf-8").encode(encoding)
    result = read_plan(content, "omsk.txt")
    assert [plan.to_json() for plan in result.plans] == [plan.to_json() for plan in expected.plans]


def test_csv_is_recognised_without_its_extension():
    content = write_csv(layouts(text_reading("omsk")), delimiter=";", encoding="cp1251")
    assert read_plan(content, "export").source_format == "csv"
    assert read_plan(content).measure_count == 60


def test_a_table_without_title_gets_the_file_name_and_a_warning():
    plan = Layout(title_lines=[], rows=[["1", "Утвержден порядок", "01.02.2025", "КИС", "приказ"]])
    result = read_plan(write_csv([plan], delimiter=";", encoding="utf-8"), "Мой план.csv")
    assert result.plans[0].title == "Мой план"
    assert [(w.code, w.params) for w in result.warnings] == [
        ("plan_title_missing", {"title": "Мой план"}),
        ("unknown_abbreviation", {"abbreviation": "КИС", "number": "1"}),
    ]


def test_a_two_row_header_with_merged_cells():
    """`Срок` over `начало` and `окончание`, the other header cells merged down."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=5)
    top, bottom, row = table.rows
    for index, text in enumerate(["№ п/п", "Мероприятие", "Срок", "", "Ответственный"]):
        top.cells[index].text = text
    for index in (0, 1, 4):
        top.cells[index].merge(bottom.cells[index])
    top.cells[2].merge(top.cells[3])
    bottom.cells[2].text, bottom.cells[3].text = "начало", "окончание"
    values = ["1", "Проведен опрос", "01.02.2025", "31.03.2025", "КИС"]
    for cell, text in zip(row.cells, values, strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    result = read_plan(buffer.getvalue(), "two-rows.docx")
    [measure] = result.plans[0].measures
    assert (str(measure.deadline), measure.deadline_text) == (
        "2025-03-31",
        "01.02.2025\n31.03.2025",
    )
    assert [w.code for w in result.warnings] == ["plan_title_missing", "unknown_abbreviation"]


def test_columns_beyond_the_limit_are_reported():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    sheet.append(["1", "Проведен опрос", "31.03.2025", "Комитет", "отчет"] + [""] * 65 + ["x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_plan(buffer.getvalue(), "wide.xlsx")
    assert result.measure_count == 1
    assert [(w.where, w.code, w.params) for w in result.warnings] == [
        ("sheet 'Sheet', row 1", "plan_title_missing", {"title": "wide"}),
        ("sheet 'Sheet', row 2", "columns_ignored", {"limit": 64}),
    ]
