"""Who may do what, decided in one place."""

from __future__ import annotations

import pytest

from bot.access import (
    RoleGrant,
    Roles,
    require_administrator,
    require_coordinator,
    roles_from_grants,
    visible_plan_ids,
)
from bot.presentation.commands import Audience, audience_of
from bot.refusals import Refusal, Refused
from models.tables import Role


def test_a_stranger_is_not_registered_and_sees_the_guest_menu():
    roles = roles_from_grants([], is_listed_admin=False)
    assert not roles.is_registered
    assert audience_of(roles) is Audience.GUEST


def test_an_administrator_from_admin_ids_coordinates_every_plan():
    roles = roles_from_grants([], is_listed_admin=True)
    assert roles.is_admin and roles.is_coordinator and roles.is_registered
    assert roles.coordinates_plan(42)
    assert visible_plan_ids(roles, [1, 2, 3]) == [1, 2, 3]
    assert audience_of(roles) is Audience.ADMINISTRATOR


def test_a_coordinator_sees_only_their_plans():
    roles = roles_from_grants([RoleGrant(Role.COORDINATOR, plan_id=2)], is_listed_admin=False)
    assert roles.coordinates_plan(2)
    assert not roles.coordinates_plan(3)
    assert visible_plan_ids(roles, [1, 2, 3]) == [2]
    assert audience_of(roles) is Audience.COORDINATOR


def test_an_official_of_two_bodies_and_head_of_one():
    roles = roles_from_grants(
        [
            RoleGrant(Role.OFFICIAL, organization_id=10),
            RoleGrant(Role.OFFICIAL, organization_id=11),
            RoleGrant(Role.HEAD, organization_id=12),
        ],
        is_listed_admin=False,
    )
    assert roles.organization_ids == {10, 11, 12}
    assert roles.serves_organization(12)
    assert not roles.serves_organization(13)
    assert not roles.is_coordinator
    assert not roles.coordinates_plan(1)
    assert audience_of(roles) is Audience.EXECUTOR


def test_an_administrator_membership_counts_like_admin_ids():
    assert roles_from_grants([RoleGrant(Role.ADMINISTRATOR)], is_listed_admin=False).is_admin


def test_grants_without_their_scope_give_nothing():
    roles = roles_from_grants(
        [RoleGrant(Role.COORDINATOR), RoleGrant(Role.OFFICIAL)], is_listed_admin=False
    )
    assert roles == Roles()


def test_a_coordinators_command_is_refused_to_others_with_the_way_in_for_strangers():
    coordinator = roles_from_grants([RoleGrant(Role.COORDINATOR, 1, None)], is_listed_admin=False)
    official = roles_from_grants([RoleGrant(Role.OFFICIAL, None, 7)], is_listed_admin=False)
    require_coordinator(coordinator)
    with pytest.raises(Refused) as refused:
        require_coordinator(official)
    assert refused.value.refusal is Refusal.COORDINATORS_ONLY
    with pytest.raises(Refused) as refused:
        require_coordinator(Roles())
    assert refused.value.refusal is Refusal.NOT_REGISTERED
    with pytest.raises(Refused) as refused:
        require_administrator(coordinator)
    assert refused.value.refusal is Refusal.ADMINISTRATORS_ONLY
    require_administrator(roles_from_grants([], is_listed_admin=True))
