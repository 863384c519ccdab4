"""Opening an invitation link: used once even when two people open it at once, dead when its
maker lost the role, no undoing of a deactivation, a registered person confirms first, the
maker is told who used it, and administrator links from the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import invitations
from bot.access import Roles
from bot.invitation_use import LinkProblem, examine_link, redeem
from bot.memberships import deactivate_person
from bot.people import roles_of
from models.engine import create_update_sessionmaker, is_database_locked
from models.tables import Invitation, Membership, Notification, Official, Role
from scheduler.invitation_messages import render_invitation_used
from scheduler.notifications import Delivery
from tests.test_coordination import (
    COORDINATOR_A,
    OFFICIAL_A,
    OFFICIAL_AB,
    World,
    make_world,
)

NOW = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
ADMIN_IDS = frozenset({900_000_001})


@pytest.fixture
async def world(sessionmaker) -> World:
    return await make_world(sessionmaker, NOW.date())


async def person(session, telegram_id: int, name: str = "Нина Новикова") -> Official:
    found = await session.scalar(select(Official).where(Official.telegram_id == telegram_id))
    if found is None:
        first, last = name.split()
        found = Official(telegram_id=telegram_id, first_name=first, last_name=last, full_name=name)
        session.add(found)
        await session.flush()
    return found


async def link(
    sessionmaker,
    *,
    role=Role.OFFICIAL,
    organization_id=None,
    plan_id=None,
    maker=COORDINATOR_A,
    uses=1,
    now=NOW,
    lifetime=timedelta(days=14),
) -> str:
    async with sessionmaker() as session, session.begin():
        maker_id = (await person(session, maker)).id if maker else None
        made = await invitations.create_invitation(
            session,
            role=role,
            organization=await session.get(invitations.Organization, organization_id)
            if organization_id
            else None,
            plan=await session.get(invitations.Plan, plan_id) if plan_id else None,
            created_by_id=maker_id,
            max_uses=uses,
            lifetime=lifetime,
            now=now,
        )
        return made.token


async def open_link(sessionmaker, telegram_id: int, token: str, *, now=NOW, confirmed=False):
    async with sessionmaker() as session, session.begin():
        official = await person(session, telegram_id)
        roles = await roles_of(session, official, ADMIN_IDS)
        return await redeem(session, token, official, roles, now, ADMIN_IDS, confirmed=confirmed)


async def memberships_of(sessionmaker, telegram_id: int) -> list[Membership]:
    async with sessionmaker() as session:
        return list(
            await session.scalars(
                select(Membership)
                .join(Official, Official.id == Membership.official_id)
                .where(Official.telegram_id == telegram_id, Membership.is_active)
            )
        )


async def test_two_people_opening_a_one_use_link_at_once_register_one(engine, sessionmaker, world):
    """As updates do: each reads the link (one use left) before either counts its use; on
    SQLite the one that meets "database is locked" is handled again."""
    token = await link(sessionmaker, organization_id=world.digital)
    updates = create_update_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        for telegram_id in (4001, 4002):
            await person(session, telegram_id)
    both_read = asyncio.Barrier(2)

    async def open_at_once(telegram_id: int):
        for attempt in range(5):
            try:
                async with updates() as session, session.begin():
                    official = await person(session, telegram_id)
                    roles = await roles_of(session, official, ADMIN_IDS)
                    check = await examine_link(session, token, official, roles, NOW, ADMIN_IDS)
                    if attempt == 0:
                        assert check.problem is None
                        await both_read.wait()
                    return await redeem(session, token, official, roles, NOW, ADMIN_IDS)
            except Exception as error:
                if not is_database_locked(error):
                    raise
        raise AssertionError("never got the write lock")

    first, second = await asyncio.gather(open_at_once(4001), open_at_once(4002))
    outcomes = sorted([first.problem or "registered", second.problem or "registered"])
    assert outcomes == sorted(["registered", LinkProblem.USED_UP])
    async with sessionmaker() as session:
        assert (
            await session.scalar(
                select(func.count(Membership.id)).where(Membership.organization_id == world.digital)
            )
            == 1
        )
        assert await session.scalar(select(Invitation.uses)) == 1


async def test_a_link_dies_when_its_maker_is_no_longer_the_plans_coordinator(sessionmaker, world):
    token = await link(sessionmaker, organization_id=world.digital, uses=5)
    assert (await open_link(sessionmaker, 4001, token)).membership is not None
    async with sessionmaker() as session, session.begin():
        maker = await person(session, COORDINATOR_A)
        [coordinator] = await session.scalars(
            select(Membership).where(Membership.official_id == maker.id)
        )
        coordinator.is_active, coordinator.ended_at = False, NOW
    redemption = await open_link(sessionmaker, 4002, token)
    assert redemption.problem is LinkProblem.MAKER_LEFT
    assert await memberships_of(sessionmaker, 4002) == []


async def test_a_link_from_the_command_line_has_no_maker_to_lose(sessionmaker, world):
    token = await link(sessionmaker, organization_id=world.digital, maker=None)
    assert (await open_link(sessionmaker, 4001, token)).membership is not None


async def test_an_old_link_does_not_undo_a_deactivation_but_a_new_one_does(sessionmaker, world):
    old = await link(sessionmaker, organization_id=world.labour, uses=3)
    assert (await open_link(sessionmaker, 4001, old)).membership is not None
    async with sessionmaker() as session, session.begin():
        anna = await person(session, COORDINATOR_A)
        newcomer = await person(session, 4001)
        await deactivate_person(
            session,
            Roles(coordinator_plan_ids=frozenset({world.plan_a})),
            actor_id=anna.id,
            official_id=newcomer.id,
            now=NOW + timedelta(hours=1),
        )
    later = NOW + timedelta(hours=2)
    assert (await open_link(sessionmaker, 4001, old, now=later)).problem is LinkProblem.ENDED
    assert await memberships_of(sessionmaker, 4001) == []

    new = await link(sessionmaker, organization_id=world.labour, now=later)
    assert (await open_link(sessionmaker, 4001, new, now=later)).membership is not None
    assert [m.organization_id for m in await memberships_of(sessionmaker, 4001)] == [world.labour]


async def test_a_switched_off_person_is_not_switched_on_by_a_link(sessionmaker, world):
    token = await link(sessionmaker, organization_id=world.digital)
    async with sessionmaker() as session, session.begin():
        (await person(session, 4001)).is_active = False
    assert (await open_link(sessionmaker, 4001, token)).problem is LinkProblem.DEACTIVATED
    async with sessionmaker() as session:
        official = await session.scalar(select(Official).where(Official.telegram_id == 4001))
        assert official.is_active is False
        assert await session.scalar(select(Invitation.uses)) == 0


async def test_a_registered_person_changes_nothing_before_confirming(sessionmaker, world):
    token = await link(sessionmaker, organization_id=world.digital)
    waiting = await open_link(sessionmaker, OFFICIAL_AB, token)
    assert waiting.needs_confirmation and waiting.membership is None
    async with sessionmaker() as session:
        assert await session.scalar(select(Invitation.uses)) == 0
    held = {m.organization_id for m in await memberships_of(sessionmaker, OFFICIAL_AB)}
    assert held == {world.labour, world.tourism}
    done = await open_link(sessionmaker, OFFICIAL_AB, token, confirmed=True)
    assert done.membership is not None and done.membership.organization_id == world.digital
    held = {m.organization_id for m in await memberships_of(sessionmaker, OFFICIAL_AB)}
    assert held == {world.labour, world.tourism, world.digital}


async def test_a_link_for_a_role_held_already_uses_nothing_up(sessionmaker, world):
    token = await link(sessionmaker, organization_id=world.labour)
    again = await open_link(sessionmaker, OFFICIAL_A, token)
    assert again.already_member and not again.needs_confirmation
    async with sessionmaker() as session:
        assert await session.scalar(select(Invitation.uses)) == 0


async def test_the_maker_is_told_who_used_the_link(sessionmaker, world):
    token = await link(sessionmaker, organization_id=world.digital, uses=2)
    await open_link(sessionmaker, 4001, token)
    async with sessionmaker() as session:
        [notification] = await session.scalars(select(Notification))
        maker = await person(session, COORDINATOR_A)
    assert notification.kind == "invitation_used" and notification.recipient_id == maker.id
    text, markup = render_invitation_used(
        notification.payload,
        lambda s: s,
        lambda one, many, n: one if n == 1 else many,
        Delivery(now=NOW),
    )
    assert text == (
        "🔗 Нина Новикова opened your invitation and is now an official of "
        "«Министерство цифрового развития».\nThe link can be used 1 more time."
    )
    assert markup is None


async def test_an_administrator_link_makes_an_administrator_and_tells_the_administrators(
    sessionmaker, world
):
    async with sessionmaker() as session, session.begin():
        await person(session, 900_000_001, "Админ Админов")  # listed in ADMIN_IDS
    with pytest.raises(ValueError, match="one use within one day"):
        await link(sessionmaker, role=Role.ADMINISTRATOR, maker=None, uses=2)
    with pytest.raises(ValueError, match="one use within one day"):
        await link(sessionmaker, role=Role.ADMINISTRATOR, maker=None, lifetime=timedelta(days=2))
    token = await link(
        sessionmaker, role=Role.ADMINISTRATOR, maker=None, lifetime=timedelta(days=1)
    )
    tomorrow = NOW + timedelta(days=1, seconds=1)
    assert (await open_link(sessionmaker, 4001, token, now=tomorrow)).problem is (
        LinkProblem.EXPIRED
    )
    assert (await open_link(sessionmaker, 4001, token)).membership.role is Role.ADMINISTRATOR
    async with sessionmaker() as session:
        official = await person(session, 4001)
        assert (await roles_of(session, official, frozenset())).is_admin
        [notification] = await session.scalars(select(Notification))
    text, _ = render_invitation_used(
        notification.payload, lambda s: s, lambda one, many, n: one, Delivery(now=NOW)
    )
    assert text == (
        "🔗 Нина Новикова opened an invitation made from the command line and is now an "
        "administrator.\nThe link is used up."
    )
    assert (await open_link(sessionmaker, 4002, token)).problem is LinkProblem.USED_UP
