"""/invite in the chat: a coordinator picks a body and a role and gets a link; Revoke withdraws
it; an administrator can also invite a plan's coordinator; nobody else can do any of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.invite import InvitePlan, InvitePlans, InviteRevoke, InviteRole
from models.tables import Assignment, AuditEvent, Invitation, Membership, Organization, Role
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import (
    COORDINATOR_A,
    COORDINATOR_B,
    OFFICIAL_A,
    STRANGER,
    World,
    body,
    make_world,
    person_id,
    press_forged,
    rows,
    settled,
    today,
    user,
)


@pytest.fixture
async def world(running_bot) -> World:
    return await make_world(running_bot.sessionmaker, today(running_bot))


LINK = re.compile(r"https://t\.me/roadmap_test_bot\?start=([\w-]+)")


def token_of(message) -> str:
    match = LINK.search(message.text)
    assert match, message.text
    return match.group(1)


async def invitations(running_bot) -> list[Invitation]:
    return await rows(running_bot, Invitation)


async def make_link(running_bot, person, typed: str, body_button: str, role_button: str):
    person.send_command("/invite")
    await person.wait_for_message("Whom do you invite?")
    person.send_text(typed)
    choice = await person.wait_for_message("Pick the body:")
    person.press(choice, text=body_button)
    roles = await person.wait_for_edit(choice, "Invite to")
    person.press(roles, text=role_button)
    return await person.wait_for_edit(roles, "https://t.me/", min_edits=2)


async def test_a_coordinator_invites_an_official_and_the_link_registers_them(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/invite")
    start = await anna.wait_for_message()
    assert start.text == (
        "Whom do you invite? Type part of the body's name, or pick it below "
        "(2 bodies in your plans)."
    )
    # Bodies of her plan only: plan B's committee is not offered; no coordinator option.
    assert running_bot.emulator.button_texts(start) == [
        ["Минтруд — Министерство труда и социальной защиты"],
        ["Минцифры — Министерство цифрового развития"],
        ["Every body at once (a file of links)"],
    ]
    anna.send_text("туризм")
    await anna.wait_for_message("None of the bodies of your plans matches «туризм»")
    anna.send_text("ЦИФРОВОГО")
    choice = await anna.wait_for_message("Pick the body:")
    anna.press(choice, text="Минцифры — Министерство цифрового развития")
    roles = await anna.wait_for_edit(choice, "Invite to «Министерство цифрового развития» as:")
    assert running_bot.emulator.button_texts(roles) == [["An official", "The head"]]
    anna.press(roles, text="An official")
    link = await anna.wait_for_edit(roles, "https://t.me/", min_edits=2)
    until = (datetime.now(UTC) + timedelta(days=14)).astimezone(ZoneInfo("Europe/Moscow"))
    assert link.text.startswith(
        "Invitation for an official of «Министерство цифрового развития»:\n"
        "https://t.me/roadmap_test_bot?start="
    )
    assert f"It works 1 time, until {until:%d.%m.%Y}." in link.text
    assert running_bot.emulator.button_texts(link) == [["Revoke"]]

    await settled(anna)
    [invitation] = await invitations(running_bot)
    assert invitation.role is Role.OFFICIAL and invitation.organization_id == world.digital
    assert invitation.created_by_id == await person_id(running_bot, COORDINATOR_A)
    assert invitation.max_uses == 1

    newcomer = running_bot.emulator.user(
        3100, first_name="Нина", last_name="Новикова", language_code="en"
    )
    newcomer.send_command("/start", args=token_of(link))
    welcome = await newcomer.wait_for_message()
    assert "Министерство цифрового развития" in welcome.text
    await settled(newcomer)
    [membership] = await rows(running_bot, Membership, Membership.organization_id == world.digital)
    assert membership.role is Role.OFFICIAL and membership.is_active
    assert membership.invitation_id == invitation.id


async def test_a_revoked_link_no_longer_works(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    link = await make_link(
        running_bot, anna, "труд", "Минтруд — Министерство труда и социальной защиты", "The head"
    )
    assert link.text.startswith("Invitation for the head of «Министерство труда")
    token = token_of(link)
    anna.press(link, text="Revoke")
    revoked = await anna.wait_for_edit(link, "The invitation is revoked", min_edits=3)
    assert revoked.reply_markup is None
    assert token not in revoked.text  # the link is gone from the chat
    await settled(anna)
    [invitation] = await invitations(running_bot)
    assert invitation.revoked_at is not None
    assert invitation.revoked_by_id == await person_id(running_bot, COORDINATOR_A)
    assert [e.action for e in await rows(running_bot, AuditEvent)] == [
        "invitation_created",
        "invitation_revoked",
    ]

    newcomer = running_bot.emulator.user(
        3101, first_name="Пётр", last_name="Петров", language_code="en"
    )
    newcomer.send_command("/start", args=token)
    assert "This invitation was withdrawn" in (await newcomer.wait_for_message()).text


async def test_the_list_of_bodies_is_paginated(running_bot, world):
    async with running_bot.sessionmaker() as session, session.begin():
        for index in range(10):
            organization = body(f"Администрация района № {index:02d}")
            session.add(organization)
            await session.flush()
            session.add(Assignment(measure_id=world.unassigned, organization_id=organization.id))
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/invite")
    first = await anna.wait_for_message()
    assert "(12 bodies in your plans). (page 1 of 2)" in first.text
    assert first.flat_button_texts()[-2:] == ["›", "Every body at once (a file of links)"]
    anna.press(first, text="›")
    second = await anna.wait_for_edit(first, "(page 2 of 2)")
    assert second.flat_button_texts() == [
        "Администрация района № 08",
        "Администрация района № 09",
        "Минтруд — Министерство труда и социальной защиты",
        "Минцифры — Министерство цифрового развития",
        "‹",
        "Every body at once (a file of links)",
    ]
    anna.press(second, text="Минтруд — Министерство труда и социальной защиты")
    await anna.wait_for_edit(second, "Invite to «Министерство труда", min_edits=2)


async def test_an_administrator_invites_a_coordinator_of_a_plan(running_bot, world):
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    admin.send_command("/invite")
    start = await admin.wait_for_message("Whom do you invite?")
    assert "(3 bodies in your plans)" in start.text  # every plan's bodies
    admin.press(start, text="Coordinator of a plan")
    plans = await admin.wait_for_edit(start, "Coordinator of which plan?")
    assert running_bot.emulator.button_texts(plans) == [["План А <цифровизация>"], ["План Б"]]
    admin.press(plans, text="План Б")
    link = await admin.wait_for_edit(plans, "https://t.me/", min_edits=2)
    assert link.text.startswith("Invitation for a coordinator of «План Б»:")

    newcomer = running_bot.emulator.user(
        3102, first_name="Вера", last_name="Планова", language_code="en"
    )
    newcomer.send_command("/start", args=token_of(link))
    assert "You are a coordinator of «План Б» now." in (await newcomer.wait_for_message()).text
    newcomer.send_command("/orgs")
    assert "Комитет по туризму" in (await newcomer.wait_for_message()).text


async def test_an_administrator_may_revoke_anyones_invitation(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    link = await make_link(
        running_bot, anna, "труд", "Минтруд — Министерство труда и социальной защиты", "An official"
    )
    await settled(anna)
    [invitation] = await invitations(running_bot)
    admin = user(running_bot, ADMIN_TELEGRAM_ID)
    answer = await press_forged(
        running_bot, admin, InviteRevoke(invitation_id=invitation.id).pack()
    )
    assert answer.text == "Revoked."
    # The maker's own button now tells it is revoked already.
    pressed = anna.press(link, text="Revoke")
    answer = await anna.wait_for_callback_answer(pressed["callback_query"]["id"])
    assert answer.text == "This invitation is revoked already."
    assert (await anna.wait_for_edit(link, min_edits=3)).reply_markup is None


async def test_invite_is_refused_to_officials_and_strangers(running_bot, world):
    oleg = user(running_bot, OFFICIAL_A)
    oleg.send_command("/invite")
    assert (await oleg.wait_for_message()).text == "This command is for coordinators."
    stranger = user(running_bot, STRANGER)
    stranger.send_command("/invite")
    assert (await stranger.wait_for_message()).text.startswith("This is available after")
    stranger.send_text("труд")  # no question was asked
    assert "I did not understand that" in (await stranger.wait_for_message()).text


async def test_forged_invitation_buttons_make_nothing(running_bot, world):
    tourism = (
        await rows(running_bot, Organization, Organization.full_name == "Комитет по туризму")
    )[0].id
    forged = {
        # an official of labour invites to their own body
        OFFICIAL_A: [InviteRole(organization_id=world.labour, role="official")],
        # plan A's coordinator: plan B's body; a coordinator's role; a plan (admins only)
        COORDINATOR_A: [
            InviteRole(organization_id=tourism, role="official"),
            InviteRole(organization_id=world.city, role="head"),
            InviteRole(organization_id=world.labour, role="coordinator"),
            InviteRole(organization_id=world.labour, role="administrator"),
            InviteRole(organization_id=world.labour, role="nonsense"),
            InvitePlans(page=0),
            InvitePlan(plan_id=world.plan_a),
        ],
        STRANGER: [
            InviteRole(organization_id=world.labour, role="official"),
            InvitePlan(plan_id=world.plan_b),
        ],
    }
    for attacker, buttons in forged.items():
        person = user(running_bot, attacker)
        for button in buttons:
            answer = await press_forged(running_bot, person, button.pack())
            assert answer.show_alert is True and answer.text == "This is not available to you."
        await settled(person)
    assert await invitations(running_bot) == []


async def test_nobody_but_the_maker_or_an_administrator_revokes(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    link = await make_link(
        running_bot, anna, "труд", "Минтруд — Министерство труда и социальной защиты", "An official"
    )
    await settled(anna)
    [invitation] = await invitations(running_bot)
    for attacker in (COORDINATOR_B, OFFICIAL_A, STRANGER):
        person = user(running_bot, attacker)
        answer = await press_forged(
            running_bot, person, InviteRevoke(invitation_id=invitation.id).pack()
        )
        assert answer.show_alert is True
        assert answer.text == "Only the person who made an invitation can revoke it."
        await settled(person)
    answer = await press_forged(running_bot, anna, InviteRevoke(invitation_id=10**12).pack())
    assert answer.text == "Only the person who made an invitation can revoke it."
    [invitation] = await invitations(running_bot)
    assert invitation.revoked_at is None
    newcomer = running_bot.emulator.user(
        3103, first_name="Ира", last_name="Иванова", language_code="en"
    )
    newcomer.send_command("/start", args=token_of(link))
    assert "Министерство труда" in (await newcomer.wait_for_message()).text


async def test_a_command_ends_the_search_for_a_body(running_bot, world):
    anna = user(running_bot, COORDINATOR_A)
    anna.send_command("/invite")
    await anna.wait_for_message("Whom do you invite?")
    anna.send_command("/cancel")
    await anna.wait_for_message("Cancelled.")
    anna.send_text("труд")
    assert "I did not understand that" in (await anna.wait_for_message()).text
    anna.send_command("/invite")
    await anna.wait_for_message("Whom do you invite?")
    anna.send_command("/find", args="1.1")
    await anna.wait_for_message("Found 1 measure")
    anna.send_text("труд")
    assert "I did not understand that" in (await anna.wait_for_message()).text
    assert await invitations(running_bot) == []
