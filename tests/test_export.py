"""/export: the plan as a spreadsheet a coordinator forwards upward, opened again with openpyxl."""

from __future__ import annotations

import asyncio
import io
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.access import Roles
from bot.entry.translations import create_i18n
from bot.export import ExportKind, export_file_name, exportable_plans, plan_workbook
from bot.measure_status import StatusDates
from bot.refusals import Refusal, Refused
from handlers.export import ExportAction, ExportButton
from models.engine import create_engine, create_sessionmaker
from models.migrations import upgrade_database
from models.tables import (
    Assignment,
    AssignmentStatus,
    Document,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
    Role,
    Section,
    SectionKind,
)
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_e2e_officials import database_url

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
TODAY = date(2026, 5, 20)
DATES = StatusDates.at(NOW, "Europe/Moscow")
I18N = create_i18n()


def russian(message: str) -> str:
    return I18N.gettext(message, locale="ru")


def english(message: str) -> str:
    return I18N.gettext(message, locale="en")


@dataclass
class ExportPlan:
    plan_id: int
    other_plan_id: int
    coordinator_telegram_id: int
    official_telegram_id: int


def new_measure(plan: Plan, section: Section | None, number: str, title: str, **fields) -> Measure:
    return Measure(
        plan_id=plan.id,
        section_id=section.id if section else None,
        number=number,
        number_key=number,
        sort_key=".".join(part.zfill(5) for part in number.split(".")),
        title=title,
        **fields,
    )


async def make_plan(session, *, coordinator_telegram_id: int = 7001) -> ExportPlan:
    """A plan with a measure in every status: the lead late while a co-executor's report waits,
    a report under review past its deadline, an accepted one with documents after a return,
    no deadline, removed, due soon, later (a body with nobody registered)."""
    plan = Plan(title="Дорожная карта: клиентоцентричность / 2026")
    other = Plan(title="Другой план")
    kis = Organization(
        full_name="Комитет по информатизации и связи",
        name_key="кис",
        short_name="КИС",
        timezone="Asia/Novosibirsk",
    )
    minfin = Organization(full_name="Министерство финансов", name_key="минфин", short_name="Минфин")
    district = Organization(full_name="Администрация Северного района", name_key="север")
    session.add_all([plan, other, kis, minfin, district])
    await session.flush()
    coordinator = Official(
        telegram_id=coordinator_telegram_id, first_name="Анна", full_name="Анна Координаторова"
    )
    official = Official(
        telegram_id=coordinator_telegram_id + 1, first_name="Олег", full_name="Олег Исполнителев"
    )
    session.add_all([coordinator, official])
    await session.flush()
    session.add_all(
        [
            Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id),
            Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=kis.id),
        ]
    )
    first = Section(
        plan_id=plan.id,
        kind=SectionKind.SECTION,
        number="1.",
        title="Организационные мероприятия",
        position=1,
    )
    second = Section(
        plan_id=plan.id,
        kind=SectionKind.SECTION,
        number="2.",
        title="Жизненные ситуации",
        position=2,
    )
    session.add_all([first, second])
    await session.flush()
    late = new_measure(plan, first, "1.1", "Утвержден порядок", deadline=TODAY - timedelta(5))
    waiting = new_measure(plan, first, "1.2", "Проведено обучение", deadline=TODAY - timedelta(2))
    done = new_measure(
        plan,
        first,
        "1.3",
        "Издан приказ об утверждении регламента межведомственного взаимодействия органов",
        deadline=TODAY - timedelta(10),
        done_on=TODAY - timedelta(1),
    )
    no_deadline = new_measure(
        plan, second, "2.1", "Ежеквартальный мониторинг", deadline_text="ежеквартально"
    )
    removed = new_measure(plan, second, "2.2", "Исключено", deadline=TODAY, removed_at=NOW)
    soon = new_measure(
        plan, second, "2.3", "Скоро\x0bс разрывом строки\x07", deadline=TODAY + timedelta(3)
    )
    later = new_measure(plan, second, "2.10", "Позже", deadline=TODAY + timedelta(40))
    elsewhere = new_measure(other, None, "1", "Чужое", deadline=TODAY)
    session.add_all([late, waiting, done, no_deadline, removed, soon, later, elsewhere])
    await session.flush()

    def part(measure, body, status=AssignmentStatus.IN_PROGRESS, lead=True):
        return Assignment(
            measure_id=measure.id, organization_id=body.id, is_lead=lead, status=status
        )

    parts = {
        "late_lead": part(late, kis),
        "late_co": part(late, minfin, AssignmentStatus.SUBMITTED, lead=False),
        "waiting": part(waiting, kis, AssignmentStatus.SUBMITTED),
        "done": part(done, minfin, AssignmentStatus.ACCEPTED),
        "no_deadline": part(no_deadline, kis),
        "removed": part(removed, kis),
        "soon": part(soon, minfin),
        "later": part(later, district),
        "elsewhere": part(elsewhere, minfin),
    }
    session.add_all(parts.values())
    await session.flush()

    def report(key, status, day, **fields):
        return Report(
            assignment_id=parts[key].id,
            author_id=official.id,
            status=status,
            submitted_at=datetime(2026, 5, day, 8, tzinfo=UTC),
            **fields,
        )

    returned = report(
        "done",
        ReportStatus.RETURNED,
        10,
        comment="Приказ без подписи",
        reviewer_id=coordinator.id,
        reviewed_at=datetime(2026, 5, 11, 8, tzinfo=UTC),
        review_reason="Нет подписи руководителя",
    )
    accepted = report(
        "done",
        ReportStatus.ACCEPTED,
        18,
        comment="Приказ № 12 от 15.05.2026",
        reviewer_id=coordinator.id,
        reviewed_at=datetime(2026, 5, 18, 22, tzinfo=UTC),
    )
    submitted = report("waiting", ReportStatus.SUBMITTED, 19, comment="Протокол от 18.05.2026")
    co_submitted = report("late_co", ReportStatus.SUBMITTED, 17)
    session.add_all([returned, accepted, submitted, co_submitted])
    await session.flush()

    def document(report_, name, kind="document"):
        return Document(
            report_id=report_.id,
            telegram_file_id=f"f{name}",
            telegram_file_unique_id=f"u{name}",
            file_name=name,
            kind=kind,
        )

    session.add_all(
        [
            document(returned, "черновик.pdf"),
            document(accepted, "приказ-12.pdf"),
            document(accepted, None, kind="photo"),
            document(submitted, "протокол.docx"),
        ]
    )
    await session.flush()
    return ExportPlan(plan.id, other.id, coordinator_telegram_id, coordinator_telegram_id + 1)


def open_workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def rows_of(sheet) -> list[dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


async def test_every_measure_is_a_row_with_its_status_dates_documents_and_comments(session):
    made = await make_plan(session)
    roles = Roles(coordinator_plan_ids=frozenset({made.plan_id}))

    exported = await plan_workbook(session, roles, made.plan_id, DATES, gettext=russian)

    assert exported.file_name == "Дорожная_карта_клиентоцентричность_2026_2026-05-20.xlsx"
    workbook = open_workbook(exported.content)
    assert workbook.sheetnames == ["Мероприятия", "Органы"]
    sheet = workbook["Мероприятия"]
    rows = {row["№"]: row for row in rows_of(sheet)}
    assert list(rows) == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.10"]
    assert exported.measures == 7

    late = rows["1.1"]
    assert late["Статус"] == "Просрочено"
    assert late["Раздел"] == "1. Организационные мероприятия"
    assert late["Срок"] == datetime(2026, 5, 15)
    assert late["Исполнители (головной первым)"] == "КИС; Минфин"
    assert late["Статус по органам"] == "КИС: Просрочено\nМинфин: На проверке"
    assert late["Отчёт отправлен"] == datetime(2026, 5, 17)

    waiting = rows["1.2"]
    assert waiting["Статус"] == "На проверке"
    assert waiting["Документы"] == "протокол.docx"
    assert waiting["Комментарий к отчёту (реквизиты документов)"] == "Протокол от 18.05.2026"

    done = rows["1.3"]
    assert done["Статус"] == "Выполнено"
    # Accepted on 18 May 22:00 UTC: 19 May in Moscow, the plan's (default) zone.
    assert done["Принято"] == datetime(2026, 5, 19)
    assert done["Кем принято"] == "Анна Координаторова"
    assert done["Документы"] == "приказ-12.pdf\nфото"
    assert done["Комментарий к отчёту (реквизиты документов)"] == "Приказ № 12 от 15.05.2026"
    assert done["Последний комментарий проверяющего"] == "Нет подписи руководителя"

    assert rows["2.1"]["Статус"] == "Без срока"
    assert rows["2.1"]["Срок"] == "ежеквартально"
    assert rows["2.2"]["Статус"] == "Исключено из плана"
    assert rows["2.3"]["Статус"] == "Срок в ближайшие 7 дней"
    # Word's line break is a new line; other control characters cannot be in a cell.
    assert rows["2.3"]["Мероприятие"] == "Скоро\nс разрывом строки"
    assert rows["2.10"]["Статус"] == "В работе"
    assert rows["2.10"]["Исполнители (головной первым)"] == "Администрация Северного района"


async def test_the_sheet_is_ready_to_read_frozen_header_filter_real_dates_red_overdue(session):
    made = await make_plan(session)
    roles = Roles(is_admin=True)

    exported = await plan_workbook(session, roles, made.plan_id, DATES, gettext=russian)

    sheet = open_workbook(exported.content)["Мероприятия"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N8"
    assert sheet.column_dimensions["C"].width >= 40
    deadline = sheet["D2"]
    assert deadline.is_date and deadline.number_format == "DD.MM.YYYY"
    # A title longer than its column wraps; a short one stays on its line.
    assert sheet["C4"].alignment.wrap_text and not sheet["C2"].alignment.wrap_text
    fills = {sheet.cell(row, 1).value: sheet.cell(row, 1).fill.fgColor.rgb for row in range(2, 9)}
    red = fills.pop("1.1")
    assert red.endswith("F4CCCC")
    assert all(color != red for color in fills.values())


async def test_the_bodies_sheet_counts_parts_by_status_and_who_is_registered(session):
    made = await make_plan(session)
    roles = Roles(coordinator_plan_ids=frozenset({made.plan_id}))

    exported = await plan_workbook(session, roles, made.plan_id, DATES, gettext=russian)

    bodies = rows_of(open_workbook(exported.content)["Органы"])
    assert [body["Орган"] for body in bodies] == [
        "КИС",
        "Администрация Северного района",
        "Минфин",
    ]
    kis, district, minfin = bodies
    assert kis["Мероприятия"] == 4
    assert (kis["Просрочено"], kis["На проверке"], kis["Без срока"]) == (1, 1, 1)
    assert kis["Исключено из плана"] == 1
    assert kis["Зарегистрировано человек"] == 1
    assert district["В работе"] == 1 and district["Зарегистрировано человек"] == 0
    # The other plan's measure is not counted.
    assert minfin["Мероприятия"] == 3
    assert (minfin["На проверке"], minfin["Выполнено"], minfin["Срок в ближайшие 7 дней"]) == (
        1,
        1,
        1,
    )


async def test_headers_follow_the_persons_language(session):
    made = await make_plan(session)
    roles = Roles(is_admin=True)

    exported = await plan_workbook(session, roles, made.plan_id, DATES, gettext=english)

    workbook = open_workbook(exported.content)
    assert workbook.sheetnames == ["Measures", "Bodies"]
    row = rows_of(workbook["Measures"])[0]
    assert row["Status"] == "Overdue" and row["No."] == "1.1"


async def test_only_the_plans_coordinator_or_an_administrator_gets_the_file(session):
    made = await make_plan(session)
    official = Roles(official_organization_ids=frozenset({1}))
    other_coordinator = Roles(coordinator_plan_ids=frozenset({made.other_plan_id}))

    with pytest.raises(Refused) as refused:
        await plan_workbook(session, official, made.plan_id, DATES)
    assert refused.value.refusal is Refusal.COORDINATORS_ONLY
    with pytest.raises(Refused) as refused:
        await plan_workbook(session, other_coordinator, made.plan_id, DATES)
    assert refused.value.refusal is Refusal.NOT_AVAILABLE
    with pytest.raises(Refused) as refused:
        await plan_workbook(session, Roles(is_admin=True), 999_999, DATES)
    assert refused.value.refusal is Refusal.NOT_AVAILABLE


async def test_a_head_of_a_body_gets_the_measures_of_their_body_only(session):
    made = await make_plan(session)
    kis, district = [
        await session.scalar(select(Organization.id).where(Organization.name_key == key))
        for key in ("кис", "север")
    ]
    head = Roles(head_organization_ids=frozenset({kis}))

    exported = await plan_workbook(session, head, made.plan_id, DATES, gettext=russian)

    workbook = open_workbook(exported.content)
    numbers = [row["№"] for row in rows_of(workbook["Мероприятия"])]
    assert numbers == ["1.1", "1.2", "2.1", "2.2"]
    assert [body["Орган"] for body in rows_of(workbook["Органы"])] == ["КИС"]
    # Not a body of theirs in the other plan: refused like an unknown plan.
    with pytest.raises(Refused) as refused:
        await plan_workbook(session, head, made.other_plan_id, DATES)
    assert refused.value.refusal is Refusal.NOT_AVAILABLE
    plans = await exportable_plans(session, Roles(head_organization_ids=frozenset({district})))
    assert [plan.plan_id for plan in plans] == [made.plan_id]


def test_the_file_name_keeps_letters_and_digits_of_the_title():
    assert export_file_name("План «Цифра» 2026/27", date(2026, 5, 20)) == (
        "План_Цифра_2026_27_2026-05-20.xlsx"
    )
    assert export_file_name("///", date(2026, 5, 20)) == "plan_2026-05-20.xlsx"


# --- In the chat ------------------------------------------------------------------------------


async def test_a_coordinator_sends_export_and_gets_a_spreadsheet_that_opens(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        made = await make_plan(session)
    coordinator = running_bot.emulator.user(made.coordinator_telegram_id, first_name="Анна")

    coordinator.send_command("/export")
    sent = await coordinator.wait_for_message(lambda m: m.file is not None, timeout=30)

    assert sent.method == "sendDocument"
    assert sent.file.file_name.endswith(".xlsx")
    assert sent.file.file_name.startswith("Дорожная_карта_клиентоцентричность_2026_")
    assert sent.caption == "План в виде таблицы: мероприятий — 7."
    rows = rows_of(open_workbook(sent.file.content)["Мероприятия"])
    assert [row["№"] for row in rows] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.10"]
    assert rows[0]["Исполнители (головной первым)"] == "КИС; Минфин"


async def test_a_coordinator_of_two_plans_chooses_one_by_button(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        made = await make_plan(session)
        coordinator_id = await session.scalar(
            select(Official.id).where(Official.telegram_id == made.coordinator_telegram_id)
        )
        session.add(
            Membership(
                official_id=coordinator_id, role=Role.COORDINATOR, plan_id=made.other_plan_id
            )
        )
    coordinator = running_bot.emulator.user(made.coordinator_telegram_id, first_name="Анна")

    coordinator.send_command("/export")
    choice = await coordinator.wait_for_message("Какой план выгрузить?")
    assert running_bot.emulator.button_texts(choice) == [
        ["Дорожная карта: клиентоцентричность / 2026"],
        ["Другой план"],
    ]
    coordinator.press(choice, text="Другой план")
    sent = await coordinator.wait_for_message(lambda m: m.file is not None, timeout=30)
    rows = rows_of(open_workbook(sent.file.content)["Мероприятия"])
    assert [row["№"] for row in rows] == ["1"]

    # Words of the title choose at once.
    coordinator.send_command("/export", "клиентоцентричность")
    sent = await coordinator.wait_for_message(lambda m: m.file is not None, timeout=30)
    assert sent.caption == "План в виде таблицы: мероприятий — 7."


async def test_an_official_is_told_export_is_for_coordinators(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        made = await make_plan(session)
    official = running_bot.emulator.user(made.official_telegram_id, first_name="Олег")

    official.send_command("/export")
    answer = await official.wait_for_message()

    assert answer.text == "Эта команда доступна координаторам."
    assert answer.file is None


# --- From the command line --------------------------------------------------------------------


async def run_export_cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "export",
        *args,
        cwd=env["DATA_DIR"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 90)
    return process.returncode, stdout.decode(), stderr.decode()


async def test_the_operator_writes_the_spreadsheet_from_the_command_line(bot_process_env, tmp_path):
    env = bot_process_env
    url = database_url(env)
    await upgrade_database(url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        await make_plan(session)
        session.add(Plan(title="Другой план 2027"))
    await engine.dispose()
    out = tmp_path / "карта.xlsx"

    code, stdout, stderr = await run_export_cli(env, "--plan", "дорожная карта", "--out", str(out))
    assert code == 0, stderr
    assert stdout.strip().splitlines()[-1] == str(out.resolve())
    rows = rows_of(load_workbook(out)["Мероприятия"])
    assert [row["№"] for row in rows] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.10"]

    code, stdout, stderr = await run_export_cli(
        env, "--plan", "другой", "--out", str(tmp_path / "x.xlsx"), "--lang", "en"
    )
    assert code == 2
    assert "matches several plans" in stderr
    assert "  - Другой план\n" in stderr and "  - Другой план 2027" in stderr
    assert "Traceback" not in stderr

    code, stdout, stderr = await run_export_cli(
        env, "--plan", "Другой план 2027", "--out", str(tmp_path / "en.xlsx"), "--lang", "en"
    )
    assert code == 0, stderr
    assert load_workbook(tmp_path / "en.xlsx").sheetnames == ["Measures", "Bodies"]

    code, stdout, stderr = await run_export_cli(env, "--plan", "нет такого", "--out", str(out))
    assert code == 1
    assert stderr.startswith("error: no plan matches «нет такого»")


async def test_a_forged_button_for_someone_elses_plan_sends_no_file(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        made = await make_plan(session)
    coordinator = running_bot.emulator.user(made.coordinator_telegram_id, first_name="Анна")
    coordinator.send_command("/help")
    carrier = await coordinator.wait_for_message("Что можно сделать")
    forged = ExportButton(action=ExportAction.PLAN, kind=ExportKind.TABLE, value=made.other_plan_id)

    running_bot.emulator.inject_update(
        {
            "callback_query": {
                "id": "forged-export",
                "from": coordinator.user_dict,
                "chat_instance": "1",
                "message": carrier.payload,
                "data": forged.pack(),
            }
        }
    )
    answer = await coordinator.wait_for_message()

    assert answer.text == "Это вам недоступно."
    assert all(message.file is None for message in coordinator.messages)


async def test_an_administrator_pages_through_many_plans(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        session.add_all([Plan(title=f"План района {number:02d}") for number in range(1, 13)])
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")

    admin.send_command("/export")
    choice = await admin.wait_for_message("Какой план выгрузить?")
    buttons = running_bot.emulator.button_texts(choice)
    assert buttons[0] == ["План района 01"] and buttons[-1] == ["›"]
    assert len(buttons) == 11
    admin.press(choice, text="›")
    second = await admin.wait_for_edit(choice)
    assert second.text == "Какой план выгрузить? (страница 2 из 2)"
    assert running_bot.emulator.button_texts(second) == [
        ["План района 11"],
        ["План района 12"],
        ["‹"],
    ]
    admin.press(second, text="План района 12")
    sent = await admin.wait_for_message(lambda m: m.file is not None, timeout=30)
    assert sent.file.file_name.startswith("План_района_12_")
