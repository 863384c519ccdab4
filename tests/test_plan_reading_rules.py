"""The rules of understanding plans, one by one (domain.md §1), on small made-up plans."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from bot.plan_import import messages
from bot.plan_import.abbreviations import Abbreviations, inline_definitions, legend_entries
from bot.plan_import.assembly import BULK_CODES
from bot.plan_import.cleaning import Footnotes, clean_text
from bot.plan_import.columns import Role, is_column_numbers, map_header
from bot.plan_import.deadlines import read_deadline
from bot.plan_import.executors import read_executors
from bot.plan_import.model import ImportFailure, ImportResult, ImportWarning
from bot.plan_import.numbering import read_number, split_heading
from bot.plan_import.reading import read_plan
from bot.plan_import.text_source import CELLS_LAYOUT, ROWS_LAYOUT, choose_layout
from tests.fixtures.plans.documents import HEADER, Layout, write_csv

PACKAGE = Path(messages.__file__).parent


def read_rows(
    *rows: list[str], header: tuple[str, ...] = HEADER, title: str = "План"
) -> ImportResult:
    """A CSV plan with these rows under `header` (a one-text row is a heading)."""
    layout = Layout(title_lines=[title], rows=[list(row) for row in rows])
    content = write_csv([layout], delimiter=";", encoding="utf-8")
    if header != HEADER:
        content = content.replace(";".join(HEADER).encode(), ";".join(header).encode())
    return read_plan(content, "plan.csv")


def codes(result: ImportResult) -> list[str]:
    return [warning.code for warning in result.warnings]


# Deadlines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "deadline", "issue"),
    [
        ("31.05.2025", date(2025, 5, 31), None),
        ("1.6.25", date(2025, 6, 1), None),
        ("10 июня 2025 г.", date(2025, 6, 10), None),
        ("«10» июня 2025 года", date(2025, 6, 10), None),
        ("2025-03-01", date(2025, 3, 1), None),
        ("I квартал 2024 года", date(2024, 3, 31), None),
        ("IV квартал 2023 года", date(2023, 12, 31), None),
        ("Не позднее I квартала 2024 года", date(2024, 3, 31), None),
        ("4 кв. 2024", date(2024, 12, 31), None),
        ("II полугодие 2025 г.", date(2025, 12, 31), None),
        ("до 01.06.2025", date(2025, 6, 1), None),
        ("декабрь 2025 года", date(2025, 12, 31), None),
        ("в феврале 2024 г.", date(2024, 2, 29), None),
        ("до декабря 2025 года", date(2025, 11, 30), None),
        ("01 октября 2025 г. 01 декабря 2026 г.", date(2026, 12, 1), None),
        ("VI квартал 2023 года", date(2023, 12, 31), "quarter_typo"),
        ("2025 год", date(2025, 12, 31), "deadline_year_only"),
        ("в течение 2026 года", date(2026, 12, 31), "deadline_year_only"),
        ("ежеквартально", None, "periodic_deadline"),
        ("постоянно", None, "periodic_deadline"),
        ("по мере необходимости", None, "periodic_deadline"),
        ("31.02.2025", None, "deadline_not_understood"),
        ("V квартал 2024 года", None, "deadline_not_understood"),
        ("после утверждения бюджета", None, "deadline_not_understood"),
        ("", None, None),
    ],
)
def test_deadline_forms(text, deadline, issue):
    reading = read_deadline(text)
    assert (reading.deadline, reading.issue) == (deadline, issue)


@pytest.mark.parametrize(
    ("text", "deadline", "done_on"),
    [
        ("31.05.2025 Выполнено", date(2025, 5, 31), date(2025, 5, 31)),
        ("31.05.2025\nвыполнено 20.05.2025", date(2025, 5, 31), date(2025, 5, 20)),
        ("Исполнено 02.02.2024", date(2024, 2, 2), date(2024, 2, 2)),
    ],
)
def test_done_marks(text, deadline, done_on):
    reading = read_deadline(text)
    assert (reading.done, reading.deadline, reading.done_on) == (True, deadline, done_on)


def test_not_done_is_not_done():
    assert not read_deadline("31.05.2025 не выполнено").done


# Numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("1", ("1",)),
        (" 3.1.7. ", ("3.1.7.",)),
        ("6.4.5", ("6.4.5",)),
        ("1)", ("1",)),
        ("3.1.- 3.7.", ("3.1.", "3.2.", "3.3.", "3.4.", "3.5.", "3.6.", "3.7.")),
        ("5.3.4. - 5.3.5.", ("5.3.4.", "5.3.5.")),
        ("1.1, 1.3", ("1.1", "1.3")),
        ("31.12.2024", None),
        ("I.", None),
        ("п/п", None),
        ("3.9 - 4.2", None),
    ],
)
def test_measure_numbers(text, numbers):
    found = read_number(text)
    assert (found.numbers if found else None) == numbers


@pytest.mark.parametrize(
    ("text", "number", "title"),
    [
        ("I.\u00a0Организационные мероприятия", "I.", "Организационные мероприятия"),
        ("2.1. Региональные жизненные ситуации", "2.1.", "Региональные жизненные ситуации"),
        ("Раздел IV Контроль", "IV", "Контроль"),
        ("Организационные мероприятия", None, "Организационные мероприятия"),
        ("Ив. мероприятия", None, "Ив. мероприятия"),
    ],
)
def test_heading_numbers(text, number, title):
    assert split_heading(text) == (number, title)


# Columns ----------------------------------------------------------------------------------------


def test_columns_are_found_by_their_names_in_any_order():
    columns = map_header(
        (
            "Ответствен-\nный исполнитель",
            "Документ, подтверждающий исполнение",
            "Наименование мероприятия",
            "СРОК ИСПОЛНЕНИЯ",
            "",
            "Примечание",
            "Результат мероприятия",
        )
    )
    assert columns is not None
    assert columns.roles == {
        Role.EXECUTORS: (0,),
        Role.RESULT: (1, 6),
        Role.TITLE: (2,),
        Role.DEADLINE: (3,),
    }
    assert columns.extra == {5: "Примечание"}


def test_an_unnamed_column_before_the_title_holds_the_numbers():
    columns = map_header(("", "Мероприятие", "Срок", "Исполнитель"))
    assert columns is not None and columns.roles[Role.NUMBER] == (0,)


def test_rows_that_are_not_headers():
    assert map_header(("№ п/п", "Признак сегментации", "Значение сегмента")) is None
    assert map_header(("1", "Утвержден порядок", "31.05.2025", "КИС", "приказ")) is None
    assert is_column_numbers(("1", "2", "3", "4", "5"))
    assert not is_column_numbers(("1", "2", "4"))


# Sections, ranges, continuations ------------------------------------------------------------------


def test_sections_nest_by_their_numbers_under_years():
    result = read_rows(
        ["2025 год"],
        ["I. Организационные мероприятия"],
        ["1.", "Жизненные ситуации", "", "", ""],
        ["1.1.", "Региональные жизненные ситуации", "", "", ""],
        ["1.1.1.", "Утвержден перечень", "31.03.2025", "КИС", "приказ"],
        ["2026 год"],
        ["Организационные мероприятия"],
        ["1.1.2.", "Утвержден план", "31.03.2026", "КИС", "приказ"],
    )
    plan = result.plans[0]
    assert [(s.key, s.kind, s.title, s.parent_key) for s in plan.sections] == [
        ("2025", "year", "2025 год", None),
        ("2025/I", "section", "I. Организационные мероприятия", "2025"),
        ("2025/I/1", "section", "1. Жизненные ситуации", "2025/I"),
        ("2025/I/1/1.1", "section", "1.1. Региональные жизненные ситуации", "2025/I/1"),
        ("2026", "year", "2026 год", None),
        ("2026/s6", "section", "Организационные мероприятия", "2026"),
    ]
    first, second = plan.measures
    assert (first.section_key, first.section) == (
        "2025/I/1/1.1",
        "1.1. Региональные жизненные ситуации",
    )
    assert (second.section_key, second.section) == ("2026/s6", "Организационные мероприятия")


def test_a_range_row_gives_one_measure_per_number_with_its_own_date():
    result = read_rows(
        ["5.3.4. - 5.3.5.", "Проведены опросы", "01.03.2025\n01.06.2025", "КИС", "отчет"],
        ["3.1.- 3.3.", "Утверждены планы", "31.12.2024", "КИС", "приказ"],
    )
    measures = result.plans[0].measures
    assert [(m.number, m.deadline, m.deadline_text) for m in measures] == [
        ("5.3.4.", date(2025, 3, 1), "01.03.2025"),
        ("5.3.5.", date(2025, 6, 1), "01.06.2025"),
        ("3.1.", date(2024, 12, 31), "31.12.2024"),
        ("3.2.", date(2024, 12, 31), "31.12.2024"),
        ("3.3.", date(2024, 12, 31), "31.12.2024"),
    ]
    assert {m.source_cells["number"] for m in measures[:2]} == {"5.3.4. - 5.3.5."}
    assert all(m.title == "Проведены опросы" for m in measures[:2])


def test_a_range_with_too_few_dates_is_reported():
    result = read_rows(
        ["1.1 - 1.3", "Проведены опросы", "01.03.2025\n01.06.2025", "Комитет", "отчет"],
    )
    assert [m.deadline for m in result.plans[0].measures] == [
        date(2025, 3, 1),
        date(2025, 6, 1),
        date(2025, 6, 1),
    ]
    assert [(w.code, w.params) for w in result.warnings] == [
        ("range_deadlines_mismatch", {"row": "1.1 - 1.3", "numbers": 3, "dates": 2})
    ]


def test_a_row_split_by_a_page_break_continues_its_measure():
    result = read_rows(
        ["7", "Утвержден порядок", "31.05.2025", "Министерство финансов,", "приказ"],
        ["", "сбора обратной связи", "", "Министерство экономики", "и протокол"],
        ["8", "Проведена оценка", "30.06.2025", "Министерство финансов", "отчет"],
    )
    first, second = result.plans[0].measures
    assert first.title == "Утвержден порядок\nсбора обратной связи"
    assert [e.name for e in first.executors] == ["Министерство финансов", "Министерство экономики"]
    assert first.result == "приказ\nи протокол"
    assert first.source_cells["title"] == "Утвержден порядок\nсбора обратной связи"
    assert second.number == "8"
    assert result.warnings == []


def test_repeated_headers_and_column_numbers_are_skipped():
    result = read_rows(
        ["1", "Утвержден порядок", "31.05.2025", "Комитет", "приказ"],
        list(HEADER),
        ["1", "2", "3", "4", "5"],
        ["2", "Проведена оценка", "30.06.2025", "Комитет", "отчет"],
    )
    assert [m.number for m in result.plans[0].measures] == ["1", "2"]
    assert result.warnings == []


def test_rows_not_understood_are_reported_with_their_text():
    result = read_rows(
        ["1", "Утвержден порядок", "31.05.2025", "Комитет", "приказ"],
        ["Итого", "", "", "", "1 мероприятие"],
    )
    assert [(w.where, w.code, w.params) for w in result.warnings] == [
        ("line 5", "row_not_understood", {"text": "Итого | 1 мероприятие"})
    ]


def test_numbering_restarting_in_a_new_sheet_starts_a_new_plan():
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.append(["План мероприятий министерства"])
    first.append(list(HEADER))
    first.append(["1", "Утвержден порядок", "31.05.2025", "Комитет", "приказ"])
    second = workbook.create_sheet("Приложение")
    second.append(["1", "Проведена оценка", "30.06.2025", "Комитет", "отчет"])
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_plan(buffer.getvalue(), "plans.xlsx")
    assert [(p.title, len(p.measures)) for p in result.plans] == [
        ("План мероприятий министерства", 1),
        ("plans (2)", 1),
    ]
    assert codes(result) == ["plan_title_missing"]


# Deadline and executor gaps ---------------------------------------------------------------------


def test_few_gaps_are_reported_one_by_one_many_once_per_plan():
    few = read_rows(*[[str(n), "Мероприятие", "", "Комитет", "отчет"] for n in range(1, 4)])
    assert codes(few) == ["no_deadline"] * 3
    assert [w.where for w in few.warnings] == ["line 4", "line 5", "line 6"]
    many = read_rows(*[[str(n), "Мероприятие", "", "", "отчет"] for n in range(1, 6)])
    assert [(w.where, w.code, w.params) for w in many.warnings] == [
        ("line 1", "no_deadline_many", {"count": 5, "numbers": "1, 2, 3, 4, 5"}),
        ("line 1", "no_executor_many", {"count": 5, "numbers": "1, 2, 3, 4, 5"}),
    ]


def test_periodic_and_year_only_deadlines_are_reported():
    result = read_rows(
        ["1", "Мониторинг", "ежеквартально", "Комитет", "отчет"],
        ["2", "Отчет", "2025 год", "Комитет", "отчет"],
        ["3", "Итоги", "31.12.2025 Выполнено", "Комитет", "отчет"],
    )
    first, second, third = result.plans[0].measures
    assert (first.deadline, second.deadline) == (None, date(2025, 12, 31))
    assert (third.done, third.done_on) == (True, date(2025, 12, 31))
    assert [(w.code, w.params) for w in result.warnings] == [
        ("periodic_deadline", {"number": "1", "text": "ежеквартально", "deadline": ""}),
        ("deadline_year_only", {"number": "2", "text": "2025 год", "deadline": "31.12.2025"}),
    ]


def test_a_status_column_marks_done_and_other_columns_are_kept():
    header = (*HEADER, "Отметка о выполнении", "Примечание")
    result = read_rows(
        ["1", "Утвержден порядок", "31.05.2025", "Комитет", "приказ", "Выполнено 15.05.2025", "п"],
        header=header,
    )
    [measure] = result.plans[0].measures
    assert (measure.done, measure.done_on) == (True, date(2025, 5, 15))
    assert measure.source_cells["status"] == "Выполнено 15.05.2025"
    assert measure.source_cells["Примечание"] == "п"


# Display text -------------------------------------------------------------------------------------


def test_html_remnants_are_removed_from_display_only():
    result = read_rows(
        [
            "1",
            "<p>Утвержден <b>порядок</b>&nbsp;сбора</p>",
            "31.05.2025",
            "Комитет",
            '<ul style="margin:0"><li>приказ</li><li>протокол</li></ul>',
        ],
    )
    [measure] = result.plans[0].measures
    assert measure.title == "Утвержден порядок сбора"
    assert measure.result == "приказ\nпротокол"
    assert measure.source_cells["title"] == "<p>Утвержден <b>порядок</b>&nbsp;сбора</p>"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("стандартам клиентоцентричности1 типовой", "стандартам клиентоцентричности типовой"),
        ("клиентоцентричности1, в рамках", "клиентоцентричности, в рамках"),
        ("Стандарту жизненной ситуации3)", "Стандарту жизненной ситуации)"),
        ("внедрения стандартов²", "внедрения стандартов"),
        ("площадь 20 м²", "площадь 20 м²"),
        ("приказ № 5 от 01.02.2024", "приказ № 5 от 01.02.2024"),
        ("ОИО НСО2 и версия 2.0", "ОИО НСО2 и версия 2.0"),
        ("Омской области*", "Омской области"),
        ("текст[footnoteRef:3] [3:  Сноска о порядке.] дальше", "текст дальше"),
        ("[bookmark: _GoBack]Приказ", "Приказ"),
        ("  два\u00a0 пробела \n\n строки ", "два пробела\nстроки"),
    ],
)
def test_display_cleaning(text, cleaned):
    assert clean_text(text) == cleaned


def test_a_digit_glued_to_a_word_is_a_footnote_only_if_declared():
    footnotes = Footnotes()
    assert footnotes.learn_from_paragraph("1Правила проведения мониторинга утверждены")
    assert not footnotes.learn_from_paragraph("1. Внести изменения")
    assert clean_text("клиентоцентричности1 и ситуации3", footnotes) == (
        "клиентоцентричности и ситуации3"
    )


# Executors and abbreviations --------------------------------------------------------------------


def executors_of(text: str, abbreviations: Abbreviations | None = None) -> list[tuple]:
    found = read_executors(text, abbreviations or Abbreviations())
    return [(e.name, e.short_name, e.lead, e.by_agreement, e.person, e.qualifier) for e in found]


def test_a_comma_inside_a_body_name_does_not_split_it():
    assert executors_of(
        "Министерство труда, занятости и трудовых ресурсов Новосибирской области; "
        "Министерство сельского хозяйства, пищевой и перерабатывающей промышленности"
    ) == [
        ("Министерство труда, занятости и трудовых ресурсов Новосибирской области",
         None, True, False, None, None),
        ("Министерство сельского хозяйства, пищевой и перерабатывающей промышленности",
         None, False, False, None, None),
    ]  # fmt: skip


def test_line_breaks_split_bodies_or_wrap_names():
    assert [e[0] for e in executors_of("Комитет по\nинформатизации и связи\nКомитет финансов")] == [
        "Комитет по информатизации и связи",
        "Комитет финансов",
    ]


def test_short_names_defined_in_the_cell_are_learnt():
    abbreviations = Abbreviations()
    assert executors_of(
        "Комитет по информатизации и связи (КИС), Главное управление (далее – ГУ)", abbreviations
    ) == [
        ("Комитет по информатизации и связи", "КИС", True, False, None, None),
        ("Главное управление", "ГУ", False, False, None, None),
    ]
    assert executors_of("КИС", abbreviations) == [
        ("Комитет по информатизации и связи", "КИС", True, False, None, None)
    ]


def test_people_agreement_and_qualifiers():
    assert executors_of(
        "К.Н. Звоник; Администрация района (по согласованию), "
        "в части муниципальных услуг; ОИО (в соответствии с пунктом 5.1.1 Плана)"
    ) == [
        ("К.Н. Звоник", None, True, False, "К.Н. Звоник", None),
        ("Администрация района", None, False, True, None, "в части муниципальных услуг"),
        ("ОИО", None, False, False, None, "в соответствии с пунктом 5.1.1 Плана"),
    ]


def test_inline_definitions_find_their_full_form():
    assert inline_definitions(
        "Проведен реинжиниринг областными исполнительными органами Новосибирской области "
        "(далее – ОИО НСО) 40% процессов"
    ) == [("ОИО НСО", "областные исполнительные органы Новосибирской области")]
    assert inline_definitions(
        "в подразделениях администрации Губернатора Новосибирской области (далее - Администрация)"
    ) == [("Администрация", "Администрация Губернатора Новосибирской области")]
    assert inline_definitions("для муниципальных образований, (далее – МО)") == []


def test_legend_entries():
    assert legend_entries(
        "КИС – Комитет по информатизации и связи; ИОГВ — исполнительные органы власти",
        strict=True,
    ) == [
        ("КИС", "Комитет по информатизации и связи"),
        ("ИОГВ", "исполнительные органы власти"),
    ]
    assert legend_entries("Омск – город на Иртыше", strict=True) == []
    assert legend_entries("Минцифры – министерство цифрового развития", strict=False) == [
        ("Минцифры", "министерство цифрового развития")
    ]


def test_a_legend_on_one_line_in_a_spreadsheet_row():
    result = read_rows(
        ["1", "Утвержден порядок", "31.05.2025", "ИОГВ", "приказ"],
        ["Принятые сокращения: ИОГВ – исполнительные органы государственной власти"],
    )
    [executor] = result.plans[0].measures[0].executors
    assert (executor.name, executor.short_name) == (
        "Исполнительные органы государственной власти",
        "ИОГВ",
    )
    assert result.warnings == []


# Layouts ------------------------------------------------------------------------------------------


def test_text_layout_is_the_one_most_lines_follow():
    assert choose_layout(["\t1", "\tМероприятие", "", "\t2", "a\tb\tc"]) == CELLS_LAYOUT
    assert choose_layout(["1\tМероприятие\t31.05.2025", "\t2"]) == ROWS_LAYOUT


# Messages -----------------------------------------------------------------------------------------


def codes_in_source() -> tuple[set[str], set[str]]:
    """Failure and warning codes used by the importer's code (found in its syntax tree)."""
    failures: set[str] = set()
    warnings: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                literals = [
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                ]
                if name == "ImportFailure" and literals:
                    failures.add(literals[0])
                elif name in ("_warn", "_warn_at", "ImportWarning", "Notice", "add") and literals:
                    warnings.update(literal for literal in literals if literal.islower())
            if isinstance(node, ast.FunctionDef) and node.name == "_issue":
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                        warnings.add(inner.value)
    warnings.update(f"{code}_many" for code in BULK_CODES)
    warnings.update(BULK_CODES)
    return failures, warnings


def test_every_code_has_a_message():
    failures, warnings = codes_in_source()
    assert failures >= {"too_large", "empty", "unsupported_format", "corrupted", "no_measures"}
    assert failures - set(messages.FAILURE_MESSAGES) == set()
    warnings = {code for code in warnings if "_" in code or code.isalpha()}
    assert warnings - set(messages.WARNING_MESSAGES) == set(), "codes without a message"
    assert "row_not_understood" in warnings and "quarter_typo" in warnings


def test_messages_render_with_the_params_given():
    warning = ImportWarning("line 54", "quarter_typo", {"number": "2.1", "text": "VI квартал",
                                                         "deadline": "31.12.2023"})  # fmt: skip
    assert messages.render_warning(warning, lambda text: text) == (
        "Measure 2.1: «VI квартал» names no real quarter; it was read as the fourth quarter, "
        "deadline 31.12.2023."
    )
    failure = ImportFailure("unsupported_format", kind="PDF")
    assert messages.render_failure(failure, lambda text: text).startswith(
        "The bot cannot read PDF files."
    )
    assert messages.render("no_measures", lambda text: text).startswith("No table of measures")
    assert messages.render("no_deadline", lambda text: text) == "Measure ? has no deadline."
    assert messages.render("something_new", lambda text: text) == "something_new"


def test_messages_render_in_russian():
    from bot.entry.translations import create_i18n

    i18n = create_i18n()

    def russian(text: str) -> str:
        return i18n.gettext(text, locale="ru")

    warning = ImportWarning("sheet 'План', row 12", "no_deadline", {"number": "3.2.3"})
    assert messages.render_warning(warning, russian) == "У мероприятия 3.2.3 нет срока."
    assert messages.render_where(warning.where, russian) == "лист «План», строка 12"
    assert messages.render_where("table 2, row 7", russian) == "таблица 2, строка 7"
    assert messages.render_where("line 42", russian) == "строка 42"
    assert messages.render_where("somewhere", russian) == "somewhere"


@pytest.mark.parametrize("name", ["novosibirsk", "template", "omsk"])
def test_every_sample_warning_renders_completely(name):
    from tests.fixtures.plans.documents import sample

    for warning in read_plan(sample(name)).warnings:
        text = messages.render_warning(warning, lambda text: text)
        assert "?" not in text and "{" not in text, text
