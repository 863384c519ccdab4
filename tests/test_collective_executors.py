"""Collective executors («ИОГВ», «МО», «Главы МО», a legend's «ОИО НСО») expand into the bodies
of the directory's group, each with its own part; without the group nothing is expanded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.access import Roles
from bot.entry.translations import create_i18n
from bot.executors import bodies_to_assign
from bot.measure_status import Status, StatusDates
from bot.measures import load_card
from bot.plan_import.abbreviations import Abbreviations
from bot.plan_import.executors import read_executors
from bot.plan_import.groups import groups_in_file, reads_as_group
from bot.plan_import.model import ImportResult, ParsedExecutor, ParsedMeasure, ParsedPlan
from bot.plan_import.reading import read_plan
from bot.plan_import.store import store_import
from bot.summaries import plan_summary
from handlers.measure_card import executor_line
from models.tables import (
    Assignment,
    BodyGroup,
    BodyGroupMember,
    BodyKind,
    Membership,
    Notification,
    Official,
    Organization,
    Role,
)
from scheduler.reminders import write_due_reminders

PLANS = Path(__file__).parent / "fixtures" / "plans"
NOVOSIBIRSK = "novosibirsk-roadmap-2025-2026.txt"
OMSK = "omsk-order-329rp-2024.txt"
OIO_NSO = "Областные исполнительные органы Новосибирской области"
# Wednesday 14 May 2025, 10:00 in Moscow.
WEDNESDAY = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)


async def directory(session, groups: dict[str, tuple[int, int]]) -> dict[str, list[int]]:
    """200 bodies (0–31 executive, 32–166 municipalities, the rest other); each group takes
    the bodies in [start, end)."""
    bodies = []
    for index in range(200):
        kind = (
            BodyKind.EXECUTIVE
            if index < 32
            else BodyKind.MUNICIPALITY
            if index < 167
            else BodyKind.OTHER
        )
        name = f"Орган {index:03d}"
        bodies.append(
            Organization(full_name=name, name_key=name.casefold(), kind=kind, in_directory=True)
        )
    session.add_all(bodies)
    await session.flush()
    members = {}
    for name, (start, end) in groups.items():
        group = BodyGroup(name=name, name_key=name.casefold())
        session.add(group)
        await session.flush()
        members[name] = [body.id for body in bodies[start:end]]
        session.add_all(
            BodyGroupMember(group_id=group.id, organization_id=organization_id)
            for organization_id in members[name]
        )
    await session.flush()
    return members


TOMSK_GROUPS = {"ИОГВ": (0, 32), "МО": (32, 167), "ОИО НСО": (190, 195)}


def plan(*executors: list[ParsedExecutor], deadline: date = date(2025, 5, 21)) -> ImportResult:
    measures = [
        ParsedMeasure(
            number=f"{index}.",
            title=f"Мероприятие {index}",
            deadline=deadline,
            deadline_text=deadline.strftime("%d.%m.%Y"),
            executors=cell,
            location=f"line {index}",
        )
        for index, cell in enumerate(executors, 1)
    ]
    return ImportResult(
        plans=[ParsedPlan("План", measures=measures)], warnings=[], source_format=""
    )


def cell(text: str) -> list[ParsedExecutor]:
    abbreviations = Abbreviations()
    abbreviations.add("ОИО НСО", OIO_NSO, "executor")
    return read_executors(text, abbreviations)


async def parts(session) -> list[Assignment]:
    return list(
        await session.scalars(
            select(Assignment)
            .where(Assignment.valid_until.is_(None))
            .order_by(Assignment.measure_id, Assignment.position)
        )
    )


def test_the_collective_names_of_plans_read_as_groups_and_bodies_do_not() -> None:
    for text in (
        "ИОГВ",
        "ИОГВ, предоставляющие государственные услуги",
        "органы местного самоуправления (по согласованию)",
        "ОМСУ",
        "МО",
        "Главы МО",
        "все структурные подразделения",
        "ОИО НСО",
        "Иные муниципальные районы Новосибирской области",
    ):
        (executor,) = cell(text)
        assert reads_as_group(executor), text
    for text in (
        "Министерство цифрового развития",
        "Управление делами Губернатора",
        "Город Бердск",
        "Комитет по информатизации и связи",
    ):
        (executor,) = cell(text)
        assert not reads_as_group(executor), text


async def test_each_group_expands_into_its_bodies_with_a_part_each(session) -> None:
    members = await directory(session, TOMSK_GROUPS)
    result = plan(
        cell("ИОГВ, предоставляющие государственные услуги"),
        cell("Главы МО"),
        cell("Орган 195; ОИО НСО"),
        cell("органы местного самоуправления (по согласованию)"),
    )
    uses = {use.label: use for use in await groups_in_file(session, result)}
    assert (uses["ИОГВ"].group, uses["ИОГВ"].bodies) == ("ИОГВ", 32)
    assert (uses["Главы МО"].group, uses["Главы МО"].bodies) == ("МО", 135)
    assert (uses["ОИО НСО"].group, uses["ОИО НСО"].bodies) == ("ОИО НСО", 5)
    report = await store_import(session, result, actor_id=None, today=date(2025, 5, 1))
    assert report.organizations_created == []
    rows = await parts(session)
    by_measure: dict[int, list[Assignment]] = {}
    for row in rows:
        by_measure.setdefault(row.measure_id, []).append(row)
    first, heads, mixed, local = by_measure.values()
    assert [row.organization_id for row in first] == members["ИОГВ"]
    # The group is the lead executor: each of its bodies leads; the part keeps the group's name.
    assert all(row.is_lead for row in first)
    assert {row.executor_text for row in first} == {"ИОГВ, предоставляющие государственные услуги"}
    assert [row.organization_id for row in heads] == members["МО"]
    assert len(mixed) == 6 and mixed[0].is_lead and not any(row.is_lead for row in mixed[1:])
    assert [row.organization_id for row in local] == members["МО"]
    assert all(row.by_agreement for row in local)
    # No pseudo-body was made for a group.
    names = set(await session.scalars(select(Organization.full_name)))
    assert not names & {"ИОГВ", "Главы МО", "ОИО НСО", OIO_NSO, "Органы местного самоуправления"}


async def test_a_re_import_keeps_the_expansion_without_repeating_parts(session) -> None:
    await directory(session, TOMSK_GROUPS)
    result = plan(cell("ИОГВ"), cell("КИС; МО"))
    await store_import(session, result, actor_id=None, today=date(2025, 5, 1))
    before = [(row.id, row.organization_id) for row in await parts(session)]
    report = await store_import(session, result, actor_id=None, today=date(2025, 5, 2))
    assert [(row.id, row.organization_id) for row in await parts(session)] == before
    assert len(before) == 32 + 1 + 135
    assert report.plans[0].changed == [] and report.plans[0].unchanged == 2


async def test_without_the_group_the_preview_says_so_and_nothing_is_expanded(session) -> None:
    await directory(session, {})
    result = plan(cell("ИОГВ"), cell("ОИО НСО"))
    uses = await groups_in_file(session, result)
    assert [(use.label, use.group, use.bodies) for use in uses] == [
        ("ИОГВ", None, 0),
        ("ОИО НСО", None, 0),
    ]
    await store_import(session, result, actor_id=None, today=date(2025, 5, 1))
    assert len(await parts(session)) == 2  # one executor each, as written


async def test_a_group_defined_later_expands_on_the_next_import(session) -> None:
    members = await directory(session, {"ИОГВ": (0, 32)})
    result = plan(cell("ОИО НСО"))
    await store_import(session, result, actor_id=None, today=date(2025, 5, 1))
    (placeholder,) = await parts(session)
    group = BodyGroup(name="ОИО НСО", name_key="оио нсо")
    session.add(group)
    await session.flush()
    session.add_all(
        BodyGroupMember(group_id=group.id, organization_id=organization_id)
        for organization_id in members["ИОГВ"][:5]
    )
    await session.flush()
    await store_import(session, result, actor_id=None, today=date(2025, 5, 2))
    current = await parts(session)
    assert [row.organization_id for row in current] == members["ИОГВ"][:5]
    assert placeholder.organization_id not in {row.organization_id for row in current}


async def test_novosibirsk_and_omsk_collective_executors_expand_as_expected(session) -> None:
    members = await directory(session, TOMSK_GROUPS)
    novosibirsk = read_plan((PLANS / NOVOSIBIRSK).read_bytes(), NOVOSIBIRSK)
    uses = {use.label: use for use in await groups_in_file(session, novosibirsk)}
    assert (uses["ОИО НСО"].group, uses["ОИО НСО"].bodies) == ("ОИО НСО", 5)
    assert uses["ОИО НСО"].measures == 42
    unresolved = {label for label, use in uses.items() if use.group is None}
    assert unresolved == {
        "Иные муниципальные районы Новосибирской области",
        "Муниципальные и городские округа Новосибирской области",
    }
    omsk = read_plan((PLANS / OMSK).read_bytes(), OMSK)
    assert await groups_in_file(session, omsk) == []

    await store_import(session, novosibirsk, actor_id=None, today=date(2025, 5, 1))
    group_parts = await session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.organization_id.in_(members["ОИО НСО"]))
    )
    # Every measure naming «ОИО НСО» gives each of its five bodies a part.
    assert group_parts == 5 * 42
    names = set(await session.scalars(select(Organization.full_name)))
    assert OIO_NSO not in names


async def test_each_member_body_gets_its_own_reminder(session) -> None:
    members = await directory(session, {"ОИО НСО": (190, 195)})
    people = []
    for index, organization_id in enumerate(members["ОИО НСО"]):
        person = Official(telegram_id=500 + index, first_name=f"Official {index}")
        session.add(person)
        await session.flush()
        session.add(
            Membership(official_id=person.id, role=Role.OFFICIAL, organization_id=organization_id)
        )
        people.append(person)
    await session.flush()
    await store_import(session, plan(cell("ОИО НСО")), actor_id=None, today=date(2025, 5, 1))
    await write_due_reminders(session, now=WEDNESDAY, default_timezone="Europe/Moscow")
    chats = list(await session.scalars(select(Notification.chat_id)))
    assert sorted(chats) == [person.telegram_id for person in people]


async def test_summaries_count_each_body_of_an_expanded_group(session) -> None:
    await directory(session, {"ОИО НСО": (190, 195)})
    report = await store_import(
        session, plan(cell("ОИО НСО"), cell("ИОГВ")), actor_id=None, today=date(2025, 5, 1)
    )
    plan_id = report.plans[0].plan_id
    now = datetime(2025, 5, 30, 9, 0, tzinfo=UTC)
    summary = await plan_summary(
        session,
        Roles(coordinator_plan_ids=frozenset({plan_id})),
        plan_id,
        StatusDates.at(now, "Europe/Moscow"),
    )
    # Five bodies of the group and one unexpanded «ИОГВ».
    assert len(summary.bodies) == 6
    assert all(body.counts[Status.OVERDUE] == 1 for body in summary.bodies)


async def test_assign_on_the_card_offers_the_bodies_of_a_group_typed_by_name(session) -> None:
    members = await directory(session, {"ОИО НСО": (190, 195)})
    report = await store_import(
        session, plan(cell("Орган 190; Орган 191")), actor_id=None, today=date(2025, 5, 1)
    )
    plan_id = report.plans[0].plan_id
    (measure_id,) = set(await session.scalars(select(Assignment.measure_id)))
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    _card, found = await bodies_to_assign(session, roles, measure_id, "оио нсо")
    # The group's bodies that do not answer for the measure yet.
    assert [o.id for o in found] == members["ОИО НСО"][2:]


async def test_the_card_shows_which_group_a_part_came_from(session) -> None:
    members = await directory(session, {"ОИО НСО": (190, 193)})
    await store_import(
        session, plan(cell("Орган 000; ОИО НСО")), actor_id=None, today=date(2025, 5, 1)
    )
    (measure_id,) = set(await session.scalars(select(Assignment.measure_id)))
    card = await load_card(session, measure_id)
    assert card is not None
    groups = {executor.organization_id: executor.group for executor in card.executors}
    assert groups == {
        **dict.fromkeys(members["ОИО НСО"], "ОИО НСО"),
        min(groups): None,
    }
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        lines = [executor_line(executor) for executor in card.executors]
    assert lines[0] == "Орган 000 — головной исполнитель"
    assert lines[1] == "Орган 190 — соисполнитель, в составе группы ОИО НСО"
