"""Opening invitation links in the chat: a registered person confirms before joining another
body, the maker hears who used the link, a link dies with its maker's role, an old link does
not undo a deactivation, `python -m bot invite --role admin` makes an administrator, and
/start shows a stranger nothing of the bot's data."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import pytest

from bot import invitations
from handlers.registration import JoinAction, JoinInvitation
from models.tables import Invitation, Membership, Organization, Role
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import (
    COORDINATOR_A,
    OFFICIAL_A,
    STRANGER,
    World,
    make_world,
    person_id,
    press_forged,
    rows,
    settled,
    today,
    user,
)
from tests.test_invite_chat import LINK


@pytest.fixture
async def world(running_bot) -> World:
    return await make_world(running_bot.sessionmaker, today(running_bot))


async def make_link(running_bot, organization_id: int, *, maker=COORDINATOR_A, uses=1) -> str:
    maker_id = await person_id(running_bot, maker) if maker else None
    async with running_bot.sessionmaker() as session, session.begin():
        made = await invitations.create_invitation(
            session,
            role=Role.OFFICIAL,
            organization=await session.get(Organization, organization_id),
            created_by_id=maker_id,
            max_uses=uses,
            now=datetime.now(UTC),
        )
        return made.token


def newcomer(running_bot, telegram_id: int):
    return running_bot.emulator.user(
        telegram_id, first_name="Нина", last_name="Новикова", language_code="en"
    )


async def test_a_registered_official_confirms_before_joining_another_body(running_bot, world):
    token = await make_link(running_bot, world.digital)
    oleg = user(running_bot, OFFICIAL_A)
    oleg.send_command("/start", args=token)
    question = await oleg.wait_for_message()
    assert question.text == (
        "You are registered with the bot already. This link makes you also an official of "
        "«Министерство цифрового развития»; your other roles stay. Confirm?"
    )
    assert running_bot.emulator.button_texts(question) == [["Confirm", "Cancel"]]
    oleg.press(question, text="Cancel")
    await oleg.wait_for_edit(question, "Cancelled: nothing changed.")
    await settled(oleg)
    assert await rows(running_bot, Membership, Membership.organization_id == world.digital) == []
    [invitation] = await rows(running_bot, Invitation)
    assert invitation.uses == 0

    # A forged Confirm (the link was never opened in this conversation) joins nothing.
    answer = await press_forged(
        running_bot,
        oleg,
        JoinInvitation(action=JoinAction.CONFIRM, invitation_id=invitation.id).pack(),
    )
    assert answer.show_alert and answer.text == "Please open the invitation link again."

    oleg.send_command("/start", args=token)
    question = await oleg.wait_for_message("You are registered with the bot already.")
    oleg.press(question, text="Confirm")
    joined = await oleg.wait_for_message("Thank you")
    assert "You are registered as an official of «Министерство цифрового развития»" in joined.text
    held = {
        m.organization_id
        for m in await rows(running_bot, Membership, Membership.is_active)
        if m.official_id == await person_id(running_bot, OFFICIAL_A)
    }
    assert held == {world.labour, world.digital}

    # The coordinator who made the link hears who used it (in Russian: she chose no language).
    told = await user(running_bot, COORDINATOR_A).wait_for_message("приглашение", timeout=15)
    assert told.text == (
        "🔗 Олег Трудов открыл(а) ваше приглашение и теперь является ответственным сотрудником "
        "«Министерство цифрового развития».\nСсылка исчерпана."
    )


async def test_a_link_dies_when_its_maker_is_removed_as_coordinator(running_bot, world):
    token = await make_link(running_bot, world.digital, uses=3)
    anna = await person_id(running_bot, COORDINATOR_A)
    [role] = [m for m in await rows(running_bot, Membership) if m.official_id == anna]
    async with running_bot.sessionmaker() as session, session.begin():
        role = await session.get(Membership, role.id)
        role.is_active, role.ended_at = False, datetime.now(UTC)
    nina = newcomer(running_bot, 4101)
    nina.send_command("/start", args=token)
    assert (await nina.wait_for_message()).text == (
        "This invitation no longer works: the person who made it no longer holds the role "
        "that allowed it. Ask your coordinator for a new one."
    )
    await settled(nina)
    assert await rows(running_bot, Membership, Membership.organization_id == world.digital) == []


async def test_an_old_link_does_not_bring_back_a_deactivated_official(running_bot, world):
    token = await make_link(running_bot, world.digital, uses=3)
    nina = newcomer(running_bot, 4102)
    nina.send_command("/start", args=token)
    await nina.wait_for_message("You are registered as an official")
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/officials")
    people = await anna.wait_for_message("Нина Новикова")
    anna.press(people, text="Deactivate: Нина Новикова")
    confirm = await anna.wait_for_edit(people, "Deactivate Нина Новикова?")
    anna.press(confirm, text="Yes, deactivate")
    await anna.wait_for_edit(confirm, "✓ Нина Новикова no longer answers for", min_edits=2)
    await settled(anna)

    nina.send_command("/start", args=token)
    assert (await nina.wait_for_message("Your registration")).text == (
        "Your registration there was ended after this link was made, so the link cannot "
        "restore it. Ask your coordinator for a new one."
    )
    nina.send_command("/my")
    assert "after registration" in (await nina.wait_for_message()).text


async def run_invite(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "invite",
        *args,
        cwd=env["DATA_DIR"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 90)
    return process.returncode, stdout.decode(), stderr.decode()


async def test_an_administrator_link_from_the_command_line(
    running_bot, world, bot_process_env, database_url
):
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    await settled(admin)  # the listed administrator has written to the bot
    env = {**bot_process_env, "DATABASE_URL": database_url}
    code, out, err = await run_invite(env, "--role", "admin", "--uses", "5", "--days", "30")
    assert code == 0, err
    assert "administrator; 1 use(s), valid for 1 day(s)" in out
    link = out.strip().splitlines()[-1]
    token = LINK.fullmatch(link).group(1)

    vera = newcomer(running_bot, 4103)
    vera.send_command("/coordinators")
    assert (await vera.wait_for_message()).text == "This command is for administrators."
    vera.send_command("/start", args=token)
    assert "You are an administrator now." in (await vera.wait_for_message()).text
    vera.send_command("/coordinators")
    assert "План Б" in (await vera.wait_for_message()).text
    told = await admin.wait_for_message("из командной строки", timeout=15)
    assert told.text == (
        "🔗 Нина Новикова открыл(а) приглашение, созданное из командной строки, и теперь "
        "является администратором.\nСсылка исчерпана."
    )
    other = newcomer(running_bot, 4104)
    other.send_command("/start", args=token)
    assert "already been used" in (await other.wait_for_message()).text


async def test_start_shows_a_stranger_nothing_of_the_bots_data(running_bot, world):
    stranger = user(running_bot, STRANGER)
    stranger.send_command("/start")
    greeting = (await stranger.wait_for_message()).text
    assert greeting == (
        f"Hello, U{STRANGER}!\n\n"
        "This bot reminds officials of the deadlines of their roadmap measures and collects "
        "their reports for the coordinator.\n\n"
        "To start, open the invitation link your coordinator sends you.\n\n"
        "Send /help to see what you can do."
    )
    stranger.send_command("/start", args="x" * 32)
    refused = (await stranger.wait_for_message()).text
    assert refused == "This invitation link is not valid. Ask your coordinator for a new one."
    for secret in ("План", "Министерство", "Комитет", str(ADMIN_TELEGRAM_ID), "t.me/"):
        assert secret not in greeting and secret not in refused
