"""Reading the sample plans: exactly what each one yields, and why every warning is there.

The samples are copies of `../shared/seeds/` in `tests/fixtures/plans/` (see its README).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.plan_import.model import ImportFailure, ImportResult, ParsedMeasure, ParsedPlan
from bot.plan_import.reading import read_plan
from tests.fixtures.plans.documents import sample

NOVOSIBIRSK_TITLE = (
    "ПЛАН МЕРОПРИЯТИЙ («дорожная карта») по повышению уровня внедрения (зрелости) "
    "клиентоцентричности в Новосибирской области"
)
TEMPLATE_TITLE = (
    "Типовой план мероприятий («Дорожная карта») по внедрению Стандартов клиентоцентричности "
    "в субъекте Российской Федерации"
)
TEMPLATE_BODY_TITLE = (
    "Типовой план мероприятий («Дорожная карта») по внедрению Стандартов клиентоцентричности "
    "в органе исполнительной власти субъекта Российской Федерации"
)
OMSK_TITLE = (
    'План мероприятий ("Дорожная карта") Главного управления молодежной политики Омской области '
    "по внедрению Стандартов клиентоцентричности"
)
MINISTRY = "Министерство цифрового развития и связи Новосибирской области"
OIO = "Областные исполнительные органы Новосибирской области"
WORKING_GROUP = (
    "Межведомственная рабочая группа по внедрению клиентоцентричности в Новосибирской области"
)
OPFO = "Отдел организационно-правового и финансового обеспечения Главного управления"


@pytest.fixture(scope="module")
def novosibirsk() -> ImportResult:
    return read_plan(sample("novosibirsk"), "novosibirsk-roadmap-2025-2026.txt")


@pytest.fixture(scope="module")
def template() -> ImportResult:
    return read_plan(sample("template"), "typical-roadmap-template.txt")


@pytest.fixture(scope="module")
def omsk() -> ImportResult:
    return read_plan(sample("omsk"), "omsk-order-329rp-2024.txt")


def measures(plan: ParsedPlan) -> dict[str, ParsedMeasure]:
    found: dict[str, ParsedMeasure] = {}
    for measure in plan.measures:
        found.setdefault(measure.number_key, measure)
    return found


def executors(measure: ParsedMeasure) -> list[tuple[str, str | None, bool, bool]]:
    return [(e.name, e.short_name, e.lead, e.by_agreement) for e in measure.executors]


def warnings(result: ImportResult) -> list[tuple[str, str]]:
    return [(warning.where, warning.code) for warning in result.warnings]


# Novosibirsk: one cell per line, years, Roman sections, dd.mm.yyyy, footnote digits -------------


def test_novosibirsk_is_one_plan_of_66_measures_in_13_sections(novosibirsk):
    assert novosibirsk.source_format == "text-cells"
    [plan] = novosibirsk.plans
    assert plan.title == NOVOSIBIRSK_TITLE
    assert [m.number_key for m in plan.measures] == [str(n) for n in range(1, 67)]
    assert [(s.key, s.kind, s.parent_key) for s in plan.sections] == [
        ("2025", "year", None),
        ("2025/I", "section", "2025"),
        ("2025/II", "section", "2025"),
        ("2025/III", "section", "2025"),
        ("2025/IV", "section", "2025"),
        ("2025/V", "section", "2025"),
        ("2025/VI", "section", "2025"),
        ("2026", "year", None),
        ("2026/I", "section", "2026"),
        ("2026/II", "section", "2026"),
        ("2026/III", "section", "2026"),
        ("2026/IV", "section", "2026"),
        ("2026/V", "section", "2026"),
    ]
    assert [s.year for s in plan.sections] == [2025] * 7 + [2026] * 6
    assert plan.sections[1].title == "I. Организационные мероприятия"
    assert plan.sections[1].number == "I."


def test_novosibirsk_has_no_warning(novosibirsk):
    assert novosibirsk.warnings == []


def test_novosibirsk_deadlines_sections_and_results(novosibirsk):
    plan = novosibirsk.plans[0]
    by_number = measures(plan)
    assert all(m.deadline is not None and not m.done for m in plan.measures)
    first = by_number["1"]
    assert (first.deadline, first.deadline_text) == (date(2025, 5, 31), "31.05.2025")
    assert (first.section_key, first.section) == ("2025/I", "I. Организационные мероприятия")
    assert first.result == (
        "типовой порядок, утвержденный протоколом заседания межведомственной рабочей группы "
        "по внедрению клиентоцентричности в Новосибирской области"
    )
    assert first.location == "line 16"
    assert by_number["4"].deadline == date(2025, 7, 15)
    assert by_number["41"].section_key == "2026/I"
    assert by_number["66"].deadline == date(2026, 8, 11)
    assert by_number["66"].section == (
        "V. Координация повышения уровня внедрения (зрелости) клиентоцентричности в ОИО НСО"
    )


def test_novosibirsk_footnote_digits_leave_display_text_but_not_source(novosibirsk):
    second = measures(novosibirsk.plans[0])["2"]
    assert second.title.endswith("(зрелости) клиентоцентричности")
    assert second.source_cells["title"].endswith("(зрелости) клиентоцентричности2")
    assert second.result.endswith("клиентоцентричности не ниже 50%")
    assert "50%" in second.title


def test_novosibirsk_cells_split_by_a_blank_line_are_joined(novosibirsk):
    by_number = measures(novosibirsk.plans[0])
    for number in ("39", "40", "65"):
        measure = by_number[number]
        assert executors(measure) == [(OIO, "ОИО НСО", True, False)]
        assert measure.result.startswith("отчет о")


def test_novosibirsk_executors(novosibirsk):
    by_number = measures(novosibirsk.plans[0])
    assert executors(by_number["1"]) == [(WORKING_GROUP, None, True, False)]
    # "(далее – ОИО НСО)" in the title of measure 3 defines the abbreviation.
    assert executors(by_number["3"]) == [(OIO, "ОИО НСО", True, False)]
    fourth = by_number["4"].executors
    assert [e.name for e in fourth] == [
        MINISTRY,
        "Региональный центр оптимизации государственных и муниципальных услуг Новосибирской "
        "области государственного автономного учреждения Новосибирской области "
        "«Многофункциональный центр организации предоставления государственных и муниципальных "
        "услуг Новосибирской области»",
        OIO,
    ]
    assert [e.lead for e in fourth] == [True, False, False]
    assert fourth[2].qualifier == "участвующие в жизненной ситуации"
    assert fourth[2].short_name == "ОИО НСО"
    seventh = by_number["7"].executors
    assert [(e.name, e.by_agreement) for e in seventh] == [
        ("Министерство экономического развития Новосибирской области", False)
    ]
    assert seventh[0].qualifier == (
        "по согласованию с министерством цифрового развития и связи Новосибирской области"
    )
    # "(далее – Администрация)" in the heading of section IV.
    assert executors(by_number["12"]) == [
        (
            "Администрация Губернатора Новосибирской области и Правительства Новосибирской области",
            "Администрация",
            True,
            False,
        ),
        (OIO, "ОИО НСО", False, False),
    ]
    assert executors(by_number["15"]) == [
        (MINISTRY, None, True, False),
        ("Департамент информационной политики Администрации", None, False, False),
    ]
    assert [e.qualifier for e in by_number["31"].executors] == [
        "оказывающие услуги или предоставляющие сервисы"
    ]


def test_novosibirsk_municipalities_by_agreement(novosibirsk):
    by_number = measures(novosibirsk.plans[0])
    expected = [
        (MINISTRY, False),
        ("Карасукский муниципальный округ", True),
        ("Татарский муниципальный округ", True),
        ("Новосибирский район", True),
        ("Искитимский район", True),
        ("Город Новосибирск", True),
        ("Город Бердск", True),
        ("Иные муниципальные районы Новосибирской области", False),
        ("Муниципальные и городские округа Новосибирской области", True),
    ]
    for number in ("24", "25", "26", "27", "28", "29"):
        assert [(e.name, e.by_agreement) for e in by_number[number].executors] == expected
    assert "(по согласованию)" in by_number["24"].source_cells["executors"]
    assert len(by_number["30"].executors) == 11


# The federal template: two plans, quarters, empty deadlines, inline footnotes --------------


def test_template_is_two_plans(template):
    first, second = template.plans
    assert (first.title, second.title) == (TEMPLATE_TITLE, TEMPLATE_BODY_TITLE)
    assert (first.location, second.location) == ("line 1", "line 483")
    assert (len(first.measures), len(second.measures)) == (59, 76)
    assert [s.key for s in first.sections] == [str(n) for n in range(1, 10)]
    assert [s.key for s in second.sections] == ["1", "2", "3"] + [f"3/3.{n}" for n in range(1, 10)]
    assert second.sections[3].parent_key == "3"
    assert second.sections[3].title == "3.1. Процессы предоставления услуг (сервисов)"
    assert [m.number_key for m in second.measures[:9]] == [
        "1.1", "1.2", "1.5", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8",
    ]  # fmt: skip


def test_template_warnings_are_explained(template):
    assert warnings(template) == [
        # Most measures of the template have no deadline and none an executor: once per plan.
        ("line 1", "no_deadline_many"),
        ("line 1", "no_executor_many"),
        # "VI квартал 2023 года" read as IV.
        ("line 54", "quarter_typo"),
        ("line 61", "quarter_typo"),
        ("line 68", "quarter_typo"),
        ("line 483", "no_deadline_many"),
        ("line 483", "no_executor_many"),
        # The appendix numbers two measures 1.5.
        ("line 537", "duplicate_number"),
    ]
    first_summary = template.warnings[0].params
    assert first_summary["count"] == 48
    assert first_summary["numbers"].startswith("1.1, 1.2, 1.3, 3.3, 3.5, 3.6")
    assert template.warnings[1].params["count"] == 59
    assert template.warnings[2].params == {
        "number": "2.1",
        "text": "VI квартал 2023 года",
        "deadline": "31.12.2023",
    }
    assert template.warnings[-1].params == {"number": "1.5", "first": "line 514"}


def test_template_deadlines(template):
    by_number = measures(template.plans[0])
    assert by_number["1.1"].deadline is None
    assert by_number["1.1"].deadline_text == ""
    assert (by_number["1.4"].deadline, by_number["1.4"].deadline_text) == (
        date(2024, 3, 31),
        "Не позднее I квартала 2024 года",
    )
    assert by_number["2.1"].deadline == date(2023, 12, 31)
    assert by_number["2.4"].deadline == date(2023, 12, 15)
    assert by_number["2.5"].deadline == date(2024, 3, 31)
    assert by_number["3.13"].deadline == date(2024, 12, 31)
    assert measures(template.plans[1])["3.1.7"].deadline == date(2024, 12, 31)


def test_template_footnotes_and_remnants_are_removed_from_display(template):
    first = measures(template.plans[0])
    assert first["3.5"].title.endswith("(от внешних и внутренних клиентов)")
    assert "[footnoteRef:3]" in first["3.5"].source_cells["title"]
    # The footnote's blank line split the row: the rest of it is joined back.
    assert first["3.5"].result.startswith("Отчет об утверждении порядков сбора")
    assert first["3.13"].title.endswith("(зрелости) клиентоцентричности")
    second = measures(template.plans[1])
    assert second["3.3.6"].result.startswith("Приказ (распоряжение")
    assert second["3.3.6"].source_cells["result"].startswith("[bookmark: _GoBack]")


def test_template_results_join_both_result_columns_and_stray_lines(template):
    first = measures(template.plans[0])
    assert first["1.1"].result.startswith("Приказ (распоряжение, иной ненормативный")
    assert first["6.1"].result == (
        "Приказ (распоряжение, иной ненормативный правовой акт) об утверждении порядка ведения "
        "перечня точек взаимодействия с внутренним клиентом\n"
        "Отчет о формировании перечня точек взаимодействия с внутренним клиентом"
    )
    assert all(not m.executors for plan in template.plans for m in plan.measures)


# Omsk: an order amending a plan, with a new appendix plan in tab-separated rows ------------


def test_omsk_reads_the_appendix_plan_not_the_order(omsk):
    assert omsk.source_format == "text-rows"
    [plan] = omsk.plans
    assert plan.title == OMSK_TITLE
    assert plan.location == "line 84"
    assert len(plan.measures) == 60
    assert [s.key for s in plan.sections] == ["1", "2", "3"] + [f"3/3.{n}" for n in range(1, 8)]
    assert plan.sections[0].title == "1. Общереорганизационные мероприятия"
    assert plan.measures[0].number == "1.1."
    assert plan.measures[-1].number_key == "3.7.7"


def test_omsk_warnings_are_explained(omsk):
    assert warnings(omsk) == [
        ("line 118", "no_deadline"),  # 3.2.3 has an empty deadline cell
        ("line 136", "unknown_abbreviation"),  # ОЦФО is defined nowhere (ОПФО is)
    ]
    assert omsk.warnings[1].params == {"abbreviation": "ОЦФО", "number": "3.4.1"}


def test_omsk_executors_defined_in_their_own_cells(omsk):
    by_number = measures(omsk.plans[0])
    assert executors(by_number["1.1"]) == [
        ("Начальник отдела организационно-правового и финансового обеспечения Главного управления",
         None, True, False),
    ]  # fmt: skip
    short = "ОПФО Главного управления"
    assert executors(by_number["1.2"]) == [(OPFO, short, True, False)]
    assert executors(by_number["1.3"]) == [(OPFO, short, True, False)]
    assert by_number["1.3"].source_cells["executors"] == short
    assert executors(by_number["1.5"]) == [
        ("Отдел поддержки общественных инициатив Главного управления",
         "ОПОИ Главного управления", True, False),
    ]  # fmt: skip
    assert executors(by_number["3.4.1"]) == [("ОЦФО Главного управления", None, True, False)]
    assert (by_number["3.2.3"].deadline, by_number["3.2.3"].deadline_text) == (None, "")
    assert by_number["3.1.7"].deadline == date(2025, 7, 1)


# Tomsk: slides, not a plan ------------------------------------------------------------------------


def test_tomsk_slides_are_not_a_plan():
    with pytest.raises(ImportFailure) as caught:
        read_plan(sample("tomsk"), "tomsk-digital-transformation-slides.txt")
    assert caught.value.code == "no_measures"


# Title and progress ---------------------------------------------------------------------------


def test_title_replaces_the_title_of_a_single_plan():
    result = read_plan(sample("novosibirsk"), title="  Дорожная карта   НСО ")
    assert result.plans[0].title == "Дорожная карта НСО"


def test_title_names_only_the_first_of_several_plans():
    result = read_plan(sample("template"), title="Региональный план")
    assert [plan.title for plan in result.plans] == ["Региональный план", TEMPLATE_BODY_TITLE]


def test_progress_is_reported_in_order_and_ends_done():
    calls: list[tuple[str, int, int]] = []
    read_plan(sample("template"), progress=lambda *call: calls.append(call))
    assert calls[-1] == ("done", 1000, 1000)
    assert [done for _, done, _ in calls] == sorted(done for _, done, _ in calls)
    assert {stage for stage, _, _ in calls} <= {"reading", "understanding", "done"}


def test_a_failing_progress_callback_does_not_stop_reading():
    def broken(stage: str, done: int, total: int) -> None:
        raise RuntimeError("the chat is gone")

    assert read_plan(sample("omsk"), progress=broken).measure_count == 60
