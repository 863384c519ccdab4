"""A plan like the Omsk standards plan (rows 1.4, 2.6, 2.7 and appendix plans № 5 and 9) and
the order № 329-рп written by hand as the reader gives it, for the amendment tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.amendments.order import (
    Action,
    AmendedAct,
    AmendmentOrder,
    AppendixAddition,
    Change,
    Field,
    NotUnderstood,
    Reason,
    RowText,
    Successor,
)
from bot.plan_import.model import ImportResult, ParsedExecutor, ParsedMeasure, ParsedPlan
from bot.plan_import.store import store_import
from models.tables import Measure, Membership, Official, Plan, Role

ACT_TITLE = (
    'План мероприятий ("Дорожная карта") по внедрению Стандартов клиентоцентричности '
    "в Омской области"
)
APPENDIX_5 = (
    'План мероприятий ("Дорожная карта") Министерства по делам молодежи, физической культуры '
    "и спорта Омской области по внедрению Стандартов клиентоцентричности"
)
APPENDIX_9 = (
    'План мероприятий ("Дорожная карта") Министерства региональной политики и массовых '
    "коммуникаций Омской области по внедрению Стандартов клиентоцентричности"
)
REGIONAL = "Министерство региональной политики и массовых коммуникаций Омской области"
INTERNAL = "Министерство внутренней политики Омской области"
YOUTH = "Министерство по делам молодежи, физической культуры и спорта Омской области"
SPORT = "Министерство спорта Омской области"
NOW = datetime(2024, 12, 2, 9, tzinfo=UTC)
TODAY = NOW.date()

MAIN_BOARD = "Главное управление молодежной политики Омской области"
APPENDIX_29_TEXT = "\n".join(
    [
        'План мероприятий ("Дорожная карта")',
        "Главного управления молодежной политики Омской области",
        "по внедрению Стандартов клиентоцентричности",
        "",
        "№ п/п\tМероприятие\tСрок реализации\tОтветственный\tВид документа",
        "1.\tОбщереорганизационные мероприятия\t\t\t",
        f"1.1.\tНазначен ответственный\t25.11.2024\t{MAIN_BOARD}\tРаспоряжение",
        f"1.2.\tУтверждена модель\t23.12.2024\t{MAIN_BOARD}\tРаспоряжение",
        "",
    ]
)


def measure(number: str, title: str, deadline: date, executor: str, result: str) -> ParsedMeasure:
    return ParsedMeasure(
        number=number,
        title=title,
        deadline=deadline,
        deadline_text=deadline.strftime("%d.%m.%Y"),
        executors=[ParsedExecutor(name=executor, lead=True, source_text=executor)],
        result=result,
        source_cells={
            "number": number,
            "title": title,
            "deadline": deadline.strftime("%d.%m.%Y"),
            "executors": executor,
            "result": result,
        },
    )


def act_plan() -> ParsedPlan:
    return ParsedPlan(
        title=ACT_TITLE,
        measures=[
            measure(
                "1.4.",
                "Утверждены ведомственные планы",
                date(2024, 12, 23),
                REGIONAL,
                "Распоряжение",
            ),
            measure("2.6.", "Проведено обучение", date(2025, 2, 28), YOUTH, "Отчет"),
            measure("2.7.", "Проведен реинжиниринг", date(2025, 7, 1), YOUTH, "Отчет"),
            measure("3.1.", "Утвержден порядок", date(2025, 3, 31), INTERNAL, "Приказ"),
            measure("4.1.", "Проведен опрос", date(2025, 5, 31), INTERNAL, "Отчет"),
        ],
    )


def appendix_plan(title: str, executor: str) -> ParsedPlan:
    return ParsedPlan(
        title=title,
        measures=[measure("1.1.", "Назначен ответственный", date(2025, 1, 31), executor, "Приказ")],
    )


async def person(session, telegram_id: int, name: str) -> Official:
    official = Official(telegram_id=telegram_id, first_name=name.split()[0], full_name=name)
    session.add(official)
    await session.flush()
    return official


async def build_plans(session, coordinator_id: int | None) -> dict[str, int]:
    """The act's plan and its appendices № 5 and 9, coordinated by `coordinator_id`."""
    result = ImportResult(
        plans=[act_plan(), appendix_plan(APPENDIX_5, YOUTH), appendix_plan(APPENDIX_9, REGIONAL)],
        warnings=[],
        source_format="docx",
    )
    await store_import(session, result, actor_id=coordinator_id, now=NOW)
    plans = {
        title: plan_id for plan_id, title in await session.execute(select(Plan.id, Plan.title))
    }
    ids = {"act": plans[ACT_TITLE], "5": plans[APPENDIX_5], "9": plans[APPENDIX_9]}
    for number in ("5", "9"):
        plan = await session.get(Plan, ids[number])
        plan.act_id, plan.appendix_number = ids["act"], number
    if coordinator_id is not None:
        for plan_id in ids.values():
            session.add(
                Membership(official_id=coordinator_id, role=Role.COORDINATOR, plan_id=plan_id)
            )
    await session.flush()
    return ids


# The other appendices the order № 329-рп names, with the bodies their plans are for.
APPENDIX_10 = (
    'План мероприятий ("Дорожная карта") Министерства сельского хозяйства и продовольствия '
    "Омской области по внедрению Стандартов клиентоцентричности"
)
APPENDIX_17 = (
    'План мероприятий ("Дорожная карта") Министерства энергетики и жилищно-коммунального '
    "комплекса Омской области по внедрению Стандартов клиентоцентричности"
)
APPENDIX_26 = (
    'План мероприятий ("Дорожная карта") Государственной инспекции по надзору за техническим '
    "состоянием самоходных машин и других видов техники при Министерстве сельского хозяйства и "
    "продовольствия Омской области по внедрению Стандартов клиентоцентричности"
)
FARMING = "Министерство сельского хозяйства и продовольствия Омской области"
ENERGY = "Министерство энергетики и жилищно-коммунального комплекса Омской области"
INSPECTION = (
    "Государственная инспекция по надзору за техническим состоянием самоходных машин и других "
    "видов техники при Министерстве сельского хозяйства и продовольствия Омской области"
)
OMSK_APPENDICES = {
    "5": (APPENDIX_5, YOUTH),
    "9": (APPENDIX_9, REGIONAL),
    "10": (APPENDIX_10, FARMING),
    "17": (APPENDIX_17, ENERGY),
    "26": (APPENDIX_26, INSPECTION),
}


async def build_omsk_act(session, coordinator_id: int) -> dict[str, int]:
    """The act's plan and every appendix plan the order № 329-рп names (№ 5, 9, 10, 17, 26),
    each appendix for its body; № 10 and 26 not yet linked to the act (found by title)."""
    plans = [act_plan()] + [appendix_plan(title, body) for title, body in OMSK_APPENDICES.values()]
    result = ImportResult(plans=plans, warnings=[], source_format="docx")
    await store_import(session, result, actor_id=coordinator_id, now=NOW)
    by_title = {
        title: plan_id for plan_id, title in await session.execute(select(Plan.id, Plan.title))
    }
    ids = {"act": by_title[ACT_TITLE]}
    for number, (title, _body) in OMSK_APPENDICES.items():
        ids[number] = by_title[title]
        if number not in ("10", "26"):
            plan = await session.get(Plan, ids[number])
            plan.act_id, plan.appendix_number = ids["act"], number
    for plan_id in ids.values():
        session.add(Membership(official_id=coordinator_id, role=Role.COORDINATOR, plan_id=plan_id))
    await session.flush()
    return ids


async def row(session, plan_id: int, key: str) -> Measure:
    return await session.scalar(
        select(Measure).where(Measure.plan_id == plan_id, Measure.number_key == key)
    )


def words(row_number: str, before: str, after: str | None, text: str) -> Change:
    return Change(
        row=row_number,
        field=None,
        action=Action.REPLACE if after else Action.DELETE,
        before=before,
        after=after,
        text=text,
    )


def order_329() -> AmendmentOrder:
    """The Omsk order № 329-рп as the reader gives it (its appendix № 29 shortened)."""
    title_change = "в названии слова «Омской области» заменить словами «Омской области*»"
    return AmendmentOrder(
        number="329-рп",
        date=date(2024, 11, 28),
        title="О внесении изменений в отдельные распоряжения Правительства Омской области",
        acts=[AmendedAct(title=ACT_TITLE, number="214-рп", date=date(2023, 9, 28))],
        changes=[
            words(
                "1.4",
                "региональной политики и массовых коммуникаций",
                "внутренней политики",
                "в строке 1.4 слова «региональной политики и массовых коммуникаций» "
                "заменить словами «внутренней политики»",
            ),
            words(
                "2.6",
                "по делам молодежи, физической культуры и",
                None,
                "в строках 2.6, 2.7 слова «по делам молодежи, физической культуры и» исключить",
            ),
            words(
                "2.7",
                "по делам молодежи, физической культуры и",
                None,
                "в строках 2.6, 2.7 слова «по делам молодежи, физической культуры и» исключить",
            ),
            Change(
                row=None,
                field=Field.TITLE,
                action=Action.REPLACE,
                before="Омской области",
                after="Омской области*",
                appendix="5",
                appendix_title=APPENDIX_5,
                text=title_change,
            ),
            Change(
                row=None,
                field=Field.TITLE,
                action=Action.REPLACE,
                before="Омской области",
                after="Омской области*",
                appendix="9",
                appendix_title=APPENDIX_9,
                text=title_change,
            ),
        ],
        successors=[
            Successor(
                body="Министерства по делам молодежи, физической культуры и спорта Омской области",
                successor="Министерством спорта Омской области",
                since=date(2024, 6, 5),
                appendix="5",
            )
        ],
        appendices=[
            AppendixAddition(
                number="29",
                title=(
                    'План мероприятий ("Дорожная карта") Главного управления молодежной '
                    "политики Омской области по внедрению Стандартов клиентоцентричности"
                ),
                text=APPENDIX_29_TEXT,
                order_appendix="1",
                statement="дополнить приложением № 29 согласно приложению № 1",
            )
        ],
        not_understood=[
            NotUnderstood(
                "Приложение № 2 «Рекомендации …» к распоряжению № 230-рп дополнить приложением № 4",
                Reason.OTHER_ACT,
            )
        ],
    )


def other_forms() -> list[Change]:
    """A deadline by column number, a restated row, an added row and a removed one."""
    return [
        Change(
            row="3.1",
            field=None,
            action=Action.REPLACE,
            before="2025",
            after="2026",
            column=3,
            text="в графе 3 строки 3.1 цифры «2025» заменить цифрами «2026»",
        ),
        Change(
            row="2.6",
            field=Field.ROW,
            action=Action.RESTATE,
            new_row=RowText(
                number="2.6",
                title="Проведено обучение сотрудников",
                deadline="30.04.2025",
                executors=SPORT,
                result="Отчет об обучении",
            ),
            text="строку 2.6 изложить в следующей редакции: …",
        ),
        Change(
            row="3.8",
            field=Field.ROW,
            action=Action.ADD,
            new_row=RowText(
                number="3.8",
                title="Проведена оценка",
                deadline="31.10.2025",
                executors=INTERNAL,
                result="Доклад",
            ),
            text="дополнить строкой 3.8 следующего содержания: …",
        ),
        Change(
            row="4.1",
            field=Field.ROW,
            action=Action.REMOVE,
            text="строку 4.1 признать утратившей силу",
        ),
    ]
