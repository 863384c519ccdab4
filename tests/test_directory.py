"""The directory of bodies: a list of 200 bodies in 3 groups imported from .xlsx and .csv,
previewed, saved, exported and imported back unchanged; renamings keep former names."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.access import Roles
from bot.directory.changes import plan_changes, save_changes
from bot.directory.editing import match_to_directory
from bot.directory.listing import Vocabulary, read_listing
from bot.directory.workbook import directory_workbook
from bot.entry.translations import create_i18n
from bot.plan_import.body_directory import OrganizationDirectory, name_key
from bot.plan_import.model import ParsedExecutor
from bot.refusals import Refused
from models.tables import (
    Assignment,
    BodyGroup,
    BodyGroupMember,
    BodyKind,
    Measure,
    Organization,
    OrganizationName,
    Plan,
    Role,
)
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_conversations import register

HEADER = [
    "Полное наименование",
    "Краткое наименование",
    "Вид",
    "Группы",
    "Часовой пояс",
    "Вышестоящий орган",
    "Руководитель",
]

I18N = create_i18n()


def ru(message: str) -> str:
    return I18N.gettext(message, locale="ru")


def en(message: str) -> str:
    return I18N.gettext(message, locale="en")


VOCABULARY = Vocabulary([ru, en])
ADMIN = Roles(is_admin=True)


def directory_rows(count: int = 200) -> list[list[str]]:
    """`count` bodies: a third executive bodies («ИОГВ»), the rest municipalities («МО»), whose
    heads form «Главы МО»; the first ministry is the parent of the next two."""
    rows = []
    for number in range(1, count + 1):
        if number % 3 == 1:
            full = f"Министерство № {number} Томской области"
            rows.append(
                [
                    full,
                    f"Мин{number}",
                    "орган исполнительной власти",
                    "ИОГВ",
                    "Новосибирск" if number % 2 else "Asia/Tomsk",
                    "",
                    f"Иванов И.И. {number}",
                ]
            )
        else:
            full = f"Администрация муниципального образования № {number}"
            rows.append(
                [
                    full,
                    f"МО{number}",
                    "муниципальное образование",
                    "МО; Главы МО",
                    "Asia/Novosibirsk",
                    "",
                    "",
                ]
            )
    rows[1][5] = rows[0][0]
    rows[2][5] = rows[0][1]  # by its short name
    return rows


def as_xlsx(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Справочник органов власти Томской области"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp1251")


@pytest.mark.parametrize("form", ["xlsx", "csv"])
async def test_a_directory_of_200_bodies_is_previewed_then_saved(session, form):
    rows = directory_rows()
    rows.append(["", "Пусто", "", "", "", "", ""])
    rows.append(["Комитет по делам архивов", "", "ведомство", "", "", "", ""])
    rows.append(["Комитет по туризму", "", "", "", "Атлантида", "", ""])
    content = as_xlsx(rows) if form == "xlsx" else as_csv(rows)
    listing = read_listing(content, f"orgs.{form}", VOCABULARY)
    assert len(listing.entries) == 200

    preview = await plan_changes(session, listing)
    assert (len(preview.new), len(preview.changed), preview.unchanged) == (200, 0, 0)
    assert sorted(preview.new_groups) == ["Главы МО", "ИОГВ", "МО"]
    assert [item.problem.value for item in preview.unreadable] == [
        "no_name",
        "bad_kind",
        "bad_zone",
    ]
    assert await session.scalar(select(func.count()).select_from(Organization)) == 0

    await save_changes(session, listing, roles=ADMIN, actor_id=None)
    bodies = {b.full_name: b for b in await session.scalars(select(Organization))}
    assert len(bodies) == 200 and all(body.in_directory for body in bodies.values())
    minister = bodies["Министерство № 1 Томской области"]
    assert (minister.kind, minister.timezone, minister.head_name) == (
        BodyKind.EXECUTIVE,
        "Asia/Novosibirsk",
        "Иванов И.И. 1",
    )
    assert bodies["Администрация муниципального образования № 2"].parent_id == minister.id
    assert bodies["Администрация муниципального образования № 3"].parent_id == minister.id
    rows = await session.execute(
        select(BodyGroup.name, func.count().label("members"))
        .join(BodyGroupMember, BodyGroupMember.group_id == BodyGroup.id)
        .group_by(BodyGroup.name)
    )
    sizes = {row.name: row.members for row in rows}
    assert sizes == {"ИОГВ": 67, "МО": 133, "Главы МО": 133}

    again = await plan_changes(session, listing)
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 200)


async def test_the_export_imports_back_unchanged(session):
    listing = read_listing(as_xlsx(directory_rows()), "orgs.xlsx", VOCABULARY)
    await save_changes(session, listing, roles=ADMIN, actor_id=None)

    exported = await directory_workbook(session, ru)
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert len(rows) == 201
    minister = next(row for row in rows if row[0] == "Министерство № 1 Томской области")
    assert minister[2:5] == ["орган исполнительной власти", "ИОГВ", "Новосибирск"]

    back = await plan_changes(session, read_listing(exported, "export.xlsx", VOCABULARY))
    assert (len(back.new), len(back.changed), back.unchanged, back.unreadable) == (0, 0, 200, [])


async def test_a_renaming_keeps_the_former_name_for_plans(session):
    rows = directory_rows(6)
    await save_changes(
        session, read_listing(as_xlsx(rows), "a.xlsx", VOCABULARY), roles=ADMIN, actor_id=None
    )
    rows[0][0] = "Министерство цифрового развития Томской области"
    rows[1][5] = rows[0][0]
    listing = read_listing(as_xlsx(rows), "b.xlsx", VOCABULARY)
    preview = await plan_changes(session, listing)
    assert [(c.old_name, c.changed) for c in preview.changed] == [
        ("Министерство № 1 Томской области", ("full_name",))
    ]
    await save_changes(session, listing, roles=ADMIN, actor_id=None)
    former = await session.scalar(select(OrganizationName.name))
    assert former == "Министерство № 1 Томской области"

    # A plan that still writes the old name finds the renamed body.
    directory = OrganizationDirectory(session)
    await directory.load()
    found = directory.find(ParsedExecutor(name="Министерство № 1 томской области"))
    assert found is not None and found.full_name == rows[0][0]


async def test_only_an_administrator_changes_the_directory(session):
    listing = read_listing(as_xlsx(directory_rows(3)), "a.xlsx", VOCABULARY)
    with pytest.raises(Refused):
        await save_changes(
            session, listing, roles=Roles(coordinator_plan_ids=frozenset({1})), actor_id=None
        )


async def run_cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "orgs",
        *args,
        cwd=env["DATA_DIR"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, stdout.decode(), stderr.decode()


async def test_the_command_line_previews_saves_and_exports(bot_process_env, tmp_path):
    env = bot_process_env
    source = tmp_path / "orgs.csv"
    source.write_bytes(as_csv(directory_rows(30)))

    code, out, err = await run_cli(env, "import", str(source), "--dry-run", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (len(result["new"]), result["saved"], sorted(result["new_groups"])) == (
        30,
        False,
        ["Главы МО", "ИОГВ", "МО"],
    )

    code, out, err = await run_cli(env, "import", str(source), "--dry-run")
    assert code == 0, err
    assert "новых: 30, изменённых: 0, без изменений: 0, не распознано строк: 0." in out
    assert "Пробный запуск: ничего не сохранено." in out

    code, out, err = await run_cli(env, "import", str(source), "--lang", "en")
    assert code == 0, err
    assert "new: 30, changed: 0, unchanged: 0, not read: 0." in out
    assert "Saved." in out

    exported = tmp_path / "out.xlsx"
    code, out, err = await run_cli(env, "export", "--out", str(exported))
    assert code == 0, err
    assert load_workbook(exported).active.max_row == 31

    code, out, err = await run_cli(env, "import", str(exported), "--json")
    assert code == 0, err
    assert json.loads(out)["unchanged"] == 30

    plan = tmp_path / "plan.txt"
    plan.write_text("1. Просто текст без таблицы\n", encoding="utf-8")
    code, out, err = await run_cli(env, "import", str(plan))
    assert code == 1 and err


# --- In the chat --------------------------------------------------------------------------------


async def test_an_administrator_loads_the_directory_in_the_chat_and_exports_it(running_bot):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    admin.send_command("/orgs", args="import")
    await admin.wait_for_message("Полное наименование")
    admin.send_document("orgs.xlsx", as_xlsx(directory_rows()))
    preview = await admin.wait_for_message("Справочник органов")
    assert "новых: 200, изменённых: 0, без изменений: 0" in preview.text
    assert "… и ещё 192" in preview.text
    async with running_bot.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Organization)) == 0

    admin.press(preview, text="Сохранить справочник")
    await admin.wait_for_edit(preview, lambda m: "Сохранено" in (m.text or ""))
    async with running_bot.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Organization)) == 200

    admin.send_command("/orgs", args="export")
    exported = await admin.wait_for_message(lambda m: m.document is not None)
    assert exported.file is not None
    rows = list(load_workbook(io.BytesIO(exported.file.content)).active.iter_rows(values_only=True))
    assert len(rows) == 201 and list(rows[0]) == HEADER

    # The same file again changes nothing.
    admin.send_command("/orgs", args="import")
    await admin.wait_for_message("Полное наименование")
    admin.send_document("orgs.xlsx", exported.file.content)
    again = await admin.wait_for_message("Справочник органов")
    assert "без изменений: 200" in again.text and "Сохранять нечего" in again.text


async def test_a_coordinator_may_export_but_not_import(running_bot):
    coordinator = await register_coordinator(running_bot)
    coordinator.send_command("/orgs", args="import")
    assert "администратор" in (await coordinator.wait_for_message()).text
    coordinator.send_command("/orgs", args="export")
    assert (await coordinator.wait_for_message(lambda m: m.document is not None)).document


async def plan_with_bodies(sessionmaker) -> tuple[int, int]:
    async with sessionmaker() as session, session.begin():
        return await plan_with_bodies_in(session)


async def plan_with_bodies_in(session) -> tuple[int, int]:
    """A plan whose measure names «Минтуризм» (not in the directory) beside a directory body."""
    plan = Plan(title="План Томской области")
    session.add(plan)
    await session.flush()
    measure = Measure(
        plan_id=plan.id, number="1", number_key="1", sort_key="1", title="Провести обучение"
    )
    plain = Organization(full_name="Минтуризм", name_key=name_key("Минтуризм"))
    listed = Organization(
        full_name="Министерство туризма Томской области",
        name_key=name_key("Министерство туризма Томской области"),
        short_name="Минтуризм ТО",
        in_directory=True,
        kind=BodyKind.EXECUTIVE,
    )
    session.add_all([measure, plain, listed])
    await session.flush()
    session.add(Assignment(measure_id=measure.id, organization_id=plain.id))
    return plain.id, listed.id


async def register_coordinator(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        plan = Plan(title="План координатора")
        session.add(plan)
        await session.flush()
        plan_id = plan.id
    await register(running_bot.sessionmaker, 5001, "Ирина", Role.COORDINATOR, plan_id=plan_id)
    return running_bot.emulator.user(5001, first_name="Ирина")


async def test_a_body_only_a_plan_named_is_matched_to_the_directory(running_bot):
    plain_id, listed_id = await plan_with_bodies(running_bot.sessionmaker)
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    admin.send_command("/orgs", args="unmatched")
    listing = await admin.wait_for_message("отсутствующие в справочнике")
    assert "Минтуризм" in listing.text
    admin.press(listing, text="Минтуризм")
    card = await admin.wait_for_edit(listing, lambda m: "Сопоставить" in str(m.payload))
    admin.press(card, text="Сопоставить с органом из справочника")
    await admin.wait_for_edit(card, lambda m: "Введите несколько слов" in (m.text or ""))
    admin.send_text("туризма томской")
    choice = await admin.wait_for_message("Какому органу")
    admin.press(choice, text="Министерство туризма Томской области")
    done = await admin.wait_for_edit(choice, lambda m: "Сопоставление выполнено" in (m.text or ""))
    assert "«Минтуризм» → «Министерство туризма Томской области»" in done.text

    async with running_bot.sessionmaker() as session:
        assert await session.get(Organization, plain_id) is None
        assignment = await session.scalar(select(Assignment))
        assert assignment is not None and assignment.organization_id == listed_id
        former = await session.scalar(select(OrganizationName.name))
        assert former == "Минтуризм"

    admin.send_command("/orgs", args="unmatched")
    assert "Все органы" in (await admin.wait_for_message("справочник")).text


async def test_a_body_is_added_renamed_and_regrouped_from_its_card(running_bot):
    plain_id, _listed_id = await plan_with_bodies(running_bot.sessionmaker)
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    admin.send_command("/orgs", args="unmatched")
    listing = await admin.wait_for_message("отсутствующие в справочнике")
    admin.press(listing, text="Минтуризм")
    card = await admin.wait_for_edit(listing, lambda m: "Внести" in str(m.payload))
    admin.press(card, text="Внести в справочник")
    await admin.wait_for_edit(card, lambda m: "внесены в справочник" in (m.text or ""))

    admin.send_command("/orgs")
    bodies = await admin.wait_for_message(lambda m: "Минтуризм" in str(m.payload))
    admin.press(bodies, text="Минтуризм")
    body_card = await admin.wait_for_message(lambda m: "Изменить" in str(m.payload))
    admin.press(body_card, text="Изменить")
    menu = await admin.wait_for_message("Изменение сведений")
    admin.press(menu, text="Полное наименование")
    await admin.wait_for_edit(menu, lambda m: "новое полное наименование" in (m.text or ""))
    admin.send_text("Министерство туризма и спорта Томской области")
    renamed = await admin.wait_for_message("Сохранено")
    assert "Министерство туризма и спорта Томской области" in renamed.text
    admin.press(renamed, text="Группы")
    await admin.wait_for_edit(renamed, lambda m: "через «;»" in (m.text or ""))
    admin.send_text("ИОГВ; ОИО ТО")
    regrouped = await admin.wait_for_message("Группы: ИОГВ; ОИО ТО")
    admin.press(regrouped, text="Вид")
    kinds = await admin.wait_for_edit(regrouped, lambda m: "Выберите вид" in (m.text or ""))
    admin.press(kinds, text="иной орган")
    await admin.wait_for_edit(kinds, lambda m: "Вид: иной орган" in (m.text or ""))

    async with running_bot.sessionmaker() as session:
        body = await session.get(Organization, plain_id)
        assert body is not None and body.kind is BodyKind.OTHER and body.in_directory
        assert body.full_name == "Министерство туризма и спорта Томской области"
        former = set(await session.scalars(select(OrganizationName.name)))
        assert former == {"Минтуризм"}
        groups = set(await session.scalars(select(BodyGroup.name)))
        assert groups == {"ИОГВ", "ОИО ТО"}


async def test_a_body_executing_the_same_measure_is_not_matched(session):
    plain_id, listed_id = await plan_with_bodies_in(session)
    measure_id = await session.scalar(select(Assignment.measure_id))
    session.add(Assignment(measure_id=measure_id, organization_id=listed_id))
    await session.flush()
    with pytest.raises(Refused):
        await match_to_directory(
            session,
            ADMIN,
            actor_id=None,
            organization_id=plain_id,
            target_id=listed_id,
            now=datetime.now(UTC),
        )
