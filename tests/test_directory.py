"""The directory of bodies: a list of 200 bodies in 3 groups imported from .xlsx and .csv,
previewed, saved, exported and imported back unchanged; renamings keep former names."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.access import Roles
from bot.directory.changes import plan_changes, save_changes
from bot.directory.listing import Vocabulary, read_listing
from bot.directory.workbook import directory_workbook
from bot.entry.translations import create_i18n
from bot.plan_import.body_directory import OrganizationDirectory
from bot.plan_import.model import ParsedExecutor
from bot.refusals import Refused
from models.tables import BodyGroup, BodyGroupMember, BodyKind, Organization, OrganizationName

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
