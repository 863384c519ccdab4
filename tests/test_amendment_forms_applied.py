"""Orders in each form of legal drafting, applied to a sample plan loaded from its own file (the
typical roadmap template): every change lands on the right row and field, as a new version, and
the same order again changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from bot.access import Roles
from bot.amendments.applying import apply_order
from bot.amendments.reading import read_order_text
from bot.plan_import.reading import read_plan
from bot.plan_import.store import store_import
from models.queries import active_assignment
from models.tables import Assignment, Measure, Organization, Plan, PlanVersion
from tests.amendment_plans import NOW, TODAY, person

TEMPLATE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "seeds"
    / ("typical-roadmap-template.txt")
)


def order(title: str, *statements: str) -> str:
    return "\n".join(
        [
            "ПРАВИТЕЛЬСТВО НОВОСИБИРСКОЙ ОБЛАСТИ",
            "ПОСТАНОВЛЕНИЕ",
            "от 14.03.2025 № 101-п",
            "",
            "О внесении изменений в постановление Правительства Новосибирской области",
            "",
            f"1. Внести в «{title}», утвержденный постановлением Правительства Новосибирской "
            "области от 20.12.2024 № 600-п, следующие изменения:",
            *statements,
            "",
            "Губернатор Новосибирской области\tА.А. Травников",
        ]
    )


async def measure(session, plan_id: int, number: str) -> Measure:
    return await session.scalar(
        select(Measure).where(Measure.plan_id == plan_id, Measure.number_key == number)
    )


async def test_each_form_of_an_order_applied_to_the_template_plan(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    result = read_plan(TEMPLATE.read_bytes(), TEMPLATE.name)
    await store_import(session, result, actor_id=coordinator.id, now=NOW)
    plan_id, title = (await session.execute(select(Plan.id, Plan.title))).first()
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    words = "субъекта Российской Федерации"
    before = {n: await measure(session, plan_id, n) for n in ("1.4", "2.1", "2.2", "3.2", "4.1")}
    assert all(words in before[n].title for n in ("2.1", "2.2"))
    assert "2024" in before["1.4"].deadline_text
    assert await measure(session, plan_id, "3.14") is None
    text = order(
        title,
        f'- в строках 2.1, 2.2 слова "{words}" исключить;',
        '- в графе 3 строки 1.4 цифры "2024" заменить цифрами "2025";',
        "- строку 3.2 изложить в следующей редакции:",
        "3.2.\tПроведена оптимизация услуг\t31.12.2025\tИОГВ\tОтчет об оптимизации услуг",
        "- после строки 3.13 дополнить строкой 3.14 следующего содержания:",
        "3.14.\tПроведен анализ обратной связи\t30.09.2025\tИОГВ\tОтчет",
        "- строку 4.1 признать утратившей силу;",
        "- в строке 9.9 слова «нет» заменить словами «да».",
    )
    amendment = read_order_text(text)

    applied = await apply_order(
        session, roles, amendment, plan_id=None, actor_id=coordinator.id, today=TODAY, now=NOW
    )
    assert applied.changed
    assert [item.reason for item in applied.preview.not_applied] == ["row_not_found"]
    for number in ("2.1", "2.2"):
        changed = await measure(session, plan_id, number)
        assert changed.title == before[number].title.replace(words, "").replace("  ", " ")
    moved = await measure(session, plan_id, "1.4")
    assert moved.deadline_text == before["1.4"].deadline_text.replace("2024", "2025")
    assert moved.deadline == date(2025, 3, 31)  # «Не позднее I квартала 2025 года»
    restated = await measure(session, plan_id, "3.2")
    assert (restated.title, restated.deadline) == (
        "Проведена оптимизация услуг",
        date(2025, 12, 31),
    )
    assert restated.result == "Отчет об оптимизации услуг"
    added = await measure(session, plan_id, "3.14")
    assert (added.title, added.deadline) == ("Проведен анализ обратной связи", date(2025, 9, 30))
    bodies = await session.scalars(
        select(Organization.full_name)
        .join(Assignment, Assignment.organization_id == Organization.id)
        .where(Assignment.measure_id == added.id, active_assignment())
    )
    assert list(bodies)  # the new row has its executors
    assert (await measure(session, plan_id, "4.1")).removed_at is not None

    versions = await session.scalar(select(func.count()).select_from(PlanVersion))
    again = await apply_order(
        session, roles, amendment, plan_id=None, actor_id=coordinator.id, today=TODAY, now=NOW
    )
    assert not again.changed
    assert await session.scalar(select(func.count()).select_from(PlanVersion)) == versions
