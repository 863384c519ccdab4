"""The measure's history on its card: every kind of event in order, paged, each page read
alone; and each executing body's own status."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.access import RoleGrant, roles_from_grants
from bot.deadline_changes import change_deadline
from bot.executors import assign_body
from bot.measure_history import (
    HISTORY_SOURCES,
    HistoryKind,
    HistorySource,
    history_page,
)
from bot.measures import load_card
from bot.plan_import.model import ParsedExecutor
from bot.plan_import.store import store_import
from models.tables import (
    Assignment,
    AssignmentStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
    Role,
)
from tests.test_plan_store import sample_result

COORDINATOR, OFFICIAL = 6101, 6102


def moment(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 9, tzinfo=UTC)


async def add_person(session, telegram_id: int, name: str) -> Official:
    person = Official(telegram_id=telegram_id, first_name=name.split()[0], full_name=name)
    session.add(person)
    await session.flush()
    return person


async def body_id(session, name: str) -> int:
    return await session.scalar(select(Organization.id).where(Organization.full_name == name))


async def measure_id(session, key: str) -> int:
    return await session.scalar(select(Measure.id).where(Measure.number_key == key))


async def a_measure_lived_through_everything(sessionmaker) -> int:
    """Measure 1 of the sample plan: imported, reported and returned, a body assigned, its
    deadline moved, changed by a new version of the plan, a new deadline requested."""
    async with sessionmaker() as session, session.begin():
        coordinator = await add_person(session, COORDINATOR, "Анна Координатор")
        coordinator.timezone = "Asia/Vladivostok"  # the card's days are hers (UTC+10)
        official = await add_person(session, OFFICIAL, "Олег Исполнитель")
        await store_import(session, sample_result(), actor_id=coordinator.id, now=moment(4, 1))
        first = await measure_id(session, "1")
        plan_id = await session.scalar(select(Plan.id))
        kis = await body_id(session, "Комитет по информатизации и связи")
        session.add_all(
            [
                Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=kis),
                Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan_id),
            ]
        )
        assignment = await session.scalar(select(Assignment).where(Assignment.measure_id == first))
        assignment.status = AssignmentStatus.RETURNED
        session.add(
            Report(
                assignment_id=assignment.id,
                author_id=official.id,
                comment="Приказ № 1",
                status=ReportStatus.RETURNED,
                submitted_at=datetime(2025, 4, 9, 22, tzinfo=UTC),  # 10.04, 08:00 hers
                reviewer_id=coordinator.id,
                review_reason="нет подписи",
                reviewed_at=moment(4, 11),
            )
        )
        roles = roles_from_grants(
            [RoleGrant(Role.COORDINATOR, plan_id=plan_id)], is_listed_admin=False
        )
        city = await body_id(session, "Администрация города Томска")
        await assign_body(
            session,
            roles,
            actor_id=coordinator.id,
            measure_id=first,
            organization_id=city,
            now=moment(4, 15),
        )
        await change_deadline(
            session,
            roles,
            actor_id=coordinator.id,
            measure_id=first,
            new_deadline=date(2025, 6, 15),
            reason="согласовано с комитетом",
            now=moment(4, 20),
        )
        # A new version of the plan: measure 1 reworded and given to one more body (with the
        # deadline as moved), measure 2 gone.
        changed = sample_result()
        plan = changed.plans[0]
        plan.measures[0].title = "Утвержден порядок взаимодействия"
        plan.measures[0].deadline = date(2025, 6, 15)
        plan.measures[0].executors = [
            *plan.measures[0].executors,
            ParsedExecutor(name="Администрация города Томска"),
            ParsedExecutor(name="Министерство финансов"),
        ]
        del plan.measures[1]
        await store_import(session, changed, actor_id=coordinator.id, now=moment(5, 1))
        session.add(
            DeadlineChange(
                measure_id=first,
                assignment_id=assignment.id,
                status=DeadlineChangeStatus.REQUESTED,
                old_deadline=date(2025, 6, 15),
                new_deadline=date(2025, 9, 30),
                reason="ждём заключение Минюста",
                requested_by_id=official.id,
                created_at=moment(5, 5),
            )
        )
        return first


async def open_found_card(person, number: str):
    person.send_command("/find", args=number)
    results = await person.wait_for_message(lambda m: bool(m.reply_markup))
    button = next(
        row[0]
        for row in results.reply_markup["inline_keyboard"]
        if row[0]["text"].startswith(number)
    )
    person.press(results, callback_data=button["callback_data"])
    return await person.wait_for_message(lambda m: "Статус:" in (m.text or ""))


def history_of(card_text: str) -> list[str]:
    return card_text.split("\n\nИстория")[1].splitlines()[1:]


async def test_the_card_shows_every_kind_of_event_in_order_and_pages(running_bot):
    emulator = running_bot.emulator
    await a_measure_lived_through_everything(running_bot.sessionmaker)
    anna = emulator.user(COORDINATOR, first_name="Анна", language_code="ru")

    card = await open_found_card(anna, "1.")
    assert "История (4–8 из 8):" in card.text
    assert history_of(card.text) == [
        "• 15.04.2025 — Анна Координатор: назначение исполнителя: Администрация города Томска",
        "• 20.04.2025 — Анна Координатор: срок перенесён: 31.05.2025 → 15.06.2025 "
        "(согласовано с комитетом)",
        "• 01.05.2025 — Анна Координатор: в новой редакции плана изменена формулировка",
        "• 01.05.2025 — Анна Координатор: назначение исполнителя: Министерство финансов "
        "(новая редакция плана)",
        "• 05.05.2025 — Олег Исполнитель: запрошен перенос срока: 15.06.2025 → 30.09.2025 "
        "(ждём заключение Минюста)",
    ]
    assert "Новее ›" not in str(emulator.button_texts(card))

    anna.press(card, text="‹ Ещё история")
    older = await anna.wait_for_edit(card)
    assert "История (1–3 из 8):" in older.text
    assert history_of(older.text) == [
        "• 01.04.2025: мероприятие включено в план",
        # The measure has several executors now: whose report it was is said.
        "• 10.04.2025 — Олег Исполнитель (КИС): отчёт отправлен: Приказ № 1",
        "• 11.04.2025 — Анна Координатор (КИС): отчёт возвращён: нет подписи",
    ]
    assert "‹ Ещё история" not in str(emulator.button_texts(older))
    anna.press(older, text="Новее ›")
    latest = await anna.wait_for_edit(older, min_edits=2)
    assert history_of(latest.text) == history_of(card.text)


async def test_a_measure_excluded_by_a_new_version_says_so(sessionmaker):
    from bot.entry.translations import create_i18n
    from handlers.measure_card import history_line

    await a_measure_lived_through_everything(sessionmaker)
    async with sessionmaker() as session:
        second = await measure_id(session, "2")
        card = await load_card(session, second)
    assert card is not None and card.removed
    assert [entry.kind for entry in card.history.entries] == [
        HistoryKind.MEASURE_ADDED,
        HistoryKind.MEASURE_EXCLUDED,
    ]
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        lines = [history_line(entry) for entry in card.history.entries]
    assert lines[-1] == (
        "• 01.05.2025 — Анна Координатор: мероприятие исключено из плана в новой редакции"
    )


# --- Statuses of each body ----------------------------------------------------------------------


async def test_the_lead_and_each_co_executor_show_their_own_status(running_bot):
    emulator = running_bot.emulator
    today = running_bot.settings.now().date()
    async with running_bot.sessionmaker() as session, session.begin():
        plan = Plan(title="План мероприятий")
        bodies = [
            Organization(full_name=name, name_key=name.casefold())
            for name in ("Министерство труда", "Комитет по туризму", "Управление делами")
        ]
        session.add_all([plan, *bodies])
        await session.flush()
        measure = Measure(
            plan_id=plan.id,
            number="1.",
            number_key="1",
            sort_key="00001",
            title="Утвержден регламент",
            deadline=today + timedelta(days=60),
        )
        session.add(measure)
        await session.flush()
        parts = (
            AssignmentStatus.SUBMITTED,
            AssignmentStatus.IN_PROGRESS,
            AssignmentStatus.ACCEPTED,
        )
        session.add_all(
            Assignment(
                measure_id=measure.id,
                organization_id=body.id,
                is_lead=position == 0,
                position=position,
                status=status,
            )
            for position, (body, status) in enumerate(zip(bodies, parts, strict=True))
        )
        coordinator = await add_person(session, COORDINATOR, "Анна Координатор")
        official = await add_person(session, OFFICIAL, "Олег Исполнитель")
        session.add_all(
            [
                Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id),
                Membership(
                    official_id=official.id, role=Role.OFFICIAL, organization_id=bodies[1].id
                ),
            ]
        )

    anna = emulator.user(COORDINATOR, first_name="Анна", language_code="ru")
    card = await open_found_card(anna, "1.")
    assert "• Министерство труда — головной исполнитель: На проверке" in card.text
    assert "• Комитет по туризму — соисполнитель: В работе" in card.text
    assert "• Управление делами — соисполнитель: Выполнено" in card.text
    assert "Статус: На проверке" in card.text  # the lead's part decides the measure

    # The co-executor's official: /my keeps its group's name, the card says «В работе».
    oleg = emulator.user(OFFICIAL, first_name="Олег", language_code="ru")
    oleg.send_command("/my")
    overview = await oleg.wait_for_message()
    oleg.press(overview, text="Позже: 1")
    listing = await oleg.wait_for_edit(overview)
    oleg.press(listing, text=emulator.button_texts(listing)[0][0])
    own = await oleg.wait_for_edit(listing, min_edits=2)
    assert "Статус: В работе" in own.text
    assert "Позже" not in own.text


# --- A long history, one page at a time ---------------------------------------------------------


def counting(sources: tuple[HistorySource, ...], read: list[int]) -> tuple[HistorySource, ...]:
    """The same sources, adding to `read` how many entries each read gives."""

    def wrap(source: HistorySource) -> HistorySource:
        async def newest(session, measure_id, limit):
            entries = await source.newest(session, measure_id, limit)
            read.append(len(entries))
            return entries

        return HistorySource(source.name, source.count, newest)

    return tuple(wrap(source) for source in sources)


async def a_measure_with_200_events(session) -> int:
    """Reports of two bodies reviewed out of turn, deadline requests and moves, assignments
    ended and revived, import changes: about 200 entries at distinct, shuffled moments."""
    import random

    from models.tables import AuditEvent

    shuffle = random.Random(13)
    moments = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=n) for n in range(400)]
    shuffle.shuffle(moments)
    coordinator = await add_person(session, COORDINATOR, "Анна Координатор")
    official = await add_person(session, OFFICIAL, "Олег Исполнитель")
    plan = Plan(title="План")
    bodies = [Organization(full_name=f"Орган {n}", name_key=f"орган {n}") for n in (1, 2)]
    session.add_all([plan, *bodies])
    await session.flush()
    measure = Measure(
        plan_id=plan.id,
        number="1.",
        number_key="1",
        sort_key="00001",
        title="Мероприятие",
        created_at=datetime(2024, 12, 1, tzinfo=UTC),
    )
    session.add(measure)
    await session.flush()
    assignments = [
        Assignment(measure_id=measure.id, organization_id=body.id, is_lead=n == 0, position=n)
        for n, body in enumerate(bodies)
    ]
    session.add_all(assignments)
    await session.flush()
    for n in range(60):
        submitted, reviewed = sorted((moments.pop(), moments.pop()))
        session.add(
            Report(
                assignment_id=assignments[n % 2].id,
                author_id=official.id,
                comment=f"отчёт {n}",
                status=ReportStatus.RETURNED if n % 4 else ReportStatus.SUBMITTED,
                submitted_at=submitted,
                reviewer_id=coordinator.id if n % 4 else None,
                reviewed_at=reviewed if n % 4 else None,
                review_reason=f"возврат {n}" if n % 4 else None,
            )
        )
    statuses = list(DeadlineChangeStatus)
    for n in range(30):
        created, decided = sorted((moments.pop(), moments.pop()))
        status = statuses[n % 3]
        direct = n % 5 == 0 and status is DeadlineChangeStatus.APPLIED
        session.add(
            DeadlineChange(
                measure_id=measure.id,
                status=status,
                new_deadline=date(2026, 1, 1) + timedelta(days=n),
                reason=f"причина {n}",
                requested_by_id=coordinator.id if direct else official.id,
                decided_by_id=None if status is DeadlineChangeStatus.REQUESTED else coordinator.id,
                decided_at=None if status is DeadlineChangeStatus.REQUESTED else decided,
                created_at=created,
            )
        )
    for n in range(20):
        session.add(
            AuditEvent(
                actor_id=coordinator.id,
                action="assignment_ended" if n % 2 else "assignment_revived",
                entity_type="assignments",
                entity_id=assignments[1].id,
                created_at=moments.pop(),
            )
        )
        session.add(
            AuditEvent(
                actor_id=coordinator.id,
                action="measure_changed",
                entity_type="measures",
                entity_id=measure.id,
                field="title" if n % 2 else "deadline_text",  # a deadline's wording: not shown
                created_at=moments.pop(),
            )
        )
    await session.flush()
    return measure.id


async def test_a_long_history_reads_one_page_at_a_time_and_misses_nothing(session):
    measure = await a_measure_with_200_events(session)
    everything = []
    for source in HISTORY_SOURCES:
        everything.extend(await source.newest(session, measure, 10_000))
    everything.sort(key=lambda entry: entry.at)
    latest_first = everything[::-1]
    assert len(everything) > 150
    assert len({entry.at for entry in everything}) == len(everything)

    pages = -(-len(everything) // 5)
    for page in range(pages):
        read: list[int] = []
        shown = await history_page(session, measure, page, sources=counting(HISTORY_SOURCES, read))
        assert shown.total == len(everything) and shown.pages == pages
        assert list(shown.entries) == latest_first[page * 5 : page * 5 + 5][::-1]
        # Only as many entries as the pages up to this one hold, at most twice (a report and
        # its review, a request and its decision), from each source.
        assert sum(read) <= len(HISTORY_SOURCES) * 2 * 5 * (page + 1)
        if page == 0:
            assert sum(read) <= 40
    oldest = await history_page(session, measure, 10_000)  # an old button: the oldest page
    assert oldest.page == pages - 1
    assert oldest.entries[0].kind == HistoryKind.MEASURE_ADDED


async def test_a_source_added_at_merge_joins_the_history_in_order(sessionmaker):
    """Questions and answers come from another part as `whole_source`: merged by time."""
    from bot.measure_history import HistoryEntry, whole_source

    first = await a_measure_lived_through_everything(sessionmaker)

    async def question_history(session, measure_id):
        return [
            HistoryEntry(moment(4, 12), HistoryKind.QUESTION_ASKED, "Олег", {"text": "Какой?"}),
            HistoryEntry(moment(4, 13), HistoryKind.QUESTION_ANSWERED, "Анна", {"text": "Этот"}),
        ]

    sources = (*HISTORY_SOURCES, whole_source("questions", question_history))
    async with sessionmaker() as session:
        older = await history_page(session, first, 1, sources=sources)
    assert older.total == 10
    assert [entry.kind for entry in older.entries] == [
        HistoryKind.MEASURE_ADDED,
        HistoryKind.REPORT_SUBMITTED,
        HistoryKind.REPORT_RETURNED,
        HistoryKind.QUESTION_ASKED,
        HistoryKind.QUESTION_ANSWERED,
    ]
