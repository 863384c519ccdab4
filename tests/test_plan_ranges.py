"""Range rows («3.1.- 3.7.», «5.3.4. - 5.3.5.», «1.1–1.3») read right in every layout: the k-th
date goes to the k-th number, whether the dates stand in one cell (split by spaces or line
breaks) or, in a text copy of a PDF or Word table, alone on the lines after the row, in whatever
column. The range rows are made from the sample plans' own rows (`fixtures/plans/ranges.py`): a
plan read with its runs of measures made range rows gives every measure the date the sample
gives it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date

import pytest

from bot.plan_import import messages
from bot.plan_import.deadlines import deadline_parts
from bot.plan_import.model import ImportResult, ParsedMeasure, ParsedPlan, normalise_number
from bot.plan_import.reading import read_plan
from tests.fixtures.plans.documents import (
    Layout,
    layouts,
    sample,
    write_csv,
    write_docx,
    write_xlsx,
)
from tests.fixtures.plans.ranges import (
    RangeRun,
    collapse,
    collapse_text,
    range_runs,
    text_cells,
    text_rows,
)

PLANS = ("novosibirsk", "omsk", "template")
RANGE_CODES = ("range_deadlines_mismatch", "range_deadlines_extra")


def original(name: str) -> tuple[ImportResult, ParsedPlan, list[RangeRun]]:
    """A sample as read, its first plan and the runs of that plan that become range rows."""
    result = read_plan(sample(name), f"{name}.txt")
    assert isinstance(result, ImportResult)
    plan = result.plans[0]
    return result, plan, range_runs(plan)


def deadlines(plan: ParsedPlan) -> list[tuple[str, date | None]]:
    return [(normalise_number(measure.number), measure.deadline) for measure in plan.measures]


def check_ranges(read: ImportResult, plan: ParsedPlan, runs: list[RangeRun]) -> None:
    """Every measure has the sample's date; those of a range row their own date as written,
    and no date of the row has strayed into its other texts; nothing reported about it."""
    got = read.plans[0]
    assert deadlines(got) == deadlines(plan)
    by_number = {normalise_number(measure.number): measure for measure in got.measures}
    for run in runs:
        measures = [by_number[number] for number in run.numbers]
        assert [measure.deadline_text for measure in measures] == run.dates
        assert len({measure.deadline for measure in measures}) == len(run.measures)
        for measure in measures:
            assert {measure.source_cells["number"].strip()} == {run.number_text}
            texts = (measure.title, measure.result or "")
            assert not any(day in text for day in run.dates for text in texts)
    assert not [warning for warning in read.warnings if warning.code in RANGE_CODES]


def test_every_sample_plan_gives_range_rows_of_several_dates():
    for name in PLANS:
        _, _, runs = original(name)
        assert len(runs) >= 2, name
        assert all(len(set(run.dates)) == len(run.measures) > 1 for run in runs)


# Dates in one cell --------------------------------------------------------------------------

JOINS: dict[str, Callable[[list[str]], str]] = {
    "spaces": " ".join,
    "line breaks": "\n".join,
    "line breaks and spaces": " \n".join,
}


def docx_paragraphs(content: bytes) -> bytes:
    """The .docx with each line break in a cell made a paragraph of its own."""
    source, target = io.BytesIO(content), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                assert b"<w:br/>" in data
                data = data.replace(b"<w:br/>", b"</w:r></w:p><w:p><w:r>")
            new.writestr(item, data)
    return target.getvalue()


WRITERS: dict[str, Callable[[Layout], tuple[bytes, str]]] = {
    "docx": lambda layout: (write_docx([layout]), "plan.docx"),
    "docx, a paragraph a line": lambda layout: (
        docx_paragraphs(write_docx([layout])),
        "plan.docx",
    ),
    "xlsx": lambda layout: (write_xlsx([layout]), "plan.xlsx"),
    "csv": lambda layout: (write_csv([layout], delimiter=";", encoding="utf-8"), "plan.csv"),
    "text": lambda layout: (text_rows(layout, [], str).encode(), "plan.txt"),
}


CELL_LAYOUTS = [
    *((writer, join) for writer in ("docx", "xlsx", "csv") for join in JOINS),
    ("docx, a paragraph a line", "line breaks"),
    ("text", "spaces"),
]


@pytest.mark.parametrize("name", PLANS)
@pytest.mark.parametrize(("writer", "join"), CELL_LAYOUTS)
def test_dates_in_one_cell_go_to_the_numbers_in_order(name, writer, join):
    result, plan, runs = original(name)
    layout = collapse(layouts(result)[0], runs, JOINS[join])
    content, file_name = WRITERS[writer](layout)
    check_ranges(read_plan(content, file_name), plan, runs)


# Dates on the lines after the row (text copies of PDF or Word tables) ---------------------------

FOLLOWING: dict[str, Callable[[str], str]] = {
    "in the deadline column": lambda day: f"\t\t{day}",
    "in the deadline column, empty cells after": lambda day: f"\t\t{day}\t\t",
    "in the number column": lambda day: f"{day}\t\t\t\t",
    "in the title column": lambda day: f"\t{day}",
    "in the result column": lambda day: f"\t\t\t\t{day}",
    "alone, no tabs": lambda day: day,
    "indented with spaces": lambda day: f"{' ' * 40}{day}",
}


@pytest.mark.parametrize("name", PLANS)
@pytest.mark.parametrize("place", FOLLOWING)
def test_dates_on_the_lines_after_a_row_of_a_text_copy(name, place):
    result, plan, runs = original(name)
    text = text_rows(collapse(layouts(result)[0], runs, " ".join), runs, FOLLOWING[place])
    check_ranges(read_plan(text.encode(), "plan.txt"), plan, runs)


@pytest.mark.parametrize("name", PLANS)
@pytest.mark.parametrize("place", ["cell", "after", "tabbed", "apart"])
def test_dates_after_a_row_of_a_text_copy_with_one_cell_per_line(name, place):
    result, plan, runs = original(name)
    text = text_cells(collapse(layouts(result)[0], runs, " ".join), runs, place)
    check_ranges(read_plan(text.encode(), "plan.txt"), plan, runs)


def range_rows(read: ImportResult) -> list[list[ParsedMeasure]]:
    """The measures of each row that stands for several, row by row."""
    rows: dict[tuple[int, str], list[ParsedMeasure]] = {}
    for index, plan in enumerate(read.plans):
        for measure in plan.measures:
            rows.setdefault((index, measure.location), []).append(measure)
    return [measures for measures in rows.values() if len(measures) > 1]


def one_date_of_several(read: ImportResult) -> list[str]:
    """Range rows whose source gives several dates but whose numbers all got the same one."""
    return [
        measures[0].source_cells["number"]
        for measures in range_rows(read)
        if len(deadline_parts(measures[0].source_cells["deadline"])) > 1
        and len({measure.deadline for measure in measures}) == 1
    ]


@pytest.mark.parametrize("name", PLANS)
@pytest.mark.parametrize("alone", [False, True], ids=["in a column", "alone"])
def test_the_samples_with_range_rows_read_each_date(name, alone):
    """The sample's own text, in its own layout, with its runs made range rows whose further
    dates follow the row, one a line; and the samples as they are give no range row of several
    dates one date for all."""
    result, plan, runs = original(name)
    assert one_date_of_several(result) == []
    text = collapse_text(sample(name).decode("utf-8"), runs, plan, alone=alone)
    read = read_plan(text.encode("utf-8"), f"{name}.txt")
    check_ranges(read, plan, runs)
    assert [len(each.measures) for each in read.plans] == [len(p.measures) for p in result.plans]
    assert len(range_rows(read)) == len(runs)
    assert one_date_of_several(read) == []


# A count of dates that differs from the count of numbers ---------------------------------------


def read_row(number: str, deadline: str, *following: str) -> ImportResult:
    lines = [
        "План мероприятий",
        "",
        "№ п/п\tМероприятие\tСрок реализации\tОтветственный\tВид документа",
        f"{number}\tПроведены опросы клиентов\t{deadline}\tКомитет по информатизации\tОтчет",
        *following,
        "4.1.\tУтвержден план\t31.12.2025\tКомитет по информатизации\tПриказ",
    ]
    result = read_plan("\n".join(lines).encode(), "plan.txt")
    assert isinstance(result, ImportResult)
    return result


def test_one_date_for_a_range_row_is_the_date_of_every_number():
    result = read_row("3.1.- 3.3.", "31.12.2024")
    assert [m.deadline for m in result.plans[0].measures] == [date(2024, 12, 31)] * 3 + [
        date(2025, 12, 31)
    ]
    assert not result.warnings


def test_too_few_dates_go_in_order_and_the_row_is_named():
    result = read_row("1.1–1.3", "01.03.2025 01.06.2025")
    assert [m.deadline for m in result.plans[0].measures][:3] == [
        date(2025, 3, 1),
        date(2025, 6, 1),
        date(2025, 6, 1),
    ]
    (warning,) = result.warnings
    assert (warning.code, warning.params) == (
        "range_deadlines_mismatch",
        {"row": "1.1–1.3", "numbers": 3, "dates": 2},
    )
    text = messages.render_warning(warning, lambda message: message)
    assert "1.1–1.3" in text and "3" in text and "2" in text


def test_too_many_dates_give_the_first_ones_in_order_and_the_row_is_named():
    result = read_row("5.3.4. - 5.3.5.", "01.03.2025 01.06.2025 01.09.2025")
    measures = result.plans[0].measures
    assert [(m.number, m.deadline) for m in measures][:2] == [
        ("5.3.4.", date(2025, 3, 1)),
        ("5.3.5.", date(2025, 6, 1)),
    ]
    (warning,) = result.warnings
    assert (warning.code, warning.params) == (
        "range_deadlines_extra",
        {"row": "5.3.4. - 5.3.5.", "numbers": 2, "dates": 3},
    )


def test_a_date_more_than_the_numbers_after_a_row_is_reported():
    """A date alone after a row that already has one per number continues the row's deadline
    cell like any row without a number: the row has a date too many, and says so; the next
    measure keeps its own date."""
    result = read_row("3.1.- 3.2.", "01.03.2025", "\t\t01.06.2025", "\t\t01.09.2025")
    measures = result.plans[0].measures
    assert [m.deadline for m in measures] == [
        date(2025, 3, 1),
        date(2025, 6, 1),
        date(2025, 12, 31),
    ]
    assert [(w.code, w.params["dates"]) for w in result.warnings] == [("range_deadlines_extra", 3)]


def test_a_line_that_says_more_than_a_date_is_not_a_date_of_the_row():
    result = read_row("3.1.- 3.2.", "01.03.2025", "Приказ от 01.06.2025")
    measures = result.plans[0].measures
    assert [m.deadline for m in measures][:2] == [date(2025, 3, 1), date(2025, 3, 1)]
    assert "01.06.2025" not in measures[1].deadline_text


def test_two_dates_in_one_cell_are_not_reversed():
    """`01 октября 2025 г. 01 декабря 2026 г.`: the first number is due on the first date."""
    result = read_row("2.6 - 2.7", "01 октября 2025 г. 01 декабря 2026 г.")
    first, second, _ = result.plans[0].measures
    assert (first.deadline, first.deadline_text) == (date(2025, 10, 1), "01 октября 2025 г.")
    assert (second.deadline, second.deadline_text) == (date(2026, 12, 1), "01 декабря 2026 г.")


def test_stage_dates_of_each_number_on_its_own_line_stay_together():
    """One line per number, each with two stage dates: each number is due on its line's last
    date, as a single measure would be."""
    rows = [["2.6 - 2.7", "Проведены опросы", "01.03.2025 – 01.06.2025\n01.09.2025 – 01.12.2025"]]
    layout = Layout(
        ["План мероприятий"], [[*row, "Комитет по информатизации", "Отчет"] for row in rows]
    )
    result = read_plan(write_csv([layout], delimiter=";", encoding="utf-8"), "plan.csv")
    assert isinstance(result, ImportResult)
    first, second = result.plans[0].measures
    assert (first.deadline, second.deadline) == (date(2025, 6, 1), date(2025, 12, 1))
    assert not result.warnings
