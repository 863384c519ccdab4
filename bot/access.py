"""Who may do what: the roles a person holds, as plain data and pure functions.

Every handler asks these functions; nothing here imports aiogram or touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.refusals import Refusal, Refused
from models.tables import Role


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """One active membership: a role, scoped to a plan or an organization where it applies."""

    role: Role
    plan_id: int | None = None
    organization_id: int | None = None


@dataclass(frozen=True, slots=True)
class Roles:
    """Everything a person may do, derived from ADMIN_IDS and their active memberships."""

    is_admin: bool = False
    coordinator_plan_ids: frozenset[int] = field(default_factory=frozenset)
    official_organization_ids: frozenset[int] = field(default_factory=frozenset)
    head_organization_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_coordinator(self) -> bool:
        """Holds coordinator rights on at least one plan (administrators hold them on all)."""
        return self.is_admin or bool(self.coordinator_plan_ids)

    @property
    def organization_ids(self) -> frozenset[int]:
        """Bodies whose measures the person sees as an executor (official or head)."""
        return self.official_organization_ids | self.head_organization_ids

    @property
    def is_executor(self) -> bool:
        return bool(self.organization_ids)

    @property
    def is_registered(self) -> bool:
        """Known to the bot with some role; anyone else gets only /start and /help."""
        return self.is_coordinator or self.is_executor

    def coordinates_plan(self, plan_id: int) -> bool:
        return self.is_admin or plan_id in self.coordinator_plan_ids

    def serves_organization(self, organization_id: int) -> bool:
        return organization_id in self.organization_ids


def roles_from_grants(grants: Iterable[RoleGrant], *, is_listed_admin: bool) -> Roles:
    """Fold active memberships (and the ADMIN_IDS listing) into one `Roles` value."""
    is_admin = is_listed_admin
    coordinator: set[int] = set()
    official: set[int] = set()
    head: set[int] = set()
    for grant in grants:
        if grant.role is Role.ADMINISTRATOR:
            is_admin = True
        elif grant.role is Role.COORDINATOR and grant.plan_id is not None:
            coordinator.add(grant.plan_id)
        elif grant.role is Role.OFFICIAL and grant.organization_id is not None:
            official.add(grant.organization_id)
        elif grant.role is Role.HEAD and grant.organization_id is not None:
            head.add(grant.organization_id)
    return Roles(
        is_admin=is_admin,
        coordinator_plan_ids=frozenset(coordinator),
        official_organization_ids=frozenset(official),
        head_organization_ids=frozenset(head),
    )


def visible_plan_ids(roles: Roles, all_plan_ids: Iterable[int]) -> list[int]:
    """Plans a person may see as a coordinator: all for administrators, else their own."""
    return [plan_id for plan_id in all_plan_ids if roles.coordinates_plan(plan_id)]


def can_manage_coordinators(roles: Roles) -> bool:
    """Naming and removing plans' coordinators is for administrators only."""
    return roles.is_admin


def can_change_directory(roles: Roles) -> bool:
    """The directory of bodies (names, short names, merging) is shared by every plan: only an
    administrator changes it."""
    return roles.is_admin


def can_revoke_invitation(roles: Roles, *, person_id: int, maker_id: int | None) -> bool:
    """An invitation may be withdrawn by the person who made it, or by an administrator."""
    return roles.is_admin or (maker_id is not None and maker_id == person_id)


def require_coordinator(roles: Roles) -> None:
    """A coordinator's command: refused to anyone else (to the unregistered, with the way in)."""
    if not roles.is_coordinator:
        raise Refused(Refusal.COORDINATORS_ONLY if roles.is_registered else Refusal.NOT_REGISTERED)


def require_administrator(roles: Roles) -> None:
    """An administrator's command (managing coordinators): refused to anyone else."""
    if not can_manage_coordinators(roles):
        raise Refused(Refusal.ADMINISTRATORS_ONLY)
