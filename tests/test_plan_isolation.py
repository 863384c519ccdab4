"""Plan isolation: a coordinator reaches measures, reports, documents and people only through the
plans they coordinate. The chain a security read reproduced — coordinator Anna (plan A only)
assigns plan B's body to her measure, invites herself as its official, reads and answers plan
B's reports, deactivates plan B's official — yields nothing of plan B."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from bot.access import RoleGrant, roles_from_grants
from bot.entry.translations import create_i18n
from bot.plan_import.body_directory import name_differences, name_key
from bot.plan_import.importing import import_for
from bot.plan_import.model import ImportResult, ParsedExecutor, ParsedMeasure, ParsedPlan
from bot.presentation.report_keyboards import (
    OpenReport,
    ReportFiles,
    ReportStart,
    ReviewAction,
    ReviewReport,
)
from bot.timezones import RussianZone
from handlers.card_actions import AssignBody
from handlers.invite import InviteBody, InviteRole
from handlers.officials import Deactivate
from handlers.plan_import_texts import render_changes
from handlers.timezones import BodyZone
from models.tables import (
    Assignment,
    Document,
    Invitation,
    Membership,
    Official,
    Organization,
    Report,
    ReportStatus,
    Role,
)
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import (
    COORDINATOR_A,
    OFFICIAL_AB,
    OFFICIAL_B,
    World,
    make_world,
    press_forged,
    rows,
    settled,
    today,
    user,
)

SHARED = (
    "This body also answers for plans you do not coordinate: its people and its settings are "
    "managed by an administrator."
)
NOT_AVAILABLE = "This is not available to you."
REPORT_COMMENT = "Секретный отчёт плана Б"


@dataclass
class Isolated:
    world: World
    report: int  # Tamara's report on plan B's measure, under review, with a document
    tamara: int  # official of «Комитет по туризму» (plan B)


async def add_plan_b_report(sessionmaker, world: World) -> Isolated:
    async with sessionmaker() as session, session.begin():
        tamara = await session.scalar(select(Official).where(Official.telegram_id == OFFICIAL_B))
        assignment = await session.scalar(
            select(Assignment).where(Assignment.measure_id == world.foreign)
        )
        report = Report(assignment_id=assignment.id, author_id=tamara.id, comment=REPORT_COMMENT)
        session.add(report)
        await session.flush()
        session.add(
            Document(
                report_id=report.id,
                telegram_file_id="plan-b-file",
                telegram_file_unique_id="plan-b-unique",
                file_name="план_б_протокол.pdf",
            )
        )
        return Isolated(world, report.id, tamara.id)


@pytest.fixture
async def isolated(running_bot) -> Isolated:
    world = await make_world(running_bot.sessionmaker, today(running_bot))
    return await add_plan_b_report(running_bot.sessionmaker, world)


async def share_tourism_with_plan_a(running_bot, world: World, *, by_chat: bool) -> None:
    """Plan B's body «Комитет по туризму» now also answers for Anna's measure 2. of plan A."""
    if by_chat:
        anna = user(running_bot, COORDINATOR_A)
        data = AssignBody(measure_id=world.reengineering, organization_id=world.tourism).pack()
        answer = await press_forged(running_bot, anna, data)
        assert answer.text in (None, ""), answer.text  # assigning a shared body is allowed
        await settled(anna)
    else:
        async with running_bot.sessionmaker() as session, session.begin():
            session.add(Assignment(measure_id=world.reengineering, organization_id=world.tourism))
    [assignment] = await rows(
        running_bot,
        Assignment,
        Assignment.measure_id == world.reengineering,
        Assignment.organization_id == world.tourism,
    )
    assert assignment.valid_until is None


@pytest.mark.parametrize("by_chat", [True, False], ids=["assigned-by-her", "shared-already"])
async def test_a_shared_body_gives_a_coordinator_nothing_of_the_other_plan(
    running_bot, isolated, by_chat
):
    world = isolated.world
    await share_tourism_with_plan_a(running_bot, world, by_chat=by_chat)
    anna = user(running_bot, COORDINATOR_A)

    # She cannot invite anyone, herself included, as the shared body's official or head …
    for data in (
        InviteBody(organization_id=world.tourism),
        InviteRole(organization_id=world.tourism, role="official"),
        InviteRole(organization_id=world.tourism, role="head"),
    ):
        answer = await press_forged(running_bot, anna, data.pack())
        assert answer.text == SHARED, data
    assert await rows(running_bot, Invitation) == []
    anna.send_command("/invite")
    bodies = await anna.wait_for_message()
    assert "Комитет по туризму" not in str(bodies.button_texts()) + bodies.text

    # … nor read, fetch or decide plan B's report, nor report on plan B's measure …
    for data in (
        OpenReport(report_id=isolated.report),
        ReportFiles(report_id=isolated.report),
        ReviewReport(action=ReviewAction.ACCEPT_CONFIRMED, report_id=isolated.report),
        ReviewReport(action=ReviewAction.RETURN, report_id=isolated.report),
        ReportStart(measure_id=world.foreign),
    ):
        answer = await press_forged(running_bot, anna, data.pack())
        assert answer.text in (NOT_AVAILABLE, "This measure is not available to you."), data
    await settled(anna)
    shown = " ".join(m.text or "" for m in running_bot.emulator.messages(anna.chat_id))
    assert REPORT_COMMENT not in shown and "план_б" not in shown and "Чужое" not in shown
    [report] = await rows(running_bot, Report)
    assert report.status is ReportStatus.SUBMITTED

    # … nor deactivate plan B's official of that body, nor change the body's time zone.
    for data in (
        Deactivate(official_id=isolated.tamara),
        Deactivate(official_id=isolated.tamara, confirm=True),
        BodyZone(organization_id=world.tourism, zone=next(iter(RussianZone))),
    ):
        answer = await press_forged(running_bot, anna, data.pack())
        assert answer.text == SHARED, data
    await settled(anna)
    tamara_roles = await rows(
        running_bot, Membership, Membership.official_id == isolated.tamara, Membership.is_active
    )
    assert len(tamara_roles) == 1


async def test_deactivating_a_person_ends_only_the_roles_of_the_coordinators_plans(
    running_bot, isolated
):
    """Двоих Двойной heads «Минтруд» (plan A only) and is an official of «Комитет по туризму»
    (shared with plan B): Anna ends the first; the second stays."""
    world = isolated.world
    await share_tourism_with_plan_a(running_bot, world, by_chat=False)
    async with running_bot.sessionmaker() as session:
        both = await session.scalar(select(Official.id).where(Official.telegram_id == OFFICIAL_AB))
    anna = user(running_bot, COORDINATOR_A)
    answer = await press_forged(running_bot, anna, Deactivate(official_id=both).pack())
    assert answer.text in (None, "")
    await settled(anna)
    [question] = [
        m
        for m in running_bot.emulator.messages(anna.chat_id)
        if (m.text or "").startswith("Deactivate")
    ]
    assert "Министерство труда" in question.text and "туризму" not in question.text
    anna.press(question, text="Yes, deactivate")
    await anna.wait_for_edit(question, "no longer answers for", min_edits=2)
    await settled(anna)
    active = await rows(
        running_bot, Membership, Membership.official_id == both, Membership.is_active
    )
    assert [(m.role.value, m.organization_id) for m in active] == [("official", world.tourism)]


async def test_the_people_list_offers_no_deactivation_for_shared_bodies_only(running_bot, isolated):
    await share_tourism_with_plan_a(running_bot, isolated.world, by_chat=False)
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/officials")
    listed = await anna.wait_for_message("People registered")
    # Tamara serves Anna's measure now (she is listed) but only through the shared body.
    assert "Тамара Туристова" in listed.text
    assert "an administrator decides" in listed.text
    buttons = listed.flat_button_texts()
    assert "Deactivate: Тамара Туристова" not in buttons
    assert "Deactivate: Олег Трудов" in buttons and "Deactivate: Двоих Двойной" in buttons


async def test_an_administrator_manages_the_shared_body(running_bot, isolated):
    world = isolated.world
    await share_tourism_with_plan_a(running_bot, world, by_chat=False)
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    answer = await press_forged(
        running_bot, admin, InviteBody(organization_id=world.tourism).pack()
    )
    assert answer.text in (None, "")
    answer = await press_forged(running_bot, admin, OpenReport(report_id=isolated.report).pack())
    assert answer.text in (None, "")
    await settled(admin)
    shown = " ".join(m.text or "" for m in running_bot.emulator.messages(admin.chat_id))
    assert "Invite to «Комитет по туризму» as:" in shown
    assert REPORT_COMMENT in shown


# --- The directory of bodies is an administrator's ----------------------------------------------


def plan_naming(title: str, name: str, short: str | None) -> ImportResult:
    measure = ParsedMeasure(
        number="1.",
        title="Мероприятие",
        deadline=date(2026, 5, 31),
        deadline_text="31.05.2026",
        executors=[ParsedExecutor(name=name, short_name=short, lead=True)],
        location="line 1",
    )
    return ImportResult(
        plans=[ParsedPlan(title=title, sections=[], measures=[measure])],
        warnings=[],
        source_format="text-cells",
    )


def english(report) -> str:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("en"):
        return "\n".join(render_changes(report))


async def stored_bodies(session) -> list[tuple[str, str | None]]:
    found = await session.scalars(select(Organization).order_by(Organization.id))
    return [(o.full_name, o.short_name) for o in found]


async def test_a_coordinators_import_keeps_the_stored_names_and_says_which_differ(session):
    kis, short_less = "Комитет по информатизации и связи", "Комитет по туризму"
    session.add_all(
        [
            Organization(full_name=kis, name_key=name_key(kis), short_name="КИС"),
            Organization(full_name=short_less, name_key=name_key(short_less)),
        ]
    )
    coordinator = Official(telegram_id=7001, first_name="Анна")
    session.add(coordinator)
    await session.flush()
    # What a preview would say, before anything is saved.
    [ahead] = await name_differences(session, plan_naming("План А", kis, "КИиС"))
    assert (ahead.stored_short, ahead.in_file_short, ahead.applied) == ("КИС", "КИиС", False)
    roles = roles_from_grants([RoleGrant(Role.COORDINATOR, plan_id=999)], is_listed_admin=False)
    for title, name, short in (
        ("План А", kis, "КИиС"),  # another abbreviation of a stored body
        ("План Б", short_less, "КТ"),  # an abbreviation the stored body has not
    ):
        report = await import_for(
            session,
            plan_naming(title, name, short),
            importer_id=coordinator.id,
            roles=roles,
            file_name="plan.txt",
            content=title.encode(),
        )
        [difference] = report.name_differences
        assert (difference.stored, difference.in_file_short) == (name, short)
        assert difference.applied is False
        text = english(report)
        assert "the stored names are kept (an administrator decides)" in text
        assert f"in the file «{name} ({short})»" in text
    assert await stored_bodies(session) == [(kis, "КИС"), (short_less, None)]
    # The new plans are hers.
    plans = await session.scalars(
        select(Membership.plan_id).where(
            Membership.official_id == coordinator.id, Membership.role == Role.COORDINATOR
        )
    )
    assert len(list(plans)) == 2

    admin = roles_from_grants([], is_listed_admin=True)
    report = await import_for(
        session,
        plan_naming("План А", kis, "КИиС"),
        importer_id=None,
        roles=admin,
        file_name="plan.txt",
        content=b"again",
    )
    assert [d.applied for d in report.name_differences] == [True]
    assert "Short names of stored bodies changed by the file: 1." in english(report)
    assert (await stored_bodies(session))[0] == (kis, "КИиС")
