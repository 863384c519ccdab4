"""Storing an understood plan, and re-importing a changed version of it."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.access import RoleGrant, roles_from_grants
from bot.plan_import.importing import import_for, summarise
from bot.plan_import.model import (
    ImportResult,
    ParsedExecutor,
    ParsedMeasure,
    ParsedPlan,
    ParsedSection,
)
from bot.plan_import.store import PlanNotYours, store_import
from models.tables import (
    Assignment,
    AuditEvent,
    DeadlineChange,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Report,
    Role,
    Section,
)

KIS = "Комитет по информатизации и связи"


def sample_result() -> ImportResult:
    sections = [
        ParsedSection(key="y2025", title="2025 год", kind="year", year=2025),
        ParsedSection(
            key="y2025/I", title="I. Организационные мероприятия", number="I", parent_key="y2025"
        ),
    ]
    measures = [
        ParsedMeasure(
            number="1.",
            title="Утвержден порядок",
            section_key="y2025/I",
            section="I. Организационные мероприятия",
            deadline=date(2025, 5, 31),
            deadline_text="31.05.2025",
            executors=[ParsedExecutor(name=KIS, short_name="КИС", lead=True)],
            result="приказ",
            source_cells={"number": "1.", "title": "Утвержден порядок1"},
            location="line 10",
        ),
        ParsedMeasure(
            number="2.",
            title="Проведен реинжиниринг",
            section_key="y2025/I",
            deadline=date(2025, 12, 30),
            deadline_text="30.12.2025",
            executors=[
                # The same committee, written as an abbreviation only.
                ParsedExecutor(name="КИС", lead=True),
                ParsedExecutor(name="Администрация города Томска", by_agreement=True),
            ],
            location="line 20",
        ),
        ParsedMeasure(
            number="3.",
            title="Сделано заранее",
            deadline=date(2025, 3, 1),
            deadline_text="01.03.2025 Выполнено",
            done=True,
            done_on=date(2025, 3, 1),
            executors=[ParsedExecutor(name=KIS, short_name="КИС", lead=True)],
            location="line 30",
        ),
    ]
    plan = ParsedPlan(
        title="План мероприятий Томской области", sections=sections, measures=measures
    )
    return ImportResult(plans=[plan], warnings=[], source_format="text-cells")


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def test_a_first_import_stores_the_plan_and_each_body_once(session):
    report = await store_import(session, sample_result(), actor_id=None)
    [changes] = report.plans
    assert changes.created and changes.added == ["1", "2", "3"]
    assert report.organizations_created == [KIS, "Администрация города Томска"]
    assert await count(session, Organization) == 2
    assert await count(session, Section) == 2
    measure = await session.scalar(select(Measure).where(Measure.number_key == "1"))
    assert measure.source_cells["title"] == "Утвержден порядок1"
    section = await session.get(Section, measure.section_id)
    assert section.title == "I. Организационные мероприятия"
    assert (await session.get(Section, section.parent_id)).year == 2025
    second = await session.scalar(select(Measure).where(Measure.number_key == "2"))
    assignments = (
        await session.scalars(
            select(Assignment)
            .where(Assignment.measure_id == second.id)
            .order_by(Assignment.position)
        )
    ).all()
    assert [(a.is_lead, a.by_agreement) for a in assignments] == [(True, False), (False, True)]
    done = await session.scalar(select(Measure).where(Measure.number_key == "3"))
    assert done.done_before_import and done.done_on == date(2025, 3, 1)


async def test_importing_the_same_file_again_changes_nothing(session):
    await store_import(session, sample_result(), actor_id=None)
    events_before = await count(session, AuditEvent)
    report = await store_import(session, sample_result(), actor_id=None)
    [changes] = report.plans
    assert not changes.created
    assert (changes.added, changes.changed, changes.removed) == ([], [], [])
    assert changes.unchanged == 3
    assert await count(session, AuditEvent) == events_before
    assert await count(session, Plan) == 1


async def test_a_changed_version_updates_by_number_and_keeps_history(session):
    await store_import(session, sample_result(), actor_id=None)
    official = Official(telegram_id=1, first_name="A")
    session.add(official)
    await session.flush()
    first = await session.scalar(select(Measure).where(Measure.number_key == "1"))
    second = await session.scalar(select(Measure).where(Measure.number_key == "2"))
    assignment = await session.scalar(select(Assignment).where(Assignment.measure_id == second.id))
    session.add(Report(assignment_id=assignment.id, author_id=official.id, comment="готово"))
    await session.flush()

    changed = sample_result()
    plan = changed.plans[0]
    plan.measures[0].deadline = date(2025, 6, 30)
    plan.measures[0].deadline_text = "30.06.2025"
    plan.measures[0].executors = [ParsedExecutor(name="Министерство финансов", lead=True)]
    del plan.measures[1]  # measure 2 leaves the plan
    new = copy.deepcopy(plan.measures[0])
    new.number, new.title = "4.", "Новое мероприятие"
    plan.measures.append(new)

    report = await store_import(session, changed, actor_id=official.id)
    [changes] = report.plans
    assert changes.added == ["4"]
    assert changes.changed == ["1"]
    assert changes.removed == ["2"]
    assert changes.unchanged == 1

    await session.refresh(first)
    assert first.deadline == date(2025, 6, 30)
    deadline_change = await session.scalar(select(DeadlineChange))
    assert (deadline_change.old_deadline, deadline_change.new_deadline) == (
        date(2025, 5, 31),
        date(2025, 6, 30),
    )
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity_id == first.id))
    ).all()
    assert {(e.action, e.field) for e in events} >= {
        ("measure_changed", "deadline"),
        ("measure_changed", "deadline_text"),
        ("executor_added", "executor"),
        ("executor_removed", "executor"),
    }
    # The committee's assignment of measure 1 ended; the record stays.
    ended = (
        await session.scalars(select(Assignment).where(Assignment.measure_id == first.id))
    ).all()
    assert sorted(a.valid_until is None for a in ended) == [False, True]
    # Measure 2 is removed, not deleted: its report is still there.
    await session.refresh(second)
    assert second.removed_at is not None
    assert await count(session, Report) == 1

    # It comes back in the next version: restored with its history.
    report = await store_import(session, sample_result(), actor_id=official.id)
    assert report.plans[0].restored == ["2"]
    await session.refresh(second)
    assert second.removed_at is None


async def test_a_coordinator_cannot_overwrite_someone_elses_plan(sessionmaker):
    async with sessionmaker() as session, session.begin():
        await store_import(session, sample_result(), actor_id=None)
        plan_id = await session.scalar(select(Plan.id))
        outsider = Official(telegram_id=2, first_name="B")
        session.add(outsider)
    roles = roles_from_grants(
        [RoleGrant(Role.COORDINATOR, plan_id=plan_id + 100)], is_listed_admin=False
    )
    changed = sample_result()
    changed.plans[0].measures[0].title = "Подменённый текст"
    with pytest.raises(PlanNotYours):
        async with sessionmaker() as session, session.begin():
            await import_for(
                session,
                changed,
                importer_id=outsider.id,
                roles=roles,
                file_name="x.docx",
                content=b"x",
            )
    async with sessionmaker() as session:
        title = await session.scalar(select(Measure.title).where(Measure.number_key == "1"))
    assert title == "Утвержден порядок"


async def test_the_importing_coordinator_coordinates_the_new_plan(session):
    importer = Official(telegram_id=3, first_name="C")
    session.add(importer)
    await session.flush()
    roles = roles_from_grants([RoleGrant(Role.COORDINATOR, plan_id=999)], is_listed_admin=False)
    report = await import_for(
        session,
        sample_result(),
        importer_id=importer.id,
        roles=roles,
        file_name="plan.docx",
        content=b"plan",
    )
    membership = await session.scalar(
        select(Membership).where(Membership.official_id == importer.id)
    )
    assert membership.role is Role.COORDINATOR
    assert membership.plan_id == report.plans[0].plan_id
    plan = await session.get(Plan, report.plans[0].plan_id)
    assert plan.source_file_name == "plan.docx" and len(plan.source_sha256) == 64


def test_the_preview_counts_what_the_coordinator_checks():
    [plan] = summarise(sample_result()).plans
    assert (plan.measures, plan.sections, plan.done, plan.without_deadline) == (3, 2, 1, 0)
    assert plan.bodies == ("КИС", "Администрация города Томска")
    assert plan.deadlines_by_month == ((date(2025, 5, 1), 1), (date(2025, 12, 1), 1))


async def test_a_number_the_document_repeats_loses_no_measure(session):
    result = sample_result()
    twin = copy.deepcopy(result.plans[0].measures[0])
    twin.title = "Второе мероприятие с тем же номером"
    result.plans[0].measures.append(twin)
    report = await store_import(session, result, actor_id=None)
    assert report.plans[0].added == ["1", "2", "3", "1#2"]
    again = await store_import(session, result, actor_id=None)
    assert again.plans[0].unchanged == 4
    titles = set(await session.scalars(select(Measure.title).where(Measure.number == "1.")))
    assert titles == {"Утвержден порядок", "Второе мероприятие с тем же номером"}
