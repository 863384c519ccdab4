"""Inviting every body at once (issue 14, point 3): a file of links, one per body and role, from
the command line or the chat; each link registers its body's people; /orgs shows the open
links with Revoke."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.access import Roles
from bot.invitation_batch import invite_all
from bot.invitation_links import links_workbook
from bot.invitations import digest
from bot.refusals import Refused
from models.tables import Assignment, Invitation, Measure, Membership, Plan, Role
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import COORDINATOR_A, body, make_world, rows, settled, today, user
from tests.test_invite_cli import run_cli

LINK_PREFIX = "https://t.me/roadmap_test_bot?start="
HEADERS = ["Body", "Short name", "Role", "Link", "Uses allowed", "Valid until"]
LABOUR = "Министерство труда и социальной защиты"
DIGITAL = "Министерство цифрового развития"


def sheet_rows(content: bytes) -> tuple[str, list[str], list[dict[str, object]]]:
    """The file's title, headers and rows (as dicts by header)."""
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    headers = [str(value) for value in values[1] if value is not None]
    return (
        str(values[0][0]),
        headers,
        [dict(zip(headers, row, strict=False)) for row in values[2:]],
    )


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def token_of(row: dict[str, object]) -> str:
    link = str(row["Link"])
    assert link.startswith(LINK_PREFIX), link
    return link.removeprefix(LINK_PREFIX)


def assert_qr_png(content: bytes) -> None:
    """A PNG square of a QR code: (21 + 4·version + 2·4 quiet modules) × 8 pixels a side."""
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    width, height = image.size
    assert width == height and width % 8 == 0
    modules = width // 8 - 8
    assert modules >= 21 and (modules - 21) % 4 == 0


async def joins(running_bot, telegram_id: int, token: str) -> list[Membership]:
    """A new person opens the link: the memberships that link made."""
    person = running_bot.emulator.user(
        telegram_id, first_name="Нина", last_name="Новикова", language_code="en"
    )
    person.send_command("/start", args=token)
    await person.wait_for_message("You are registered")
    await settled(person)
    [invitation] = await rows(running_bot, Invitation, Invitation.token_digest == digest(token))
    return await rows(running_bot, Membership, Membership.invitation_id == invitation.id)


async def test_the_command_line_writes_a_link_per_body_and_each_registers_its_body(
    running_bot, bot_process_env, database_url, tmp_path
):
    world = await make_world(running_bot.sessionmaker, today(running_bot))
    env = {**bot_process_env, "DATABASE_URL": database_url}
    out, qr = tmp_path / "links.xlsx", tmp_path / "qr"

    code, stdout, stderr = await run_cli(
        env,
        "--all",
        "--plan",
        "План А",
        "--role",
        "official,head",
        "--out",
        str(out),
        "--qr",
        str(qr),
        "--lang",
        "en",
    )
    assert code == 0, stderr
    assert "4 link(s) for 2 body(ies) of «План А <цифровизация>»" in stdout
    assert "New links are made on every run" in stdout

    title, headers, links = sheet_rows(out.read_bytes())
    assert title == "План А <цифровизация>"
    assert headers == [*HEADERS, "QR code file"]
    # Plan A's bodies only (the committee of tourism serves plan B), officials before heads.
    assert [
        (row["Body"], row["Short name"], row["Role"], row["Uses allowed"]) for row in links
    ] == [
        (LABOUR, "Минтруд", "official", 20),
        (LABOUR, "Минтруд", "head", 2),
        (DIGITAL, "Минцифры", "official", 20),
        (DIGITAL, "Минцифры", "head", 2),
    ]
    assert len({token_of(row) for row in links}) == 4
    pictures = files_in(qr)
    assert sorted(pictures) == sorted(str(r["QR code file"]) for r in links)
    for picture in pictures.values():
        assert_qr_png(picture)

    # Each link registers its opener with the body and the role of its row.
    [official] = await joins(running_bot, 4100, token_of(links[2]))
    assert (official.organization_id, official.role) == (world.digital, Role.OFFICIAL)
    [head] = await joins(running_bot, 4101, token_of(links[1]))
    assert (head.organization_id, head.role) == (world.labour, Role.HEAD)

    # Without --plan: every body of the directory (in Russian, the default); a second run
    # makes new links.
    code, stdout, stderr = await run_cli(
        env, "--all", "--role", "head", "--uses", "3", "--days", "5", "--out", str(out)
    )
    assert code == 0, stderr
    assert "of the directory" in stdout
    title, headers, every = sheet_rows(out.read_bytes())
    assert title == "Все органы справочника"
    assert headers == [
        "Орган",
        "Краткое наименование",
        "Роль",
        "Ссылка",
        "Допустимо использований",
        "Действует до",
    ]
    assert {(row["Роль"], row["Допустимо использований"]) for row in every} == {("руководитель", 3)}
    assert len(every) == 4  # plan A's two bodies, the committee of tourism, the city
    old = {token_of(row) for row in links}
    assert not {str(row["Ссылка"]).removeprefix(LINK_PREFIX) for row in every} & old

    code, _out, stderr = await run_cli(env, "--all", "--role", "coordinator", "--out", str(out))
    assert code == 1 and "--role official,head" in stderr


async def test_a_coordinator_gets_the_file_of_their_plans_bodies_and_revokes_a_link(
    running_bot,
):
    world = await make_world(running_bot.sessionmaker, today(running_bot))
    async with running_bot.sessionmaker() as session, session.begin():
        # The committee of tourism also answers for plan A's measure: plan B shares it, so its
        # people are an administrator's to invite.
        session.add(Assignment(measure_id=world.reengineering, organization_id=world.tourism))
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/invite", args="all")
    plans = await anna.wait_for_message("A file of links, one per body")
    assert running_bot.emulator.button_texts(plans) == [["План А <цифровизация>"]]
    anna.press(plans, text="План А <цифровизация>")
    whom = await anna.wait_for_edit(plans, "Whom do you invite?")
    assert "20 officials, 2 heads" in whom.text
    anna.press(whom, text="Officials and heads + QR codes")
    done = await anna.wait_for_edit(whom, "Links for the bodies of", min_edits=2)
    assert "bodies 2, links 4" in done.text
    assert "Bodies left out because they also serve other plans" in done.text
    sheet = await anna.wait_for_message(
        lambda m: m.file is not None and m.caption == "Invitation links"
    )
    assert sheet.file.file_name == "invitations.xlsx"
    _title, _headers, links = sheet_rows(sheet.file.content)
    assert [(row["Body"], row["Role"]) for row in links] == [
        (LABOUR, "official"),
        (LABOUR, "head"),
        (DIGITAL, "official"),
        (DIGITAL, "head"),
    ]
    codes = await anna.wait_for_message(lambda m: m.file is not None and m.caption == "QR codes")
    with zipfile.ZipFile(io.BytesIO(codes.file.content)) as archive:
        assert sorted(archive.namelist()) == sorted(str(r["QR code file"]) for r in links)
        for name in archive.namelist():
            assert_qr_png(archive.read(name))
    [official] = await joins(running_bot, 4200, token_of(links[0]))
    assert (official.organization_id, official.role) == (world.labour, Role.OFFICIAL)

    # /orgs: who is registered, and the open links with Revoke.
    anna.send_command("/orgs")
    orgs = await anna.wait_for_message("Bodies of your plans")
    assert "(Минтруд) — officials: 2, heads: 1" in orgs.text  # one by the new link
    anna.press(orgs, text="Open invitation links: 4")
    opened = await anna.wait_for_edit(orgs, "Open invitation links")
    assert "1. Минтруд — official: uses left 19, until " in opened.text
    assert "2. Минтруд — head: uses left 2" in opened.text
    assert "4. Минцифры — head: uses left 2" in opened.text
    assert running_bot.emulator.button_texts(opened) == [
        ["Revoke 1", "Revoke 2", "Revoke 3", "Revoke 4"]
    ]
    anna.press(opened, text="Revoke 3")
    after = await anna.wait_for_edit(opened, "Open invitation links: 3.", min_edits=2)
    assert "Минцифры — official" not in after.text
    stranger = running_bot.emulator.user(4201, first_name="Пётр", language_code="en")
    stranger.send_command("/start", args=token_of(links[2]))
    assert "This invitation was withdrawn" in (await stranger.wait_for_message()).text


async def test_an_administrator_invites_every_body_of_the_directory(running_bot):
    await make_world(running_bot.sessionmaker, today(running_bot))
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    admin.send_command("/invite")
    start = await admin.wait_for_message("Whom do you invite?")
    admin.press(start, text="Every body at once (a file of links)")
    plans = await admin.wait_for_edit(start, "A file of links, one per body")
    assert plans.flat_button_texts()[-1] == "Every body of the directory"
    admin.press(plans, text="Every body of the directory")
    whom = await admin.wait_for_edit(plans, "Whom do you invite?", min_edits=2)
    admin.press(whom, text="Heads")
    done = await admin.wait_for_edit(whom, "Links for every body of the directory", min_edits=3)
    assert "bodies 4, links 4" in done.text
    sheet = await admin.wait_for_message(lambda m: m.file is not None)
    title, headers, links = sheet_rows(sheet.file.content)
    assert title == "Every body of the directory" and headers == HEADERS
    assert {row["Role"] for row in links} == {"head"}
    assert "Администрация города" in {row["Body"] for row in links}


async def test_two_hundred_bodies_get_a_link_each_and_a_shared_one_is_left_to_an_administrator(
    session,
):
    plan, other = Plan(title="План региона"), Plan(title="Другой план")
    bodies = [body(f"Администрация муниципального образования № {n:03d}") for n in range(200)]
    session.add_all([plan, other, *bodies])
    await session.flush()
    measure = Measure(plan_id=plan.id, number="1.", number_key="1", sort_key="00001", title="М")
    foreign = Measure(plan_id=other.id, number="1.", number_key="1", sort_key="00001", title="Ч")
    session.add_all([measure, foreign])
    await session.flush()
    session.add_all(Assignment(measure_id=measure.id, organization_id=b.id) for b in bodies)
    session.add(Assignment(measure_id=foreign.id, organization_id=bodies[7].id))
    await session.flush()
    now = datetime.now(UTC)

    coordinator = Roles(coordinator_plan_ids=frozenset({plan.id}))
    made = await invite_all(
        session,
        coordinator,
        actor_id=None,
        plan_id=plan.id,
        invite_roles=(Role.OFFICIAL, Role.HEAD),
        now=now,
    )
    assert (made.bodies, made.shared_left_out, len(made.links)) == (199, 1, 398)
    assert bodies[7].id not in {link.organization_id for link in made.links}
    assert len({link.token for link in made.links}) == 398
    content = links_workbook(
        made.links, "roadmap_test_bot", title=plan.title, timezone="Asia/Tomsk", gettext=str
    )
    _title, _headers, listed = sheet_rows(content)
    assert len(listed) == 398
    assert listed[0]["Body"] == "Администрация муниципального образования № 000"

    # The plan of another coordinator, and the directory, are refused to this one.
    for plan_id in (other.id, None):
        with pytest.raises(Refused):
            await invite_all(
                session,
                coordinator,
                actor_id=None,
                plan_id=plan_id,
                invite_roles=(Role.OFFICIAL,),
                now=now,
            )
    everything = await invite_all(
        session,
        Roles(is_admin=True),
        actor_id=None,
        plan_id=None,
        invite_roles=(Role.HEAD,),
        uses=1,
        now=now,
    )
    assert len(everything.links) == 200 and {link.max_uses for link in everything.links} == {1}
