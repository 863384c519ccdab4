"""Reading amendment orders: the Omsk order as a text copy and as a Word document, and orders
written in each standard form of legal drafting on rows of the other sample plans."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.amendments.order import Action, AmendmentOrder, Field, Reason, RowText
from bot.amendments.reading import (
    OrderUnreadable,
    looks_like_order,
    read_order,
    read_order_text,
)
from bot.plan_import.model import ParsedMeasure, normalise_number
from bot.plan_import.reading import read_plan

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
OMSK = SEEDS / "omsk-order-329rp-2024.txt"
NOVOSIBIRSK = SEEDS / "novosibirsk-roadmap-2025-2026.txt"
TEMPLATE = SEEDS / "typical-roadmap-template.txt"

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def omsk_docx(text: str) -> bytes:
    """The order's text as a Word document: tab-separated lines become one real table."""
    document = Document()
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if "\t" not in lines[index]:
            document.add_paragraph(lines[index])
            index += 1
            continue
        rows = []
        while index < len(lines) and "\t" in lines[index]:
            rows.append(lines[index].split("\t"))
            index += 1
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for row, cells in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, cells, strict=False):
                cell.text = value
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def seed_appendix_measures() -> int:
    """Measures of the order's appendix № 1 counted in the seed: numbered rows with an
    executor (a numbered row with no deadline and no executor is a section)."""
    text = OMSK.read_text(encoding="utf-8")
    appendix = text.split("Приложение № 1\n")[1].split("Приложение № 2\n")[0]
    count = 0
    for line in appendix.split("\n"):
        cells = line.split("\t")
        if len(cells) >= 4 and cells[0][:1].isdigit() and cells[3].strip():
            count += 1
    return count


def check_omsk(order: AmendmentOrder) -> None:
    assert order.number == "329-рп"
    assert order.date == date(2024, 11, 28)
    assert order.title.startswith("О внесении изменений в отдельные распоряжения")
    plan_act = order.acts[0]
    assert (plan_act.number, plan_act.date) == ("214-рп", date(2023, 9, 28))
    assert plan_act.title.startswith('План мероприятий ("Дорожная карта") по внедрению')

    rows = [(c.row, c.field, c.action, c.before, c.after) for c in order.changes if c.row]
    assert rows == [
        (
            "1.4",
            None,
            Action.REPLACE,
            "региональной политики и массовых коммуникаций",
            "внутренней политики",
        ),
        ("2.6", None, Action.DELETE, "по делам молодежи, физической культуры и", None),
        ("2.7", None, Action.DELETE, "по делам молодежи, физической культуры и", None),
    ]
    titles = [c for c in order.changes if c.row is None]
    assert [c.appendix for c in titles] == ["5", "9", "10", "17", "26"]
    for change in titles:
        assert (change.field, change.action) == (Field.TITLE, Action.REPLACE)
        assert (change.before, change.after) == ("Омской области", "Омской области*")
        assert change.appendix_title.startswith('План мероприятий ("Дорожная карта") ')
    assert all(change.act == 0 for change in order.changes)

    successors = [(s.appendix, s.body, s.successor, s.since) for s in order.successors]
    assert successors == [
        (
            "5",
            "Министерства по делам молодежи, физической культуры и спорта Омской области",
            "Министерством спорта Омской области",
            date(2024, 6, 5),
        ),
        (
            "9",
            "Министерства региональной политики и массовых коммуникаций Омской области",
            "Министерством внутренней политики Омской области",
            date(2024, 4, 16),
        ),
        (
            "10",
            "Министерства сельского хозяйства и продовольствия Омской области",
            "Министерством сельского хозяйства, пищевой и перерабатывающей промышленности "
            "Омской области",
            date(2024, 5, 15),
        ),
        (
            "17",
            "Министерства энергетики и жилищно-коммунального комплекса Омской области",
            "Министерством энергетики и жилищно-коммунального хозяйства Омской области",
            date(2024, 5, 3),
        ),
        (
            "26",
            "Государственной инспекции по надзору за техническим состоянием самоходных машин "
            "и других видов техники при Министерстве сельского хозяйства и продовольствия "
            "Омской области",
            "Государственной инспекцией по надзору за техническим состоянием самоходных машин "
            "и других видов техники при Министерстве сельского хозяйства, пищевой и "
            "перерабатывающей промышленности Омской области",
            date(2024, 5, 15),
        ),
    ]

    [appendix] = order.appendices
    assert (appendix.number, appendix.order_appendix) == ("29", "1")
    assert appendix.title == (
        'План мероприятий ("Дорожная карта") Главного управления молодежной политики '
        "Омской области по внедрению Стандартов клиентоцентричности"
    )
    assert appendix.text.startswith("Приложение № 1")
    assert "Рекомендациям" not in appendix.text  # the order's appendix № 2 is not in it
    [plan] = read_plan(appendix.text.encode("utf-8"), "appendix.txt").plans
    assert len(plan.measures) == seed_appendix_measures() == 60

    # Point 2 amends the «Рекомендации» of № 230-рп: kept as an act, reported, not dropped.
    assert [(act.number, act.date) for act in order.acts[1:]] == [("230-рп", date(2024, 9, 12))]
    [other] = order.not_understood
    assert other.reason == Reason.OTHER_ACT
    assert "№ 230-рп дополнить приложением № 4" in other.text


def test_the_omsk_order_as_a_text_copy() -> None:
    check_omsk(read_order(OMSK.read_bytes(), "329-рп.txt"))


def test_the_omsk_order_as_a_word_document_with_a_real_table() -> None:
    content = omsk_docx(OMSK.read_text(encoding="utf-8"))
    check_omsk(read_order(content, "329-рп.docx"))


def test_the_omsk_order_in_windows_1251() -> None:
    content = OMSK.read_text(encoding="utf-8").encode("cp1251", errors="replace")
    check_omsk(read_order(content, "329-рп.txt"))


def test_the_omsk_order_wrapped_like_a_pdf_text_copy() -> None:
    """Each statement broken over short lines, as a PDF's text copy has them."""
    text = OMSK.read_text(encoding="utf-8")
    body, appendices = text.split("\nПриложение № 1\n", 1)
    wrapped = []
    for line in body.split("\n"):
        words, current = line.split(" "), ""
        for word in words:
            if current and len(current) + len(word) > 60:
                wrapped.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        wrapped.append(current)
    check_omsk(read_order_text("\n".join(wrapped) + "\nПриложение № 1\n" + appendices))


def test_an_order_is_told_from_a_plan() -> None:
    assert looks_like_order(OMSK.read_text(encoding="utf-8"))
    assert not looks_like_order(NOVOSIBIRSK.read_text(encoding="utf-8"))
    assert not looks_like_order(TEMPLATE.read_text(encoding="utf-8"))
    assert looks_like_order("Внести в план мероприятий, утвержденный …, следующие изменения:")
    # a measure of a plan that is itself about amending something is no order
    assert not looks_like_order("План\n1.1\tВнести изменения в порядок\t31.12.2025\tКИС")
    assert not looks_like_order("План\n\t1.1\n\tВнести в порядок следующие изменения:\n")


# Orders in each form, on rows of the other sample plans ----------------------------------------


def measures(path: Path, plan: int = 0) -> dict[str, ParsedMeasure]:
    result = read_plan(path.read_bytes(), path.name)
    return {normalise_number(m.number): m for m in result.plans[plan].measures}


NSO = "Новосибирской области"
NSO_ACT = (
    "1. Внести в план мероприятий («дорожную карту») по повышению уровня внедрения (зрелости) "
    f"клиентоцентричности в {NSO}, утвержденный постановлением Правительства {NSO} "
    "от 20.12.2024 № 600-п, следующие изменения:"
)


def nso_order(*statements: str) -> AmendmentOrder:
    text = "\n".join(
        [
            f"ПРАВИТЕЛЬСТВО {NSO.upper()}",
            "ПОСТАНОВЛЕНИЕ",
            "от 14.03.2025 № 101-п",
            "г. Новосибирск",
            "",
            f"О внесении изменений в постановление Правительства {NSO} от 20.12.2024 № 600-п",
            "",
            NSO_ACT,
            *statements,
            "",
            f"Губернатор {NSO}\tА.А. Травников",
        ]
    )
    return read_order_text(text)


def test_the_header_and_the_act_of_an_order_in_another_style() -> None:
    order = nso_order("1) в строке 1 цифры «31.05.2025» заменить цифрами «30.06.2025».")
    assert (order.number, order.date) == ("101-п", date(2025, 3, 14))
    [act] = order.acts
    assert act.title.startswith("план мероприятий («дорожную карту») по повышению")
    assert (act.number, act.date) == ("600-п", date(2024, 12, 20))


def test_words_replaced_in_a_row_with_any_quotes() -> None:
    rows = measures(NOVOSIBIRSK)
    assert "межведомственная рабочая группа" in rows["1"].source_cells["executors"]
    for before, after in (("«", "»"), ('"', '"'), ("„", "“")):
        order = nso_order(
            f"1) в пункте 1 слова {before}межведомственная рабочая группа{after} "
            f"заменить словами {before}проектный офис{after};"
        )
        [change] = order.changes
        assert (change.row, change.field, change.action) == ("1", None, Action.REPLACE)
        assert (change.before, change.after) == (
            "межведомственная рабочая группа",
            "проектный офис",
        )
        assert change.text.startswith("1) в пункте 1 слова")


def test_words_deleted_in_several_rows_one_change_each() -> None:
    rows = measures(TEMPLATE)
    words = "субъекта Российской Федерации"
    assert all(words in rows[number].title for number in ("2.1", "2.2", "2.3"))
    order = nso_order(f'- в строках 2.1, 2.2 и 2.3 слова "{words}" исключить;')
    assert [(c.row, c.action, c.before) for c in order.changes] == [
        ("2.1", Action.DELETE, words),
        ("2.2", Action.DELETE, words),
        ("2.3", Action.DELETE, words),
    ]


def test_a_column_named_by_its_number_or_its_header() -> None:
    rows = measures(TEMPLATE)
    assert "2024" in rows["1.4"].deadline_text
    by_number = nso_order('- в графе 3 строки 1.4 цифры "2024" заменить цифрами "2025";')
    [change] = by_number.changes
    assert (change.row, change.column, change.field) == ("1.4", 3, None)
    assert (change.before, change.after) == ("2024", "2025")

    assert measures(NOVOSIBIRSK)["1"].deadline_text.strip() == "31.05.2025"
    by_header = nso_order(
        '- в строке 1 в графе "Срок реализации" цифры "31.05.2025" заменить цифрами "30.06.2025";',
        '- в графе "Ответственный исполнитель" строки 3 слова "ОИО НСО" заменить словами '
        '"министерство цифрового развития и связи Новосибирской области";',
        "- в графе «Вид документа (результат)» строки 5 слово «протокол» "
        "заменить словом «решение»;",
    )
    assert [(c.row, c.field, c.column) for c in by_header.changes] == [
        ("1", Field.DEADLINE, None),
        ("3", Field.EXECUTORS, None),
        ("5", Field.RESULT, None),
    ]


def test_a_row_restated_as_a_table_row_or_as_text() -> None:
    rows = measures(TEMPLATE)
    title = rows["3.2"].title
    as_row = nso_order(
        "- строку 3.2 изложить в следующей редакции:",
        f'"3.2.\t{title}\t31.12.2025\tИОГВ\tОтчет о результатах оптимизации услуг";',
    )
    as_text = nso_order(
        "- строку 3.2 изложить в следующей редакции:",
        f'"3.2. {title} | 31.12.2025 | ИОГВ | Отчет о результатах оптимизации услуг";',
    )
    for order in (as_row, as_text):
        [change] = order.changes
        assert (change.row, change.field, change.action) == ("3.2", Field.ROW, Action.RESTATE)
        new = change.new_row
        assert (new.number, new.title, new.deadline) == ("3.2", title, "31.12.2025")
        assert (new.executors, new.result) == ("ИОГВ", "Отчет о результатах оптимизации услуг")


def test_a_row_added_after_another() -> None:
    assert "3.14" not in measures(TEMPLATE)
    order = nso_order(
        "- после строки 3.13 дополнить строкой 3.14 следующего содержания:",
        "3.14.\tПроведен анализ обратной связи\tIV квартал 2025 года\tИОГВ\tОтчет",
        "",
        "2. Настоящее постановление вступает в силу со дня его официального опубликования.",
    )
    [change] = order.changes
    assert (change.row, change.field, change.action) == ("3.14", Field.ROW, Action.ADD)
    assert change.new_row.deadline == "IV квартал 2025 года"
    assert not order.not_understood


def test_rows_removed_one_by_one_or_as_a_range() -> None:
    assert {"4.1", "4.2", "4.3"} <= set(measures(TEMPLATE))
    order = nso_order(
        "- строку 4.1 исключить;",
        "- строку 4.2 признать утратившей силу;",
        "- строки 4.1 – 4.3 признать утратившими силу;",
        "- пункты с 2.4 по 2.5 исключить.",
    )
    assert [(c.row, c.field, c.action) for c in order.changes] == [
        ("4.1", Field.ROW, Action.REMOVE),
        ("4.2", Field.ROW, Action.REMOVE),
        ("4.1", Field.ROW, Action.REMOVE),
        ("4.2", Field.ROW, Action.REMOVE),
        ("4.3", Field.ROW, Action.REMOVE),
        ("2.4", Field.ROW, Action.REMOVE),
        ("2.5", Field.ROW, Action.REMOVE),
    ]


def test_appendix_titles_and_a_successor_in_the_orders_own_text() -> None:
    title = "План мероприятий («дорожная карта») министерства цифрового развития и связи"
    order = nso_order(
        "1) в таблице:",
        "- в строке 1 слова «межведомственная рабочая группа» заменить словами «проектный офис»;",
        f"2) в приложении № 5 «{title} {NSO} по внедрению Стандартов клиентоцентричности»:",
        f"- в названии слова «{NSO}» заменить словами «{NSO}*»;",
        "- установить, что с 1 июля 2025 года реализация мероприятий осуществляется "
        f"министерством цифрового развития {NSO};",
        "3) наименование приложения № 6 изложить в следующей редакции:",
        f"«План мероприятий («дорожная карта») министерства труда {NSO}»;",
    )
    replace, appendix_title, restated = order.changes
    assert (replace.row, replace.appendix) == ("1", None)
    assert (appendix_title.row, appendix_title.field, appendix_title.appendix) == (
        None,
        Field.TITLE,
        "5",
    )
    assert appendix_title.appendix_title.startswith(title)
    assert (appendix_title.before, appendix_title.after) == (NSO, f"{NSO}*")
    assert (restated.field, restated.action, restated.appendix) == (
        Field.TITLE,
        Action.RESTATE,
        "6",
    )
    assert restated.after == f"План мероприятий («дорожная карта») министерства труда {NSO}"
    [successor] = order.successors
    assert successor.body == f"министерства цифрового развития и связи {NSO}"
    assert successor.appendix == "5"
    assert successor.successor == f"министерством цифрового развития {NSO}"
    assert successor.since == date(2025, 7, 1)


def test_a_statement_in_no_known_form_is_reported_with_its_text() -> None:
    order = nso_order(
        "- в строке 1 слова «31.05.2025» заменить словами «30.06.2025»;",
        "- строку 2 перенести в раздел III;",
        "- в строке 3 слова «ОИО НСО» поменять на «ИОГВ»;",
    )
    assert [c.row for c in order.changes] == ["1"]
    assert [(n.text, n.reason) for n in order.not_understood] == [
        ("- строку 2 перенести в раздел III;", Reason.UNKNOWN_FORM),
        ("- в строке 3 слова «ОИО НСО» поменять на «ИОГВ»;", Reason.UNKNOWN_FORM),
    ]


def test_statements_on_an_act_that_is_no_plan() -> None:
    order = nso_order(
        "- в строке 1 слова «31.05.2025» заменить словами «30.06.2025»;",
        "",
        f"2. Внести в постановление Правительства {NSO} от 01.02.2024 № 50-п «О порядке "
        "мониторинга качества услуг» следующие изменения:",
        "1) в пункте 3 слова «ежеквартально» заменить словами «ежемесячно»;",
        "2) пункт 4 признать утратившим силу.",
    )
    assert [act.number for act in order.acts] == ["600-п", "50-п"]
    assert order.acts[1].title == "О порядке мониторинга качества услуг"
    assert [c.row for c in order.changes] == ["1"]
    assert [n.reason for n in order.not_understood] == [Reason.OTHER_ACT, Reason.OTHER_ACT]


def test_a_heading_that_says_nothing_known_is_not_guessed() -> None:
    order = nso_order("1) в разделе «Жизненные ситуации»:", "- строку 4 исключить;")
    assert not order.changes
    assert [n.reason for n in order.not_understood] == [Reason.UNKNOWN_FORM, Reason.UNKNOWN_FORM]


def test_a_missing_appendix_of_the_order_is_reported() -> None:
    order = nso_order(
        "2) дополнить приложением № 7 согласно приложению № 3 к настоящему постановлению."
    )
    assert not order.appendices
    [missing] = order.not_understood
    assert missing.reason == Reason.APPENDIX_NOT_FOUND


# Files that are no order ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "file_name", "reason"),
    [
        (b"", "order.txt", "empty"),
        (b"   \n\n ", "order.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "order.docx", "unsupported_format"),
        ("Просто письмо без номера и изменений.".encode(), "letter.txt", "not_an_order"),
    ],
)
def test_what_is_no_order_says_why(content: bytes, file_name: str, reason: str) -> None:
    with pytest.raises(OrderUnreadable) as raised:
        read_order(content, file_name)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    "seed",
    [
        "novosibirsk-roadmap-2025-2026.txt",
        "typical-roadmap-template.txt",
        "tomsk-digital-transformation-slides.txt",
    ],
)
def test_plans_and_slides_are_no_order(seed: str) -> None:
    with pytest.raises(OrderUnreadable) as raised:
        read_order((SEEDS / seed).read_bytes(), seed)
    assert raised.value.reason == "not_an_order"


def test_an_order_whose_statements_are_all_on_another_act_is_still_an_order() -> None:
    order = read_order_text(
        "О внесении изменений в распоряжение\n\n"
        "1. Внести в распоряжение от 01.02.2024 № 50-р «О порядке мониторинга» "
        "следующие изменения:\n- пункт 4 признать утратившим силу."
    )
    assert [n.reason for n in order.not_understood] == [Reason.OTHER_ACT]


STATEMENT_BITS = st.sampled_from(
    [
        "1. ",
        "1) ",
        "- ",
        "Внести в приложение ",
        '"План" ',
        "«",
        "»",
        '"',
        "к распоряжению от 28 сентября 2023 года № 214-рп ",
        "следующие изменения:",
        "в строке 1.4 ",
        "в строках 2.6 – 2.9 ",
        "в графе 3 ",
        'слова "',
        "заменить словами ",
        "исключить",
        ";",
        ".",
        ":",
        "\n",
        "\t",
        "изложить в следующей редакции:",
        "дополнить строкой 3.8 следующего содержания:",
        "после таблицы дополнить сноской следующего содержания:",
        "С 31 февраля 2024 года реализация мероприятий осуществляется ",
        "дополнить приложением № 29 согласно приложению № 1",
        "Приложение № 1\nк распоряжению\n",
        "в приложении № 5 ",
    ]
)


@FAST
@given(st.lists(st.one_of(STATEMENT_BITS, st.text(max_size=12)), max_size=40))
def test_any_text_reads_or_says_why(pieces: list[str]) -> None:
    try:
        read_order_text("".join(pieces))
    except OrderUnreadable as unreadable:
        assert unreadable.reason in ("empty", "not_an_order")


@FAST
@given(content=st.binary(max_size=3000), file_name=st.sampled_from(["o.txt", "o.docx", "o"]))
def test_any_bytes_read_or_say_why(content: bytes, file_name: str) -> None:
    try:
        read_order(content, file_name)
    except OrderUnreadable as unreadable:
        assert unreadable.reason


def test_nested_points_wrapped_lines_and_new_rows_in_several_layouts() -> None:
    """Letter points, a row named once for several operations, a statement broken over two
    lines, a new row's text broken over two lines, two new rows as tab-separated lines inside
    quotes, a range with a column, a cell restated; dashes of every kind."""
    template = measures(TEMPLATE)
    assert {"1.1", "1.2", "1.3"} <= set(template)
    order = read_order_text(
        "\n".join(
            [
                "РАСПОРЯЖЕНИЕ",
                "28 ноября 2024 г. № 7-р",
                "О внесении изменения в план",
                'Внести в План мероприятий ("дорожную карту"), утвержденный распоряжением '
                "от 01.02.2024 № 3-р, следующие изменения:",
                "а) в строке 1.1:",
                '– слова "ответственный" заменить словами "ответственный сотрудник";',
                '— после слов "внедрение" дополнить словами ", развитие";',
                'б) в строке 1.2 слова "орган власти (организация,',
                'структурное подразделение, рабочая группа)" заменить словами "орган власти";',
                "в) строку 1.3 изложить в следующей редакции:",
                '"1.3. Утверждена модель | постоянно | ИОГВ |',
                'Распоряжение об утверждении модели";',
                "г) в графе 4 строк 1.1 – 1.3 слова «КИС» исключить;",
                "д) дополнить строками 9.8, 9.9 следующего содержания:",
                '"9.8.\tПервое\t01.01.2026\tКИС\tОтчет',
                '9.9.\tВторое\t02.02.2026\tКИС\tОтчет";',
                "е) графу «Срок реализации» строки 1.4 изложить в следующей редакции: "
                "«31.12.2026».",
                "",
                "Губернатор\tИванов",
            ]
        )
    )
    assert (order.number, order.date) == ("7-р", date(2024, 11, 28))
    assert [(act.title, act.number) for act in order.acts] == [
        ('План мероприятий ("дорожную карту")', "3-р")
    ]
    found = [(c.row, c.field, c.action, c.before, c.after, c.column) for c in order.changes]
    assert found[:7] == [
        ("1.1", None, Action.REPLACE, "ответственный", "ответственный сотрудник", None),
        ("1.1", None, Action.REPLACE, "внедрение", "внедрение, развитие", None),
        (
            "1.2",
            None,
            Action.REPLACE,
            "орган власти (организация, структурное подразделение, рабочая группа)",
            "орган власти",
            None,
        ),
        ("1.3", Field.ROW, Action.RESTATE, None, None, None),
        ("1.1", None, Action.DELETE, "КИС", None, 4),
        ("1.2", None, Action.DELETE, "КИС", None, 4),
        ("1.3", None, Action.DELETE, "КИС", None, 4),
    ]
    restated = order.changes[3].new_row
    assert (restated.title, restated.deadline, restated.executors, restated.result) == (
        "Утверждена модель",
        "постоянно",
        "ИОГВ",
        "Распоряжение об утверждении модели",
    )
    added = [(c.row, c.action, c.new_row.title, c.new_row.deadline) for c in order.changes[7:9]]
    assert added == [
        ("9.8", Action.ADD, "Первое", "01.01.2026"),
        ("9.9", Action.ADD, "Второе", "02.02.2026"),
    ]
    cell = order.changes[9]
    assert (cell.row, cell.field, cell.action, cell.after) == (
        "1.4",
        Field.DEADLINE,
        Action.RESTATE,
        "31.12.2026",
    )
    assert len(order.changes) == 10
    assert not order.not_understood


def test_a_new_row_as_a_real_table_row_of_a_word_document() -> None:
    document = Document()
    for text in (
        "ПОСТАНОВЛЕНИЕ",
        "от 14.03.2025 № 101-п",
        "О внесении изменений в постановление",
        NSO_ACT,
        "1) строку 3.2 изложить в следующей редакции:",
    ):
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=5)
    for cell, value in zip(
        table.rows[0].cells,
        ['"3.2.', "Завершена оптимизация услуг", "31.12.2025", "ИОГВ", 'Отчет";'],
        strict=True,
    ):
        cell.text = value
    document.add_paragraph("2) строку 4.1 исключить.")
    stream = io.BytesIO()
    document.save(stream)
    order = read_order(stream.getvalue(), "101-п.docx")
    restated, removed = order.changes
    assert restated.new_row == RowText(
        "3.2", "Завершена оптимизация услуг", "31.12.2025", "ИОГВ", "Отчет"
    )
    assert (removed.row, removed.action) == ("4.1", Action.REMOVE)


def test_a_point_naming_the_plan_itself_and_points_in_no_form() -> None:
    order = read_order_text(
        "\n".join(
            [
                "О внесении изменений в распоряжение",
                "1. Приложение № 5 к Плану мероприятий («дорожной карте»), утвержденному "
                "распоряжением Правительства от 28 сентября 2023 года № 214-рп, дополнить "
                "сноской следующего содержания:",
                "«*С 5 июня 2024 года реализация мероприятий Министерства образования "
                "осуществляется Министерством просвещения.».",
                "2. Внести изменения в План, изложив его в новой редакции согласно приложению.",
                "3. Контроль за исполнением настоящего распоряжения возложить на Иванова И.И.",
            ]
        )
    )
    assert [(act.number, act.date) for act in order.acts] == [("214-рп", date(2023, 9, 28))]
    [successor] = order.successors
    assert (successor.body, successor.successor, successor.since) == (
        "Министерства образования",
        "Министерством просвещения",
        date(2024, 6, 5),
    )
    [unknown] = order.not_understood
    assert unknown.reason == Reason.UNKNOWN_FORM
    assert unknown.text.startswith("2. Внести изменения в План")


def test_several_rows_named_once_for_their_operations() -> None:
    order = nso_order("- в строках 2, 3:", "слова «ОИО НСО» заменить словами «ИОГВ»;")
    assert [(c.row, c.before, c.after) for c in order.changes] == [
        ("2", "ОИО НСО", "ИОГВ"),
        ("3", "ОИО НСО", "ИОГВ"),
    ]


@pytest.mark.parametrize(
    ("header", "number", "day"),
    [
        ("от «28» ноября 2024 г. № П-17", "П-17", date(2024, 11, 28)),
        ("«5» мая 2025 года\n\n№ 12", "12", date(2025, 5, 5)),
        ("РАСПОРЯЖЕНИЕ\nот 28.11.2024 № 329-рп\nг. Омск", "329-рп", date(2024, 11, 28)),
    ],
)
def test_the_orders_number_and_date_as_headers_write_them(
    header: str, number: str, day: date
) -> None:
    order = read_order_text(
        f"{header}\n\nО внесении изменений\n\n"
        "Внести в план мероприятий от 01.01.2024 № 1 следующие изменения:\n- строку 1 исключить."
    )
    assert (order.number, order.date) == (number, day)
    assert [(act.title, act.number, act.date) for act in order.acts] == [
        ("план мероприятий", "1", date(2024, 1, 1))
    ]


def test_an_unnumbered_statement_about_an_appendix_is_no_appendix_of_the_order() -> None:
    order = read_order_text(
        "О внесении изменений\n\n"
        "Приложение № 2 к распоряжению Правительства от 12.09.2024 № 230-рп дополнить "
        "приложением № 4 согласно приложению № 2 к настоящему распоряжению.\n\n"
        "Приложение № 2\nк распоряжению\nФорма профиля клиентского сегмента\n"
    )
    assert [(act.number, act.date) for act in order.acts] == [("230-рп", date(2024, 9, 12))]
    assert [n.reason for n in order.not_understood] == [Reason.OTHER_ACT]
