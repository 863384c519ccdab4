"""An amendment order applied to the stored plan it amends: the preview before anything is
saved, each change applied as a plan version, statements that cannot be applied reported, the
same order twice changing nothing, and only the plan's coordinators allowed."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.access import Roles
from bot.amendments.applying import apply_order, preview_order
from bot.amendments.order import Action, Change, Field, Reason
from bot.plan_import.body_directory import name_key
from bot.plan_import.model import ImportResult
from bot.plan_import.store import store_import
from bot.refusals import Refused
from models.queries import active_assignment
from models.tables import (
    Assignment,
    AuditEvent,
    DeadlineChange,
    Measure,
    Organization,
    Plan,
    PlanVersion,
    VersionKind,
)
from tests.amendment_plans import (
    APPENDIX_5,
    INTERNAL,
    NOW,
    REGIONAL,
    SPORT,
    TODAY,
    YOUTH,
    act_plan,
    appendix_plan,
    build_plans,
    order_329,
    other_forms,
    person,
    row,
)


def coordinator_of(ids: dict[str, int]) -> Roles:
    return Roles(coordinator_plan_ids=frozenset(ids.values()))


async def bodies_of(session, measure_id: int) -> list[str]:
    return list(
        await session.scalars(
            select(Organization.full_name)
            .join(Assignment, Assignment.organization_id == Organization.id)
            .where(Assignment.measure_id == measure_id, active_assignment())
            .order_by(Assignment.position)
        )
    )


async def test_the_preview_lists_every_change_and_stores_nothing(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    preview = await preview_order(
        session, coordinator_of(ids), order_329(), plan_id=None, today=TODAY
    )
    assert preview.plan is not None and preview.plan.plan_id == ids["act"]
    shown = preview.to_json()
    assert shown["order"] == {"number": "329-рп", "date": "2024-11-28"}
    assert shown["changes"][0] == {
        "row": "1.4",
        "field": "executors",
        "action": "replace",
        "before": REGIONAL,
        "after": INTERNAL,
    }
    assert [(c["row"], c["field"], c["after"]) for c in shown["changes"][1:3]] == [
        ("2.6", "executors", SPORT),
        ("2.7", "executors", SPORT),
    ]
    assert shown["changes"][3]["field"] == "title"
    assert shown["changes"][3]["after"].endswith(
        "Омской области* по внедрению Стандартов клиентоцентричности"
    )
    assert shown["successors"] == [
        {
            "body": "Министерство по делам молодежи, физической культуры и спорта Омской области",
            "successor": "Министерство спорта Омской области",
            "from": "2024-06-05",
        }
    ]
    assert shown["appendices"][0]["number"] == "29"
    assert shown["appendices"][0]["measures"] == 2
    assert shown["not_applied"][0]["reason"] == "other_act"
    assert await session.scalar(select(func.count()).select_from(PlanVersion)) == 3  # imports
    assert (await row(session, ids["act"], "1.4")).source_cells["executors"] == REGIONAL


async def test_applying_the_order_changes_the_rows_as_a_version_naming_it(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    applied = await apply_order(
        session,
        coordinator_of(ids),
        order_329(),
        plan_id=None,
        actor_id=coordinator.id,
        today=TODAY,
        now=NOW,
        file_name="329-рп.docx",
    )
    assert applied.changed
    first = await row(session, ids["act"], "1.4")
    # The part moved to the body now named, the old one kept as history.
    assert await bodies_of(session, first.id) == [INTERNAL]
    assert await bodies_of(session, (await row(session, ids["act"], "2.6")).id) == [SPORT]
    assert await bodies_of(session, (await row(session, ids["act"], "2.7")).id) == [SPORT]
    appendix = await session.get(Plan, ids["5"])
    assert appendix.title == APPENDIX_5.replace("Омской области", "Омской области*")
    version = await session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == ids["act"], PlanVersion.number == 2)
    )
    assert (version.kind, version.order_number, version.order_date.isoformat()) == (
        VersionKind.ORDER,
        "329-рп",
        "2024-11-28",
    )
    events = list(
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "measures",
                AuditEvent.entity_id == first.id,
                AuditEvent.plan_version_id == version.id,
            )
        )
    )
    assert {event.action for event in events} == {"executor_added", "executor_removed"}
    # The footnote's successor: appendix № 5's body passes its measures on from 5 June 2024.
    assert [(p.body_name, p.successor_name, p.since.isoformat()) for p in applied.successions] == [
        (YOUTH, SPORT, "2024-06-05")
    ]
    youth = await session.scalar(select(Organization).where(Organization.full_name == YOUTH))
    sport = await session.scalar(select(Organization).where(Organization.full_name == SPORT))
    assert (youth.successor_id, youth.successor_since.isoformat()) == (sport.id, "2024-06-05")
    appendix_rows = await session.scalars(select(Measure.id).where(Measure.plan_id == ids["5"]))
    for measure_id in appendix_rows:
        assert await bodies_of(session, measure_id) == [SPORT]
    # Appendix № 29 imported as a part of the act.
    added = await session.get(Plan, applied.appendix_plans[0])
    assert (added.act_id, added.appendix_number) == (ids["act"], "29")
    assert (
        await session.scalar(
            select(func.count()).select_from(Measure).where(Measure.plan_id == added.id)
        )
        == 2
    )


async def test_the_same_order_twice_changes_nothing(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    roles = coordinator_of(ids)
    arguments = {"plan_id": None, "actor_id": coordinator.id, "today": TODAY, "now": NOW}
    await apply_order(session, roles, order_329(), **arguments)
    versions = await session.scalar(select(func.count()).select_from(PlanVersion))
    plans = await session.scalar(select(func.count()).select_from(Plan))
    again = await apply_order(
        session, roles, order_329(), **{**arguments, "now": NOW + timedelta(days=1)}
    )
    assert not again.changed
    assert again.preview.applied_before.on == TODAY
    assert again.preview.applied_before.by == "Анна Координатор"
    assert await session.scalar(select(func.count()).select_from(PlanVersion)) == versions
    assert await session.scalar(select(func.count()).select_from(Plan)) == plans
    # The changes themselves, met again under another order's number, are already applied.
    renumbered = dataclasses.replace(order_329(), number="330-рп", appendices=[])
    preview = await preview_order(session, roles, renumbered, plan_id=None, today=TODAY)
    assert preview.changes == []
    assert {item.reason for item in preview.not_applied} >= {Reason.ALREADY_APPLIED}


async def test_a_missing_row_and_missing_words_are_reported_not_applied(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    order = order_329()
    order.changes = [
        Change(row="9.9", field=None, action=Action.DELETE, before="слова", text="в строке 9.9"),
        Change(
            row="1.4",
            field=None,
            action=Action.REPLACE,
            before="нет таких слов",
            after="другие",
            text="в строке 1.4 слова «нет таких слов»",
        ),
        Change(
            row="1.1", field=None, action=Action.DELETE, before="x", appendix="77", text="прил. 77"
        ),
        Change(row="1.4", field=Field.ROW, action=Action.ADD, text="дополнить строкой 1.4"),
    ]
    order.appendices = []
    order.successors = []
    applied = await apply_order(
        session,
        coordinator_of(ids),
        order,
        plan_id=None,
        actor_id=coordinator.id,
        today=TODAY,
        now=NOW,
    )
    assert [item.to_json() for item in applied.preview.not_applied[1:]] == [
        {"text": "в строке 9.9", "reason": "row_not_found"},
        {"text": "в строке 1.4 слова «нет таких слов»", "reason": "words_not_found"},
        {"text": "прил. 77", "reason": "appendix_not_found"},
        {"text": "дополнить строкой 1.4", "reason": "row_exists"},
    ]
    assert not applied.changed
    assert (await row(session, ids["act"], "1.4")).source_cells["executors"] == REGIONAL


async def test_a_column_a_restated_an_added_and_a_removed_row(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    order = order_329()
    order.changes, order.appendices = other_forms(), []
    await apply_order(
        session,
        coordinator_of(ids),
        order,
        plan_id=ids["act"],
        actor_id=coordinator.id,
        today=TODAY,
        now=NOW,
    )
    moved = await row(session, ids["act"], "3.1")
    assert (moved.deadline_text, moved.deadline.isoformat()) == ("31.03.2026", "2026-03-31")
    change = await session.scalar(
        select(DeadlineChange).where(DeadlineChange.measure_id == moved.id)
    )
    assert change.new_deadline.isoformat() == "2026-03-31" and "329-рп" in change.reason
    restated = await row(session, ids["act"], "2.6")
    assert (restated.title, restated.result, restated.deadline.isoformat()) == (
        "Проведено обучение сотрудников",
        "Отчет об обучении",
        "2025-04-30",
    )
    assert await bodies_of(session, restated.id) == [SPORT]
    added = await row(session, ids["act"], "3.8")
    assert (added.title, added.deadline.isoformat()) == ("Проведена оценка", "2025-10-31")
    assert await bodies_of(session, added.id) == [INTERNAL]
    assert (await row(session, ids["act"], "4.1")).removed_at is not None


async def test_a_re_import_makes_the_next_version(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    changed = act_plan()
    changed.measures[0].title = "Утверждены ведомственные планы (новая редакция)"
    report = await store_import(
        session,
        ImportResult(plans=[changed], warnings=[], source_format="docx"),
        actor_id=coordinator.id,
        source_file_name="plan-v2.docx",
        now=NOW + timedelta(days=3),
    )
    version = await session.get(PlanVersion, report.plans[0].version_id)
    assert (version.number, version.kind, version.file_name) == (
        2,
        VersionKind.IMPORT,
        "plan-v2.docx",
    )
    title_event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.field == "title", AuditEvent.plan_version_id == version.id
        )
    )
    assert title_event.new_value == "Утверждены ведомственные планы (новая редакция)"
    # The same file again makes no version.
    again = await store_import(
        session,
        ImportResult(plans=[changed], warnings=[], source_format="docx"),
        actor_id=coordinator.id,
        now=NOW + timedelta(days=4),
    )
    assert again.plans[0].version_id is None
    assert (
        await session.scalar(
            select(func.count()).select_from(PlanVersion).where(PlanVersion.plan_id == ids["act"])
        )
        == 2
    )


async def test_only_the_plans_coordinators_preview_or_apply(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    official = Roles(official_organization_ids=frozenset({1}))
    other = Roles(coordinator_plan_ids=frozenset({ids["act"] + 100}))
    for roles in (official, other):
        with pytest.raises(Refused):
            await preview_order(session, roles, order_329(), plan_id=ids["act"], today=TODAY)
        with pytest.raises(Refused):
            await apply_order(
                session,
                roles,
                order_329(),
                plan_id=ids["act"],
                actor_id=None,
                today=TODAY,
                now=NOW,
            )
    # Without a plan named, another plan's coordinator finds no plan of the act to amend.
    preview = await preview_order(session, other, order_329(), plan_id=None, today=TODAY)
    assert preview.needs_choice and preview.candidates == []


async def test_the_earlier_wording_is_kept_with_the_order_that_replaced_it(session):
    from bot.measure_history import history_page
    from bot.measure_versions import earlier_wordings

    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    order = order_329()
    order.changes, order.appendices = other_forms()[:2], []
    await apply_order(
        session,
        coordinator_of(ids),
        order,
        plan_id=ids["act"],
        actor_id=coordinator.id,
        today=TODAY,
        now=NOW,
    )
    restated = await row(session, ids["act"], "2.6")
    _, entries = await earlier_wordings(session, coordinator_of(ids), restated.id)
    wording = next(entry for entry in entries if entry.field == "title")
    assert (wording.old, wording.new) == ("Проведено обучение", "Проведено обучение сотрудников")
    assert wording.version == {
        "kind": "order",
        "order_number": "329-рп",
        "order_date": "2024-11-28",
        "file_name": None,
    }
    page = await history_page(session, restated.id)
    changed = [entry for entry in page.entries if entry.details.get("field") == "title"]
    assert changed[0].details["version"]["order_number"] == "329-рп"
    with pytest.raises(Refused):
        await earlier_wordings(session, Roles(), restated.id)


async def test_the_officials_concerned_are_told_once(session):
    from bot.change_notices import MEASURES_CHANGED
    from models.tables import Membership, Notification, Role

    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    official = await person(session, 7003, "Ирина Исполнитель")
    internal = await session.scalar(
        select(Organization.id).where(Organization.full_name == INTERNAL)
    )
    session.add(Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=internal))
    await session.flush()
    order = order_329()
    order.changes = [*order.changes, *other_forms()]  # 1.4 and 3.8 come to her body, 3.1 moves
    await apply_order(
        session,
        coordinator_of(ids),
        order,
        plan_id=None,
        actor_id=coordinator.id,
        today=TODAY,
        now=NOW,
    )
    [told] = (
        await session.scalars(
            select(Notification).where(
                Notification.recipient_id == official.id, Notification.kind == MEASURES_CHANGED
            )
        )
    ).all()
    numbers = {measure["number"] for measure in told.payload["measures"]}
    assert {"1.4.", "3.1.", "3.8"} <= numbers


async def test_an_appendix_is_found_by_its_quoted_title(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    appendix = await session.get(Plan, ids["9"])
    appendix.act_id = appendix.appendix_number = None  # loaded as a plan of its own
    await session.flush()
    order = order_329()
    order.appendices = []
    preview = await preview_order(session, coordinator_of(ids), order, plan_id=None, today=TODAY)
    titles = [change.after for change in preview.changes if change.row is None]
    assert any("массовых коммуникаций Омской области*" in title for title in titles)


async def test_an_import_version_names_the_file_kept(session, tmp_path):
    from bot.plan_import.importing import import_for

    coordinator = await person(session, 7001, "Анна Координатор")
    report = await import_for(
        session,
        ImportResult(plans=[act_plan()], warnings=[], source_format="docx"),
        importer_id=coordinator.id,
        roles=None,
        file_name="plan.docx",
        content=b"plan",
        now=NOW,
        data_dir=tmp_path,
    )
    version = await session.get(PlanVersion, report.plans[0].version_id)
    assert (version.number, version.file_name) == (1, "plan.docx")
    assert version.source_id is not None


async def test_the_words_are_replaced_in_every_cell_of_the_row_that_holds_them(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    first = await row(session, ids["act"], "1.4")
    first.title = f"Утверждены планы: {REGIONAL}"
    await session.flush()
    order = order_329()
    order.changes, order.appendices = order.changes[:1], []
    preview = await preview_order(session, coordinator_of(ids), order, plan_id=None, today=TODAY)
    assert [(change.field, change.after) for change in preview.changes] == [
        (Field.TITLE, f"Утверждены планы: {INTERNAL}"),
        (Field.EXECUTORS, INTERNAL),
    ]


async def youth_and_sport(session) -> tuple[Organization, Organization | None]:
    youth = await session.scalar(select(Organization).where(Organization.full_name == YOUTH))
    sport = await session.scalar(select(Organization).where(Organization.full_name == SPORT))
    return youth, sport


def successions_only(order):
    order.changes, order.appendices = [], []
    return order


async def test_a_body_serving_other_coordinators_plans_is_passed_on_by_an_administrator_only(
    session,
):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    other = ImportResult(
        plans=[appendix_plan("План другого координатора", YOUTH)], warnings=[], source_format="docx"
    )
    await store_import(session, other, actor_id=None, now=NOW)
    arguments = {"plan_id": None, "actor_id": coordinator.id, "today": TODAY, "now": NOW}

    applied = await apply_order(
        session, coordinator_of(ids), successions_only(order_329()), **arguments
    )
    assert [item.reason for item in applied.preview.not_applied][-1] == Reason.SHARED_BODY
    assert applied.successions == []
    youth, _sport = await youth_and_sport(session)
    assert youth.successor_id is None

    applied = await apply_order(
        session, Roles(is_admin=True), successions_only(order_329()), **arguments
    )
    assert [(p.body_name, p.successor_name) for p in applied.successions] == [(YOUTH, SPORT)]


async def test_a_succession_back_to_the_body_or_to_itself_is_reported_not_applied(session):
    coordinator = await person(session, 7001, "Анна Координатор")
    ids = await build_plans(session, coordinator.id)
    roles = coordinator_of(ids)
    youth, sport = await youth_and_sport(session)
    if sport is None:
        sport = Organization(full_name=SPORT, name_key=name_key(SPORT))
        session.add(sport)
        await session.flush()
    sport.successor_id, sport.successor_since = youth.id, TODAY  # sport passes to youth
    arguments = {"plan_id": None, "actor_id": coordinator.id, "today": TODAY, "now": NOW}

    applied = await apply_order(session, roles, successions_only(order_329()), **arguments)
    assert applied.preview.not_applied[-1].reason == Reason.SUCCESSION_LOOP
    assert not applied.changed and youth.successor_id is None

    itself = successions_only(order_329())
    itself.successors = [
        dataclasses.replace(
            itself.successors[0],
            successor="Министерством по делам молодежи, "
            "физической культуры и спорта Омской области",
        )
    ]
    preview = await preview_order(session, roles, itself, plan_id=None, today=TODAY)
    assert preview.not_applied[-1].reason == Reason.ALREADY_APPLIED
    assert preview.successors == []
