"""Whatever the bytes, reading ends in an `ImportResult` or an `ImportFailure`, nothing else."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.plan_import.model import ImportFailure, ImportResult
from bot.plan_import.reading import read_plan
from bot.plan_import.understanding import MAX_CELL_CHARS
from tests.fixtures.plans.documents import layouts, sample, write_csv, write_docx, write_xlsx

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def outcome(content: bytes, file_name: str | None) -> ImportResult | ImportFailure:
    """The result, or the failure; any other exception fails the test."""
    try:
        result = read_plan(content, file_name)
    except ImportFailure as failure:
        return failure
    assert isinstance(result, ImportResult)
    assert result.plans and all(plan.measures for plan in result.plans)
    for plan in result.plans:
        for measure in plan.measures:
            assert len(measure.number_key) <= 64
            assert all(len(executor.name) <= 400 for executor in measure.executors)
    return result


@cache
def real_files() -> dict[str, bytes]:
    reading = read_plan(sample("omsk"), "omsk.txt")
    plans = layouts(reading)
    return {
        "docx": write_docx(plans),
        "xlsx": write_xlsx(plans),
        "csv": write_csv(plans, delimiter=";", encoding="cp1251"),
        "txt": sample("omsk"),
    }


NAMES = st.sampled_from([None, "plan.docx", "plan.xlsx", "plan.csv", "plan.txt", "plan.pdf"])


@FAST
@given(content=st.binary(max_size=4000), file_name=NAMES)
def test_random_bytes(content, file_name):
    outcome(content, file_name)


@FAST
@given(
    text=st.text(
        alphabet=st.one_of(
            st.sampled_from('\t\n ;,.-–()«»"№IVX0123456789'),
            st.characters(codec="utf-8"),
        ),
        max_size=3000,
    ),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
)
def test_random_text_of_any_unicode(text, encoding):
    outcome(text.encode(encoding, errors="surrogatepass"), "plan.txt")


@FAST
@given(
    kind=st.sampled_from(["docx", "xlsx", "csv", "txt"]),
    cut=st.floats(min_value=0.0, max_value=1.0),
)
def test_truncated_files(kind, cut):
    content = real_files()[kind]
    outcome(content[: int(len(content) * cut)], f"plan.{kind}")


@FAST
@given(
    kind=st.sampled_from(["docx", "xlsx"]),
    flips=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=0.9999), st.integers(1, 255)),
        min_size=1,
        max_size=8,
    ),
)
def test_flipped_bytes_in_real_documents(kind, flips):
    content = bytearray(real_files()[kind])
    for position, mask in flips:
        content[int(position * len(content))] ^= mask
    outcome(bytes(content), f"plan.{kind}")


@FAST
@given(kind=st.sampled_from(["docx", "xlsx"]), junk=st.binary(min_size=1, max_size=200))
def test_a_zip_with_its_directory_broken(kind, junk):
    content = real_files()[kind]
    end = content.rfind(b"PK\x05\x06")
    outcome(content[:end] + junk, f"plan.{kind}")


@FAST
@given(
    part=st.sampled_from(["word/document.xml", "word/numbering.xml", "word/styles.xml"]),
    xml=st.binary(max_size=500) | st.just(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aa">]>'),
)
def test_a_docx_with_a_damaged_part(part, xml):
    source = zipfile.ZipFile(io.BytesIO(real_files()["docx"]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, xml if info.filename == part else source.read(info))
    outcome(buffer.getvalue(), "plan.docx")


def test_a_huge_cell_is_cut_and_reported():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["№", "Мероприятие", "Срок"], strict=True):
        cell.text = text
    huge = "Очень длинное мероприятие " * 200_000  # 5.2 million characters
    for cell, text in zip(table.rows[1].cells, ["1", huge, "31.12.2025"], strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    result = outcome(buffer.getvalue(), "huge.docx")
    assert isinstance(result, ImportResult)
    [measure] = result.plans[0].measures
    assert len(measure.title) <= MAX_CELL_CHARS
    assert [w.code for w in result.warnings] == [
        "plan_title_missing",
        "cell_truncated",
        "no_executor",
    ]
    assert result.warnings[1].params == {"length": len(huge), "limit": MAX_CELL_CHARS}


def test_deeply_odd_unicode_in_a_real_plan():
    odd = "\u202e\u200b\ufeff\U0001f600\u0301\x00\x07\ud800"
    text = sample("omsk").decode("utf-8").replace("Главного управления", f"Главного{odd}управления")
    result = outcome(text.encode("utf-8", errors="surrogatepass"), "omsk.txt")
    assert isinstance(result, (ImportResult, ImportFailure))


CELL_TEXTS = [
    "",
    "№ п/п",
    "Мероприятие",
    "Срок реализации",
    "Ответственный исполнитель",
    "Результат",
    "1",
    "1.1.",
    "2.",
    "I.",
    "IV. Раздел",
    "3.1.- 3.7.",
    "5.3.4. - 5.3.5.",
    "2025 год",
    "31.05.2025",
    "01.03.2025\n01.06.2025",
    "VI квартал 2023 года",
    "ежеквартально",
    "31.05.2025 Выполнено",
    "Утвержден порядок (далее – ОИО НСО)",
    "КИС; ИОГВ (по согласованию),\nГлавы МО (в соответствии с пунктом 5.1.1 Плана)",
    "Вице-губернатор Звоник К.Н.",
    "(по согласованию",
    "«незакрытая кавычка, и скобка)",
    "Принятые сокращения: КИС – Комитет по информатизации и связи",
    "Приложение 1",
    "План мероприятий («дорожная карта»)",
    "1Правила проведения мониторинга",
    "<p>текст</p>[footnoteRef:2] [2: сноска]",
    "1 2 3",
]


@FAST
@given(
    rows=st.lists(
        st.lists(st.sampled_from(CELL_TEXTS), min_size=0, max_size=7), min_size=1, max_size=40
    ),
    layout=st.sampled_from(["rows", "cells", "csv"]),
)
def test_random_tables_of_plan_like_cells(rows, layout):
    if layout == "rows":
        content = "\n".join("\t".join(cell.replace("\n", " ") for cell in row) for row in rows)
    elif layout == "cells":
        content = "\n\n".join("\n".join("\t" + cell for cell in row) for row in rows)
    else:
        buffer = io.StringIO()
        import csv

        csv.writer(buffer, delimiter=";").writerows(rows)
        content = buffer.getvalue()
    name = "plan.csv" if layout == "csv" else "plan.txt"
    outcome(content.encode("utf-8"), name)
