"""The Omsk order № 329-рп as the coordinator has it (the sample's text and a Word copy), read
and applied to a plan built here with rows 1.4, 2.6, 2.7 and the appendices it names: every
instruction shown, applied on confirmation, none reported as done that was not."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select

from bot.access import Roles
from bot.amendments.applying import apply_order, preview_order
from bot.amendments.order import Reason
from bot.amendments.reading import read_order
from models.queries import active_assignment
from models.tables import Assignment, Measure, Organization, Plan, PlanVersion
from tests.amendment_plans import (
    ENERGY,
    FARMING,
    INSPECTION,
    INTERNAL,
    NOW,
    OMSK_APPENDICES,
    REGIONAL,
    SPORT,
    TODAY,
    YOUTH,
    build_omsk_act,
    person,
    row,
)

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "omsk-order-329rp-2024.txt"
FARMING_NEW = (
    "Министерство сельского хозяйства, пищевой и перерабатывающей промышленности Омской области"
)


def word_copy(text: str) -> bytes:
    """The order as a Word file: its paragraphs, and each run of tab-separated lines a table."""
    document = WordDocument()
    table = None
    for line in text.splitlines():
        if "\t" in line:
            cells = line.split("\t")
            if table is None or len(table.columns) != len(cells):
                table = document.add_table(rows=0, cols=len(cells))
            for cell, value in zip(table.add_row().cells, cells, strict=True):
                cell.text = value
        else:
            table = None
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def coordinator_of(ids: dict[str, int]) -> Roles:
    return Roles(coordinator_plan_ids=frozenset(ids.values()))


async def lead_bodies(session, plan_id: int) -> set[str]:
    rows = await session.execute(
        select(Organization.full_name)
        .join(Assignment, Assignment.organization_id == Organization.id)
        .join(Measure, Measure.id == Assignment.measure_id)
        .where(Measure.plan_id == plan_id, active_assignment())
    )
    return {name for (name,) in rows}


@pytest.mark.parametrize("copy", ["text", "word"])
async def test_the_omsk_order_is_shown_whole_and_applied_on_confirmation(session, copy):
    text = SEED.read_text(encoding="utf-8")
    content = text.encode() if copy == "text" else word_copy(text)
    order = read_order(content, "329-рп.txt" if copy == "text" else "329-рп.docx")
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_omsk_act(session, coordinator.id)
    roles = coordinator_of(ids)

    preview = (await preview_order(session, roles, order, plan_id=None, today=TODAY)).to_json()
    assert preview["order"] == {"number": "329-рп", "date": "2024-11-28"}
    rows = [(c["row"], c["field"], c["action"]) for c in preview["changes"]]
    assert rows[:3] == [
        ("1.4", "executors", "replace"),
        ("2.6", "executors", "delete"),
        ("2.7", "executors", "delete"),
    ]
    assert preview["changes"][0]["before"] == REGIONAL
    assert preview["changes"][0]["after"] == INTERNAL
    assert preview["changes"][1]["after"] == SPORT
    titles = [c for c in preview["changes"][3:] if c["field"] == "title"]
    assert [c["row"] for c in titles] == [f"приложение № {n}" for n in ("5", "9", "10", "17", "26")]
    assert all(c["after"].count("Омской области*") == 1 for c in titles)
    assert {(s["body"], s["from"]) for s in preview["successors"]} == {
        (YOUTH, "2024-06-05"),
        (REGIONAL, "2024-04-16"),
        (FARMING, "2024-05-15"),
        (ENERGY, "2024-05-03"),
        (INSPECTION, "2024-05-15"),
    }
    assert preview["appendices"] == [
        {"number": "29", "title": preview["appendices"][0]["title"], "measures": 60}
    ]
    assert "Главного управления молодежной политики" in preview["appendices"][0]["title"]
    # Point 2 amends another act (the recommendations of № 230-рп): said, not applied.
    assert [item["reason"] for item in preview["not_applied"]] == [Reason.OTHER_ACT.value]
    assert await session.scalar(select(func.count()).select_from(PlanVersion)) == 6  # imports

    applied = await apply_order(
        session, roles, order, plan_id=None, actor_id=coordinator.id, today=TODAY, now=NOW
    )
    assert applied.changed
    assert await lead_bodies(session, (await row(session, ids["act"], "1.4")).plan_id) >= {
        INTERNAL,
        SPORT,
    }
    for number, (title, _body) in OMSK_APPENDICES.items():
        plan = await session.get(Plan, ids[number])
        assert plan.title == title.replace("Омской области", "Омской области*")
    successors = {
        name: (successor, since.isoformat())
        for name, successor, since in await session.execute(
            select(
                Organization.full_name, Organization.successor_id, Organization.successor_since
            ).where(Organization.successor_id.is_not(None))
        )
    }
    names = dict((await session.execute(select(Organization.id, Organization.full_name))).all())
    assert {name: (names[s], since) for name, (s, since) in successors.items()} == {
        YOUTH: (SPORT, "2024-06-05"),
        REGIONAL: (INTERNAL, "2024-04-16"),
        FARMING: (FARMING_NEW, "2024-05-15"),
        ENERGY: (
            "Министерство энергетики и жилищно-коммунального хозяйства Омской области",
            "2024-05-03",
        ),
        INSPECTION: (
            INSPECTION.replace(
                "продовольствия Омской области",
                "пищевой и перерабатывающей промышленности Омской области",
            ).replace("сельского хозяйства и", "сельского хозяйства,"),
            "2024-05-15",
        ),
    }
    assert await lead_bodies(session, ids["10"]) == {FARMING_NEW}
    appendix = await session.get(Plan, applied.appendix_plans[0])
    assert (appendix.act_id, appendix.appendix_number) == (ids["act"], "29")
    assert (
        await session.scalar(
            select(func.count()).select_from(Measure).where(Measure.plan_id == appendix.id)
        )
        == 60
    )

    # The same order again changes nothing.
    versions = await session.scalar(select(func.count()).select_from(PlanVersion))
    plans = await session.scalar(select(func.count()).select_from(Plan))
    again = await apply_order(
        session,
        roles,
        order,
        plan_id=None,
        actor_id=coordinator.id,
        today=TODAY,
        now=NOW + timedelta(days=1),
    )
    assert not again.changed
    assert await session.scalar(select(func.count()).select_from(PlanVersion)) == versions
    assert await session.scalar(select(func.count()).select_from(Plan)) == plans


async def test_a_statement_about_a_missing_row_is_reported_not_applied(session):
    text = SEED.read_text(encoding="utf-8").replace("в строке 1.4", "в строке 1.9")
    order = read_order(text.encode(), "329-рп.txt")
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_omsk_act(session, coordinator.id)
    applied = await apply_order(
        session,
        coordinator_of(ids),
        order,
        plan_id=None,
        actor_id=coordinator.id,
        today=TODAY,
        now=NOW,
    )
    not_applied = {item.reason for item in applied.preview.not_applied}
    assert Reason.ROW_NOT_FOUND.value in not_applied
    assert [c.row for c in applied.preview.changes][:2] == ["2.6", "2.7"]
    assert (await row(session, ids["act"], "1.4")).source_cells["executors"] == REGIONAL
