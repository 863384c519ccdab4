"""The data model carries what domain.md describes, and the database enforces its rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models.engine import is_sqlite
from models.tables import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    DeadlineChange,
    DeadlineChangeStatus,
    Document,
    Measure,
    Membership,
    Notification,
    NotificationStatus,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
    Role,
    Section,
    SectionKind,
)


async def make_plan_with_measure(session) -> tuple[Plan, Measure, Organization]:
    plan = Plan(title="План мероприятий («дорожная карта») Новосибирской области")
    session.add(plan)
    await session.flush()
    year = Section(plan_id=plan.id, kind=SectionKind.YEAR, title="2025 год", year=2025, position=0)
    session.add(year)
    await session.flush()
    section = Section(
        plan_id=plan.id,
        parent_id=year.id,
        kind=SectionKind.SECTION,
        number="I",
        title="Организационные мероприятия",
        position=1,
    )
    session.add(section)
    await session.flush()
    measure = Measure(
        plan_id=plan.id,
        section_id=section.id,
        number="1.1.",
        number_key="1.1",
        sort_key="0001.0001",
        title="Утвержден порядок внедрения клиентоцентричности",
        deadline=date(2025, 5, 31),
        deadline_text="31.05.2025",
        result="приказ",
        source_cells={"number": "1.1.", "title": "Утвержден порядок … клиентоцентричности1"},
        source_location="line 42",
    )
    body = Organization(
        full_name="Комитет по информатизации и связи",
        name_key="комитет по информатизации и связи",
        short_name="КИС",
        timezone="Asia/Novosibirsk",
    )
    session.add_all([measure, body])
    await session.flush()
    return plan, measure, body


async def test_a_plan_keeps_sections_measures_and_original_cells(session):
    _, measure, body = await make_plan_with_measure(session)
    session.add(
        Assignment(
            measure_id=measure.id,
            organization_id=body.id,
            is_lead=True,
            executor_text="КИС",
        )
    )
    await session.flush()
    session.expunge_all()

    stored = await session.scalar(select(Measure).where(Measure.number_key == "1.1"))
    assert stored.number == "1.1."
    assert stored.deadline == date(2025, 5, 31)
    assert stored.source_cells["title"].endswith("клиентоцентричности1")
    assert stored.done_on is None and stored.done_before_import is False
    assignment = await session.scalar(select(Assignment))
    assert assignment.status is AssignmentStatus.IN_PROGRESS
    assert assignment.by_agreement is False
    sections = (await session.scalars(select(Section).order_by(Section.position))).all()
    assert [s.kind for s in sections] == [SectionKind.YEAR, SectionKind.SECTION]
    assert sections[1].parent_id == sections[0].id


async def test_a_measure_number_is_unique_within_its_plan(session):
    plan, _, _ = await make_plan_with_measure(session)
    session.add(
        Measure(plan_id=plan.id, number="1.1", number_key="1.1", sort_key="0001.0001", title="x")
    )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_reports_documents_deadline_changes_and_history(session):
    _, measure, body = await make_plan_with_measure(session)
    official = Official(telegram_id=5_000_000_001, first_name="Анна", last_name="Петрова")
    coordinator = Official(telegram_id=5_000_000_002, first_name="Иван")
    session.add_all([official, coordinator])
    await session.flush()
    assignment = Assignment(measure_id=measure.id, organization_id=body.id, is_lead=True)
    session.add(assignment)
    await session.flush()
    report = Report(assignment_id=assignment.id, author_id=official.id, comment="Приказ издан")
    session.add(report)
    await session.flush()
    session.add(
        Document(
            report_id=report.id,
            telegram_file_id="BQACAgIAAxkBAAI",
            telegram_file_unique_id="AgAD",
            file_name="приказ.pdf",
            mime_type="application/pdf",
            size=123_456,
            sha256="a" * 64,
            storage_path="documents/1/приказ.pdf",
        )
    )
    report.status = ReportStatus.RETURNED
    report.reviewer_id = coordinator.id
    report.review_reason = "Нет подписи"
    report.reviewed_at = datetime.now(UTC)
    session.add(
        DeadlineChange(
            measure_id=measure.id,
            assignment_id=assignment.id,
            status=DeadlineChangeStatus.APPLIED,
            old_deadline=date(2025, 5, 31),
            new_deadline=date(2025, 6, 30),
            reason="Перенос по письму",
            requested_by_id=official.id,
            decided_by_id=coordinator.id,
        )
    )
    session.add(
        AuditEvent(
            actor_id=coordinator.id,
            action="deadline_changed",
            entity_type="measures",
            entity_id=measure.id,
            field="deadline",
            old_value="2025-05-31",
            new_value="2025-06-30",
        )
    )
    await session.flush()
    session.expunge_all()
    stored_report = await session.scalar(select(Report))
    assert stored_report.status is ReportStatus.RETURNED
    assert stored_report.submitted_at.tzinfo is not None
    assert await session.scalar(select(func.count(Document.id))) == 1
    change = await session.scalar(select(DeadlineChange))
    assert (change.old_deadline, change.new_deadline) == (date(2025, 5, 31), date(2025, 6, 30))
    event = await session.scalar(select(AuditEvent))
    assert (event.old_value, event.new_value) == ("2025-05-31", "2025-06-30")


async def test_timestamps_come_back_aware_and_in_utc(session):
    moment = datetime(2025, 3, 1, 12, 0, tzinfo=UTC) + timedelta(hours=0)
    official = Official(telegram_id=7, first_name="A", last_seen_at=moment)
    session.add(official)
    await session.flush()
    session.expunge_all()
    stored = await session.scalar(select(Official))
    assert stored.last_seen_at == moment
    assert stored.last_seen_at.utcoffset() == timedelta(0)
    assert stored.created_at.tzinfo is not None


async def test_a_naive_timestamp_is_refused(session):
    session.add(Official(telegram_id=8, first_name="A", last_seen_at=datetime(2025, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        await session.flush()


async def test_the_outbox_refuses_a_duplicate_dedup_key(session):
    official = Official(telegram_id=9, first_name="A")
    session.add(official)
    await session.flush()
    for _ in range(2):
        session.add(
            Notification(
                recipient_id=official.id,
                chat_id=9,
                kind="reminder",
                dedup_key="reminder:9:m1,m2:d7:2025-05-24",
                payload={"measure_ids": [1, 2]},
            )
        )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_outbox_rows_start_pending(session):
    official = Official(telegram_id=10, first_name="A")
    session.add(official)
    await session.flush()
    notification = Notification(
        recipient_id=official.id, chat_id=10, kind="reminder", dedup_key="k", payload={}
    )
    session.add(notification)
    await session.flush()
    assert notification.status is NotificationStatus.PENDING
    assert notification.attempts == 0


async def test_a_role_needs_its_scope(session):
    official = Official(telegram_id=11, first_name="A")
    session.add(official)
    await session.flush()
    session.add(Membership(official_id=official.id, role=Role.COORDINATOR))  # no plan
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_one_active_role_per_place_but_history_is_kept(sessionmaker):
    async with sessionmaker() as session, session.begin():
        _, _, body = await make_plan_with_measure(session)
        official = Official(telegram_id=12, first_name="A")
        session.add(official)
        await session.flush()
        first = Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=body.id)
        session.add(first)
        await session.flush()
        ids = (official.id, body.id)
    with pytest.raises(IntegrityError):
        async with sessionmaker() as session, session.begin():
            session.add(Membership(official_id=ids[0], role=Role.OFFICIAL, organization_id=ids[1]))
    async with sessionmaker() as session, session.begin():
        first = await session.scalar(select(Membership))
        first.is_active = False
        first.ended_at = datetime.now(UTC)
        session.add(Membership(official_id=ids[0], role=Role.OFFICIAL, organization_id=ids[1]))
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count(Membership.id))) == 2


async def test_foreign_keys_are_enforced(session):
    session.add(Assignment(measure_id=999_999, organization_id=999_999))
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_concurrent_read_then_write_transactions_do_not_fail(sessionmaker):
    """Two updates that each read and then write at the same moment both succeed."""
    async with sessionmaker() as session, session.begin():
        session.add(Official(telegram_id=13, first_name="A"))

    async def bump(name: str) -> None:
        async with sessionmaker() as session, session.begin():
            official = await session.scalar(select(Official).where(Official.telegram_id == 13))
            await asyncio.sleep(0.05)
            official.first_name = official.first_name + name

    await asyncio.gather(*(bump(str(i)) for i in range(5)))
    async with sessionmaker() as session:
        official = await session.scalar(select(Official).where(Official.telegram_id == 13))
    if is_sqlite(sessionmaker.kw["bind"].url):
        # Each writer takes the lock before reading: they queue up and no update is lost.
        assert sorted(official.first_name[1:]) == list("01234")
    else:
        # PostgreSQL at read committed: every transaction commits, the last write wins.
        assert len(official.first_name) == 2
