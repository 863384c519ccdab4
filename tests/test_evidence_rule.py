"""Which document proves a measure, read from the plan's expected result; and the requisites
an official gives for it, checked politely."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from bot.evidence import (
    EvidenceKind,
    RequisiteField,
    Requisites,
    check_evidence,
    clean_link,
    clean_number,
    expected_kinds,
    parse_date,
    with_value,
)
from bot.evidence_wording import requisites_text
from bot.plan_import.reading import read_plan
from bot.refusals import Refusal, Refused
from tests.fixtures.plans.documents import sample

ORDER, ACT, PROTOCOL, LETTER, PAGE, REPORT = (
    EvidenceKind.ORDER,
    EvidenceKind.LEGAL_ACT,
    EvidenceKind.PROTOCOL,
    EvidenceKind.LETTER,
    EvidenceKind.PUBLICATION,
    EvidenceKind.REPORT,
)
TODAY = date(2025, 6, 1)

# Wordings of the sample plans (tests/fixtures/plans), as the import reads them.
SEED_WORDINGS = [
    (
        "Приказ (распоряжение, иной ненормативный правовой акт) о назначении ответственного за "
        "внедрение клиентоцентричности в субъекте Российской Федерации",
        (ORDER,),
    ),
    ("Распоряжение Главного управления о модели внедрения клиентоцентричности", (ORDER,)),
    (
        "Приказ (распоряжение, протокол рабочей группы, иной ненормативный правовой акт) об "
        "определении жизненных ситуаций субъекта Российской Федерации",
        (ORDER, PROTOCOL),
    ),
    (
        "Ведомственный акт, утверждающий План по совершенствованию организационной структуры",
        (ORDER,),
    ),
    ("Акт об утверждении плана по совершенствованию организационной структуры", (ORDER,)),
    (
        "типовой порядок, утвержденный протоколом заседания межведомственной рабочей группы по "
        "внедрению клиентоцентричности в Новосибирской области",
        (PROTOCOL,),
    ),
    ("протокол заседания межведомственной рабочей группы", (PROTOCOL,)),
    (
        "письмо в Аналитический центр, содержащее перечень новых государственных услуг ОИО НСО",
        (LETTER,),
    ),
    # A report about something: what follows «о», «об», «в» is its subject, not a document.
    ("отчет о размещении баннера на главной странице официальных сайтов Администрации", (REPORT,)),
    ("Отчет об утверждении планов оптимизации услуг органов исполнительной власти", (REPORT,)),
    (
        "отчет в Аналитический центр при Правительстве Российской Федерации, размещена "
        "информация по реализации пяти региональных жизненных ситуаций",
        (REPORT,),
    ),
    ("сводный отчет о результатах проведенной информационной кампании", (REPORT,)),
    # Two documents in one cell, glued by text extraction or on two lines.
    (
        "Распоряжение об утверждении порядка ведения перечня точек взаимодействия с клиентом в "
        "рамках предоставления услуг (сервисов) Отчет о формировании перечня точек",
        (ORDER, REPORT),
    ),
    (
        "Приказ (распоряжение, иной ненормативный правовой акт) об утверждении порядка ведения "
        "перечня точек взаимодействия с внутренним клиентом\nОтчет о формировании перечня",
        (ORDER, REPORT),
    ),
    # Named nothing the bot knows: the official picks the kind.
    ("Медиаплан (форма утверждения определяется субъектом Российской Федерации)", ()),
    ("перечень ответственных за внедрение клиентоцентричности в муниципальных образованиях", ()),
    ("материалы с элементами фирменного стиля клиентоцентричности", ()),
]

# How other plans say it (the brief's list): Russian cases, abbreviations, publications.
OTHER_WORDINGS = [
    ("утверждено приказом Министерства цифрового развития", (ORDER,)),
    ("постановление Правительства Новосибирской области", (ORDER,)),
    ("Постановлением Губернатора утвержден порядок", (ORDER,)),
    ("информация (письмо) в Минэкономразвития России", (LETTER,)),
    ("размещение на официальном сайте органа исполнительной власти", (PAGE,)),
    ("размещена информация на официальном интернет-портале", (PAGE,)),
    ("нормативный правовой акт об утверждении порядка", (ACT,)),
    ("НПА субъекта о внесении изменений", (ACT,)),
    ("ненормативный правовой акт", (ORDER,)),
    ("", ()),
    (None, ()),
]


@pytest.mark.parametrize(("result", "kinds"), SEED_WORDINGS + OTHER_WORDINGS)
def test_the_expected_document_is_read_from_the_result(result, kinds):
    assert expected_kinds(result) == kinds


def test_most_measures_of_the_sample_plans_name_a_known_document():
    counts: Counter[tuple[EvidenceKind, ...]] = Counter()
    for key, name in (
        ("novosibirsk", "novosibirsk-roadmap-2025-2026.txt"),
        ("template", "typical-roadmap-template.txt"),
        ("omsk", "omsk-order-329rp-2024.txt"),
    ):
        for plan in read_plan(sample(key), name).plans:
            counts.update(expected_kinds(measure.result) for measure in plan.measures)
    total = sum(counts.values())
    unknown = counts[()]
    # 261 measures; 6 name a media plan, a list, materials: the official picks the kind.
    assert (total, unknown) == (261, 6)
    assert counts[(REPORT,)] == 155
    assert counts[(ORDER,)] == 64
    assert counts[(ORDER, REPORT)] == 18
    assert counts[(LETTER,)] == 8
    assert counts[(PROTOCOL,)] == 6
    assert counts[(ORDER, PROTOCOL)] == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.2024", date(2024, 12, 31)),
        ("1.3.2025", date(2025, 3, 1)),
        ("01/03/2025", date(2025, 3, 1)),
    ],
)
def test_a_date_is_day_month_year(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31.02.2025", "2025-03-01", "завтра", "", "01.03.25"])
def test_a_date_otherwise_is_refused_politely(text):
    with pytest.raises(Refused) as refused:
        parse_date(text)
    assert refused.value.refusal is Refusal.BAD_REQUISITE_DATE


def test_a_number_is_short_and_a_link_is_http():
    assert clean_number("№ 123-р") == "123-р"
    assert clean_number(" 45/2 ") == "45/2"
    for bad in ("", "x" * 41, "12\n34"):
        with pytest.raises(Refused) as refused:
            clean_number(bad)
        assert refused.value.refusal is Refusal.BAD_REQUISITE_NUMBER
    assert clean_link("https://nso.ru/npa/123") == "https://nso.ru/npa/123"
    for bad in ("javascript:alert(1)", "ftp://nso.ru/a", "nso.ru/npa", "https://", "http://a b"):
        with pytest.raises(Refused) as refused:
            clean_link(bad)
        assert refused.value.refusal is Refusal.BAD_REQUISITE_LINK


def test_number_and_date_may_come_together_and_a_future_date_is_refused():
    order = Requisites(EvidenceKind.ORDER)
    given = with_value(order, RequisiteField.NUMBER, "приказ № 123 от 01.03.2025", TODAY)
    assert (given.number, given.issued_on) == ("123", date(2025, 3, 1))
    assert given.missing() == ()
    with pytest.raises(Refused) as refused:
        with_value(order, RequisiteField.DATE, "01.07.2025", TODAY)
    assert refused.value.refusal is Refusal.REQUISITE_DATE_IN_FUTURE


def test_each_kind_asks_for_what_proves_it():
    def missing(kind):
        return Requisites(kind).missing()

    assert missing(ORDER) == (RequisiteField.NUMBER, RequisiteField.DATE)
    assert missing(PROTOCOL) == (RequisiteField.DATE,)
    assert missing(LETTER) == (RequisiteField.NUMBER, RequisiteField.DATE)
    assert missing(ACT) == (RequisiteField.NUMBER, RequisiteField.DATE, RequisiteField.LINK)
    assert missing(PAGE) == (RequisiteField.LINK,)
    assert missing(EvidenceKind.OTHER) == ()


def test_without_a_file_the_plan_must_allow_it_and_the_requisites_be_complete():
    full = Requisites(ORDER, "123", date(2025, 3, 1), reference="01-12/345")
    check_evidence(None, documents=1, without_file_allowed=False)
    check_evidence(full, documents=0, without_file_allowed=True)
    cases = [
        (None, True, Refusal.NO_DOCUMENTS),
        (full, False, Refusal.FILE_REQUIRED),
        (Requisites(ORDER, "123", reference="01-12/345"), True, Refusal.REQUISITES_INCOMPLETE),
        (Requisites(ORDER, "123", date(2025, 3, 1)), True, Refusal.REQUISITES_INCOMPLETE),
    ]
    for requisites, allowed, refusal in cases:
        with pytest.raises(Refused) as refused:
            check_evidence(requisites, documents=0, without_file_allowed=allowed)
        assert refused.value.refusal is refusal


def test_requisites_read_as_one_line_escaped_in_html():
    requisites = Requisites(ACT, "<12>", date(2025, 3, 1), "https://a.ru/?x=1&y=2", "СЭД 5")
    assert Requisites.from_dict(requisites.as_dict()) == requisites
    assert requisites_text(requisites, str) == (
        "Regulatory legal act № &lt;12&gt; of 01.03.2025, https://a.ru/?x=1&amp;y=2, "
        "in the document system: СЭД 5"
    )
    assert requisites_text(requisites, str, html=False).startswith("Regulatory legal act № <12>")
