"""A body's successor (issue 15, point 2): the Omsk order's bodies found in whatever case the
order names them, their measures passed on the day with history kept, reminders and summaries
going to the successor, and the old body's officials asked whether they now work there."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.access import Roles
from bot.body_names import case_key, nominative
from bot.entry.translations import create_i18n
from bot.measure_history import HistoryKind, history_page
from bot.measure_status import Status, StatusDates
from bot.notification_kinds import SUCCESSOR_DECLINED, SUCCESSOR_QUESTION
from bot.plan_import.reading import read_plan
from bot.refusals import Refused
from bot.report_review import accept_report
from bot.successors import (
    SuccessorAnswer,
    answer_successor_question,
    find_named_body,
    pass_to_successor,
    read_successor_text,
)
from bot.summaries import plan_summary
from handlers.measure_card import history_line
from models.tables import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    BodyGroup,
    BodyGroupMember,
    BodyKind,
    Measure,
    Membership,
    Notification,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
    Role,
)
from scheduler.notifications import Delivery
from scheduler.reminders import write_due_reminders
from scheduler.successions import scan_successions
from scheduler.successor_messages import render_successor_declined, render_successor_question
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_plan_reading import sample

OLD = "Министерство по делам молодежи, физической культуры и спорта Омской области"
NEW = "Министерство спорта Омской области"
FINANCE = "Министерство финансов Омской области"
SINCE = date(2024, 6, 5)
# Monday 10 June 2024, 10:00 in Omsk.
NOW = datetime(2024, 6, 10, 4, 0, tzinfo=UTC)
TODAY = date(2024, 6, 10)
OMSK = "Asia/Omsk"
COORDINATOR, ANNA, PETR, STRANGER = 980_000_001, 980_000_002, 980_000_003, 980_000_004


# --- Names in any case ---------------------------------------------------------------------------


def test_the_omsk_order_names_its_bodies_in_the_nominative_whatever_the_case():
    order = sample("omsk").decode()
    titled = re.findall(r'Дорожная карта"\) (.+?) по внедрению', order)
    successors = re.findall(r"осуществляется (.+?)\.\";", order)
    assert [nominative(name) for name in titled] == [
        OLD,
        "Министерство региональной политики и массовых коммуникаций Омской области",
        "Министерство сельского хозяйства и продовольствия Омской области",
        "Министерство энергетики и жилищно-коммунального комплекса Омской области",
        "Государственная инспекция по надзору за техническим состоянием самоходных машин и"
        " других видов техники при Министерстве сельского хозяйства и продовольствия Омской"
        " области",
    ]
    assert [nominative(name) for name in successors] == [
        NEW,
        "Министерство внутренней политики Омской области",
        "Министерство сельского хозяйства, пищевой и перерабатывающей промышленности Омской"
        " области",
        "Министерство энергетики и жилищно-коммунального хозяйства Омской области",
        "Государственная инспекция по надзору за техническим состоянием самоходных машин и"
        " других видов техники при Министерстве сельского хозяйства, пищевой и"
        " перерабатывающей промышленности Омской области",
    ]
    # The appendix's body in its plan's title, in the genitive, instrumental and prepositional.
    for written in ("Главного управления", "Главным управлением", "Главном управлении"):
        named = f"{written} молодежной политики Омской области"
        assert nominative(named) == "Главное управление молодежной политики Омской области"


# The heads of the sample plans' bodies in the genitive, instrumental and dative, as a clerk
# writes them («мероприятия Министерства…», «осуществляется Министерством…», «передать
# Министерству…»).
CASES = {
    "Администрация": ("Администрации", "Администрацией", "Администрации"),
    "Департамент": ("Департамента", "Департаментом", "Департаменту"),
    "Министерство": ("Министерства", "Министерством", "Министерству"),
    "Межведомственная рабочая группа": (
        "Межведомственной рабочей группы",
        "Межведомственной рабочей группой",
        "Межведомственной рабочей группе",
    ),
    "Рабочая группа": ("Рабочей группы", "Рабочей группой", "Рабочей группе"),
    "Региональный центр": ("Регионального центра", "Региональным центром", "Региональному центру"),
    "Отдел": ("Отдела", "Отделом", "Отделу"),
    "Карасукский муниципальный округ": (
        "Карасукского муниципального округа",
        "Карасукским муниципальным округом",
        "Карасукскому муниципальному округу",
    ),
    "Татарский муниципальный округ": (
        "Татарского муниципального округа",
        "Татарским муниципальным округом",
        "Татарскому муниципальному округу",
    ),
    "Искитимский район": ("Искитимского района", "Искитимским районом", "Искитимскому району"),
    "Новосибирский район": (
        "Новосибирского района",
        "Новосибирским районом",
        "Новосибирскому району",
    ),
}


def seed_body_names() -> set[str]:
    names = set()
    for key, file_name in (
        ("novosibirsk", "novosibirsk-roadmap-2025-2026.txt"),
        ("template", "typical-roadmap-template.txt"),
        ("omsk", "omsk-order-329rp-2024.txt"),
    ):
        for plan in read_plan(sample(key), file_name).plans:
            names.update(e.name for m in plan.measures for e in m.executors)
    return names


def test_every_body_of_the_sample_plans_is_the_same_body_in_every_case():
    names = seed_body_names()
    inflected = 0
    for name in sorted(names):
        # A name in the nominative stays as written.
        assert nominative(name) == name
        for head, forms in CASES.items():
            if name.startswith(head + " ") or name == head:
                for form in forms:
                    written = form + name[len(head) :]
                    assert case_key(written) == case_key(name), written
                    assert nominative(written) == name, written
                    inflected += 1
    # Every body whose name starts with a kind of body was tried in three cases.
    assert inflected >= 3 * 12


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (f"{NEW} 05.06.2024", (NEW, SINCE)),
        (f"05.06.2024 {NEW}", (NEW, SINCE)),
        (f"{NEW}, с 5.6.24", (NEW, SINCE)),
        (NEW, None),
        ("05.06.2024", None),
    ],
)
def test_the_directory_reads_a_successor_and_its_day(typed, expected):
    assert read_successor_text(typed) == expected


# --- Passing the measures ----------------------------------------------------------------------


def measure(plan_id: int, number: str, deadline: date, **values) -> Measure:
    return Measure(
        plan_id=plan_id,
        number=number,
        number_key=number.strip("."),
        sort_key=number.strip(".").zfill(5),
        title=f"Мероприятие {number}",
        deadline=deadline,
        result="приказ",
        **values,
    )


async def seed(session) -> dict[str, int]:
    """The youth and sport ministry (in the executive bodies' group) with its official Anna:
    5.1 it leads; 5.2 it leads, Anna's report waits for review; 5.3 it co-executes with the
    finance ministry; 5.4 it did, accepted before the succession. A coordinator, and Petr
    of the finance ministry."""
    plan = Plan(title="План Омской области")
    old = Organization(
        full_name=OLD,
        name_key=OLD.casefold(),
        short_name="Минмолодежи",
        in_directory=True,
        kind=BodyKind.EXECUTIVE,
        timezone=OMSK,
    )
    finance = Organization(full_name=FINANCE, name_key=FINANCE.casefold(), timezone=OMSK)
    group = BodyGroup(name="ИОГВ", name_key="иогв")
    people = {
        telegram_id: Official(telegram_id=telegram_id, first_name=name, timezone=OMSK)
        for telegram_id, name in (
            (COORDINATOR, "Ирина"),
            (ANNA, "Анна"),
            (PETR, "Пётр"),
            (STRANGER, "Сергей"),
        )
    }
    session.add_all([plan, old, finance, group, *people.values()])
    await session.flush()
    session.add_all(
        [
            BodyGroupMember(group_id=group.id, organization_id=old.id),
            Membership(official_id=people[COORDINATOR].id, role=Role.COORDINATOR, plan_id=plan.id),
            Membership(official_id=people[ANNA].id, role=Role.OFFICIAL, organization_id=old.id),
            Membership(official_id=people[PETR].id, role=Role.OFFICIAL, organization_id=finance.id),
        ]
    )
    ids = {"plan": plan.id, "old": old.id, "finance": finance.id, "group": group.id}
    ids.update({f"person{telegram_id}": person.id for telegram_id, person in people.items()})
    for number, deadline, status, co in (
        ("5.1.", date(2024, 6, 12), AssignmentStatus.IN_PROGRESS, False),
        ("5.2.", date(2024, 6, 20), AssignmentStatus.SUBMITTED, False),
        ("5.3.", date(2024, 6, 12), AssignmentStatus.IN_PROGRESS, True),
        ("5.4.", date(2024, 5, 20), AssignmentStatus.ACCEPTED, False),
    ):
        row = measure(
            plan.id, number, deadline, done_on=date(2024, 5, 20) if number == "5.4." else None
        )
        session.add(row)
        await session.flush()
        row.created_at = datetime(2024, 1, 15, tzinfo=UTC)
        ids[number] = row.id
        if co:
            session.add(Assignment(measure_id=row.id, organization_id=finance.id, is_lead=True))
        part = Assignment(
            measure_id=row.id, organization_id=old.id, is_lead=not co, status=status, position=1
        )
        session.add(part)
        await session.flush()
        part.created_at = datetime(2024, 1, 15, tzinfo=UTC)
        if status is not AssignmentStatus.IN_PROGRESS:
            report = Report(
                assignment_id=part.id,
                author_id=people[ANNA].id,
                comment=f"Отчёт по {number}",
                status=ReportStatus.SUBMITTED
                if status is AssignmentStatus.SUBMITTED
                else ReportStatus.ACCEPTED,
                submitted_at=datetime(2024, 5, 18, 6, 0, tzinfo=UTC),
            )
            if status is AssignmentStatus.ACCEPTED:
                report.reviewer_id = people[COORDINATOR].id
                report.reviewed_at = datetime(2024, 5, 20, 6, 0, tzinfo=UTC)
            session.add(report)
            await session.flush()
            ids[f"report{number}"] = report.id
    await session.flush()
    return ids


async def pass_now(session, **values):
    arguments = {
        "body_id": values.pop("body_id"),
        "successor_name": "Министерством спорта Омской области",
        "since": SINCE,
        "actor_id": None,
        "version_id": None,
        "today": TODAY,
        "now": NOW,
    }
    return await pass_to_successor(session, **{**arguments, **values})


async def parts(session, measure_id: int) -> list[tuple[str, bool, AssignmentStatus, date | None]]:
    rows = await session.execute(
        select(
            Organization.full_name, Assignment.is_lead, Assignment.status, Assignment.valid_until
        )
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(Assignment.measure_id == measure_id)
        .order_by(Assignment.id)
    )
    return [tuple(row) for row in rows]


async def test_the_measures_pass_to_the_successor_from_the_day_and_history_stays(session):
    ids = await seed(session)
    passed = await pass_now(session, body_id=ids["old"])
    assert (passed.body_name, passed.successor_name, passed.since) == (OLD, NEW, SINCE)
    assert (passed.measures, passed.changed) == (4, True)

    # The successor is a body of its own, made in the directory in the nominative, in the old
    # body's group (which the old body leaves); the old body stays, marked.
    successor = await session.get(Organization, passed.successor_id)
    assert successor.full_name == NEW and successor.in_directory
    assert successor.kind is BodyKind.EXECUTIVE and successor.timezone == OMSK
    old = await session.get(Organization, ids["old"])
    assert (old.full_name, old.successor_id, old.successor_since) == (OLD, successor.id, SINCE)
    members = set(await session.scalars(select(BodyGroupMember.organization_id)))
    assert members == {successor.id}

    # Each part ends on the day and the successor takes it in the same role and status.
    ended, new = SINCE, None
    assert await parts(session, ids["5.1."]) == [
        (OLD, True, AssignmentStatus.IN_PROGRESS, ended),
        (NEW, True, AssignmentStatus.IN_PROGRESS, new),
    ]
    assert await parts(session, ids["5.3."]) == [
        (FINANCE, True, AssignmentStatus.IN_PROGRESS, None),
        (OLD, False, AssignmentStatus.IN_PROGRESS, ended),
        (NEW, False, AssignmentStatus.IN_PROGRESS, new),
    ]
    assert (await parts(session, ids["5.4."]))[-1] == (NEW, True, AssignmentStatus.ACCEPTED, None)

    # The same succession again (the order applied twice) changes nothing.
    again = await pass_now(session, body_id=ids["old"])
    assert (again.measures, again.changed, again.successor_id) == (0, False, successor.id)
    assert len(await parts(session, ids["5.1."])) == 2
    assert (
        await session.scalar(select(Organization.id).where(Organization.full_name == NEW))
        == successor.id
    )

    # Found by any of its names in any case; the old body too.
    assert (await find_named_body(session, "Министерству спорта Омской области")).id == (
        successor.id
    )
    genitive = "Министерства по делам молодежи, физической культуры и спорта Омской области"
    assert (await find_named_body(session, genitive)).id == ids["old"]
    assert (await find_named_body(session, "Минмолодежи")).id == ids["old"]
    assert await find_named_body(session, "Министерство культуры Омской области") is None


async def test_the_report_under_review_stays_answerable_and_the_card_says_who_took_over(session):
    ids = await seed(session)
    await pass_now(session, body_id=ids["old"])
    coordinator = Roles(coordinator_plan_ids=frozenset({ids["plan"]}))
    outcome = await accept_report(
        session,
        coordinator,
        reviewer_id=ids[f"person{COORDINATOR}"],
        report_id=ids["report5.2."],
        now=NOW,
        today=TODAY,
    )
    assert outcome.measure_done
    assert (await parts(session, ids["5.2."]))[-1] == (NEW, True, AssignmentStatus.ACCEPTED, None)

    i18n = create_i18n()
    page = await history_page(session, ids["5.1."])
    with i18n.context(), i18n.use_locale("ru"):
        lines = [history_line(entry) for entry in page.entries]
    assert lines[-1] == (
        f"• 10.06.2024: с 05.06.2024 исполнитель — {NEW} (правопреемник органа «{OLD}»)"
    )
    # What the old body did before the day keeps its name: the report accepted in May.
    page = await history_page(session, ids["5.4."])
    accepted = [e for e in page.entries if e.kind == HistoryKind.REPORT_ACCEPTED]
    assert [entry.details["body"] for entry in accepted] == ["Минмолодежи"]
    events = set(await session.scalars(select(AuditEvent.action)))
    assert {"successor_set", "assignment_passed", "assignment_succeeded"} <= events


async def test_summaries_and_reminders_go_to_the_successor(session):
    ids = await seed(session)
    passed = await pass_now(session, body_id=ids["old"])
    # Someone of the successor registers.
    session.add(
        Membership(
            official_id=ids[f"person{PETR}"],
            role=Role.OFFICIAL,
            organization_id=passed.successor_id,
        )
    )
    await session.flush()
    roles = Roles(coordinator_plan_ids=frozenset({ids["plan"]}))
    summary = await plan_summary(session, roles, ids["plan"], StatusDates.at(NOW, OMSK))
    by_body = {body.name: body for body in summary.bodies}
    assert "Минмолодежи" not in by_body and OLD not in by_body
    successor_row = by_body[NEW]
    assert successor_row.counts[Status.DUE_SOON] == 2  # 5.1. and 5.3. (12 June)
    assert successor_row.counts[Status.DONE] == 1  # 5.4., done under the successor

    await write_due_reminders(session, now=NOW, default_timezone=OMSK)
    reminded = {
        row.recipient_id: row.payload
        for row in await session.scalars(
            select(Notification).where(Notification.kind == "reminder")
        )
    }
    assert ids[f"person{ANNA}"] not in reminded
    numbers = {item["number"] for item in reminded[ids[f"person{PETR}"]]["items"]}
    assert {"5.1.", "5.3."} <= numbers


async def test_a_succession_ahead_waits_for_its_day_and_the_scan_passes_it_once(
    sessionmaker,
):
    async with sessionmaker() as session, session.begin():
        ids = await seed(session)
        passed = await pass_now(session, body_id=ids["old"], since=TODAY + timedelta(days=2))
        assert (passed.measures, passed.changed) == (0, True)
    scan = {"default_timezone": OMSK}
    assert await scan_successions(sessionmaker, now=NOW + timedelta(days=1), **scan) == 0
    async with sessionmaker() as session:
        assert [p[0] for p in await parts(session, ids["5.1."])] == [OLD]
    # On the day (a restart in between changes nothing: the succession is in the table).
    assert await scan_successions(sessionmaker, now=NOW + timedelta(days=2), **scan) == 4
    assert await scan_successions(sessionmaker, now=NOW + timedelta(days=3), **scan) == 0
    async with sessionmaker() as session:
        assert await parts(session, ids["5.1."]) == [
            (OLD, True, AssignmentStatus.IN_PROGRESS, TODAY + timedelta(days=2)),
            (NEW, True, AssignmentStatus.IN_PROGRESS, None),
        ]
        asked = await session.scalar(
            select(Notification.recipient_id).where(Notification.kind == SUCCESSOR_QUESTION)
        )
        assert asked == ids[f"person{ANNA}"]


async def test_officials_are_asked_and_yes_moves_them_no_tells_the_coordinators(session):
    ids = await seed(session)
    # A second official of the old body.
    olga = Official(telegram_id=980_000_005, first_name="Ольга")
    session.add(olga)
    await session.flush()
    session.add(Membership(official_id=olga.id, role=Role.OFFICIAL, organization_id=ids["old"]))
    await session.flush()
    passed = await pass_now(session, body_id=ids["old"])

    questions = list(
        await session.scalars(select(Notification).where(Notification.kind == SUCCESSOR_QUESTION))
    )
    assert {q.recipient_id for q in questions} == {ids[f"person{ANNA}"], olga.id}
    i18n = create_i18n()
    delivery = Delivery(now=NOW)
    with i18n.context(), i18n.use_locale("ru"):
        text, keyboard = render_successor_question(
            questions[0].payload, i18n.gettext, i18n.gettext, delivery
        )
    assert text.startswith(
        f"С 05.06.2024 мероприятия органа «{OLD}» переданы правопреемнику — органу «{NEW}»."
    )
    assert "Передано действующих мероприятий: 4." in text
    assert text.endswith(f"Вы теперь работаете в органе «{NEW}»?")
    assert [b.text for b in keyboard.inline_keyboard[0]] == ["Да, теперь работаю там", "Нет"]

    answer = {"admin_telegram_ids": frozenset(), "today": TODAY, "now": NOW}
    yes = await answer_successor_question(
        session,
        official_id=ids[f"person{ANNA}"],
        body_id=ids["old"],
        answer=SuccessorAnswer.YES,
        **answer,
    )
    assert yes.moved
    anna_bodies = set(
        await session.scalars(
            select(Membership.organization_id).where(
                Membership.official_id == ids[f"person{ANNA}"], Membership.is_active
            )
        )
    )
    assert anna_bodies == {passed.successor_id}
    # Pressed twice: the same answer, nothing more.
    assert (
        await answer_successor_question(
            session,
            official_id=ids[f"person{ANNA}"],
            body_id=ids["old"],
            answer=SuccessorAnswer.YES,
            **answer,
        )
    ).moved

    no = await answer_successor_question(
        session, official_id=olga.id, body_id=ids["old"], answer=SuccessorAnswer.NO, **answer
    )
    assert not no.moved and no.coordinators_told == 1
    olga_bodies = set(
        await session.scalars(
            select(Membership.organization_id).where(
                Membership.official_id == olga.id, Membership.is_active
            )
        )
    )
    assert olga_bodies == {ids["old"]}
    told = await session.scalar(select(Notification).where(Notification.kind == SUCCESSOR_DECLINED))
    assert told.recipient_id == ids[f"person{COORDINATOR}"]
    with i18n.context(), i18n.use_locale("ru"):
        text, _ = render_successor_declined(told.payload, i18n.gettext, i18n.gettext, delivery)
    assert text.startswith(f"Ольга сообщает, что не работает в органе «{NEW}»")

    # Never trusted: a person of another body, or a body without a successor.
    for official_id, body_id in (
        (ids[f"person{STRANGER}"], ids["old"]),
        (ids[f"person{PETR}"], ids["old"]),
        (ids[f"person{PETR}"], ids["finance"]),
    ):
        with pytest.raises(Refused):
            await answer_successor_question(
                session,
                official_id=official_id,
                body_id=body_id,
                answer=SuccessorAnswer.YES,
                **answer,
            )


async def test_a_successor_that_already_answers_for_a_measure_keeps_its_part(session):
    """A merger: the finance ministry takes the youth ministry over; on 5.3. it already leads,
    so its part stays and nothing is doubled."""
    ids = await seed(session)
    passed = await pass_now(
        session, body_id=ids["old"], successor_name="Министерством финансов Омской области"
    )
    assert passed.successor_id == ids["finance"] and passed.measures == 4
    assert await parts(session, ids["5.3."]) == [
        (FINANCE, True, AssignmentStatus.IN_PROGRESS, None),
        (OLD, False, AssignmentStatus.IN_PROGRESS, SINCE),
    ]


# --- Over the emulator ---------------------------------------------------------------------------


async def test_an_administrator_passes_a_body_and_its_official_says_yes(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        ids = await seed(session)
    for telegram_id in (ANNA, COORDINATOR):
        running_bot.emulator.user(telegram_id, first_name="Person")
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    anna = running_bot.emulator.user(ANNA, first_name="Анна")

    admin.send_command("/orgs")
    bodies = await admin.wait_for_message(lambda m: "Минмолодежи" in str(m.payload))
    admin.press(bodies, text="Минмолодежи")
    card = await admin.wait_for_message(lambda m: "Изменить" in str(m.payload))
    admin.press(card, text="Изменить")
    menu = await admin.wait_for_message("Изменение сведений")
    admin.press(menu, text="Передать правопреемнику")
    await admin.wait_for_edit(menu, lambda m: "наименование правопреемника" in (m.text or ""))
    admin.send_text("Министерство спорта Омской области 05.06.2024")
    done = await admin.wait_for_message("переданы органу")
    assert f"С 05.06.2024 мероприятия органа «{OLD}» переданы органу «{NEW}»" in done.text
    assert "Передано действующих мероприятий: 4." in done.text
    # The old body stays in the directory, marked.
    assert f"Мероприятия переданы правопреемнику — органу «{NEW}» с 05.06.2024." in done.text
    coordinator = running_bot.emulator.user(COORDINATOR, first_name="Ирина")
    coordinator.send_command("/orgs")
    listing = await coordinator.wait_for_message("Органы ваших планов")
    assert f"{NEW} — правопреемник органа «{OLD}» с 05.06.2024" in listing.text

    question = await anna.wait_for_message("Вы теперь работаете", timeout=15)
    anna.press(question, text="Да, теперь работаю там")
    answered = await anna.wait_for_edit(question, lambda m: "зарегистрированы" in (m.text or ""))
    assert f"Теперь вы зарегистрированы в органе «{NEW}»" in answered.text
    async with running_bot.sessionmaker() as session:
        successor = await session.scalar(
            select(Organization.id).where(Organization.full_name == NEW)
        )
        bodies = set(
            await session.scalars(
                select(Membership.organization_id).where(
                    Membership.official_id == ids[f"person{ANNA}"], Membership.is_active
                )
            )
        )
    assert bodies == {successor}


async def test_the_people_of_a_body_without_measures_are_asked_on_the_day(sessionmaker):
    async with sessionmaker() as session, session.begin():
        ids = await seed(session)
        idle = Organization(full_name="Комитет по туризму Омской области", name_key="ктуризм")
        session.add(idle)
        await session.flush()
        session.add(
            Membership(
                official_id=ids[f"person{STRANGER}"], role=Role.OFFICIAL, organization_id=idle.id
            )
        )
        await pass_now(
            session,
            body_id=idle.id,
            successor_name="Министерством туризма Омской области",
            since=TODAY + timedelta(days=1),
        )
    scan = {"default_timezone": OMSK}

    async def asked() -> list[int]:
        async with sessionmaker() as session:
            return list(
                await session.scalars(
                    select(Notification.recipient_id).where(Notification.kind == SUCCESSOR_QUESTION)
                )
            )

    await scan_successions(sessionmaker, now=NOW, **scan)
    assert await asked() == []
    for days in (1, 2):
        await scan_successions(sessionmaker, now=NOW + timedelta(days=days), **scan)
        assert await asked() == [ids[f"person{STRANGER}"]]
    async with sessionmaker() as session:
        [payload] = await session.scalars(
            select(Notification.payload).where(Notification.kind == SUCCESSOR_QUESTION)
        )
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        text, _ = render_successor_question(payload, i18n.gettext, i18n.gettext, Delivery(now=NOW))
    assert "Передано" not in text and "«Министерство туризма Омской области»" in text
