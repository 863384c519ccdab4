"""admin invitations: an invitation may make its opener an administrator

Revision ID: 0008
Revises: 0006 (the integrator chains it after 0007)
Create Date: 2026-12-01 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BODY_OR_PLAN = (
    "(role IN ('official', 'head') AND organization_id IS NOT NULL)"
    " OR (role = 'coordinator' AND plan_id IS NOT NULL)"
)
ADMINISTRATOR = " OR (role = 'administrator' AND organization_id IS NULL AND plan_id IS NULL)"


def _scope(check: str) -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_invitations_role_scope"), type_="check")
        batch_op.create_check_constraint("role_scope", check)


def upgrade() -> None:
    _scope(BODY_OR_PLAN + ADMINISTRATOR)


def downgrade() -> None:
    op.execute("DELETE FROM invitations WHERE role = 'administrator'")
    _scope(BODY_OR_PLAN)
