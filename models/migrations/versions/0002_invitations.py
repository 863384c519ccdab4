"""invitations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:29:47.316649
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "administrator",
                "coordinator",
                "official",
                "head",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("plan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("expires_at", models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), server_default="1", nullable=False),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("revoked_at", models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "revoked_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "created_at",
            models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(role IN ('official', 'head') AND organization_id IS NOT NULL) OR (role = 'coordinator' AND plan_id IS NOT NULL)",
            name=op.f("ck_invitations_role_scope"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["officials.id"], name=op.f("fk_invitations_created_by_id_officials")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_invitations_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["officials.id"], name=op.f("fk_invitations_revoked_by_id_officials")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_invitations_token_digest")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitations_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invitations_plan_id"), ["plan_id"], unique=False)

    # SQLite's batch mode copies the table and cannot carry an expression index it cannot
    # reflect: drop it before and create it again after.
    op.drop_index("uq_memberships_active_role", table_name="memberships")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "invitation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_memberships_invitation_id_invitations"),
            "invitations",
            ["invitation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _create_active_role_index()


def downgrade() -> None:
    op.drop_index("uq_memberships_active_role", table_name="memberships")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_memberships_invitation_id_invitations"), type_="foreignkey"
        )
        batch_op.drop_column("invitation_id")
    _create_active_role_index()

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_plan_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_organization_id"))

    op.drop_table("invitations")


def _create_active_role_index() -> None:
    op.create_index(
        "uq_memberships_active_role",
        "memberships",
        [
            "official_id",
            "role",
            sa.text("coalesce(plan_id, 0)"),
            sa.text("coalesce(organization_id, 0)"),
        ],
        unique=True,
        sqlite_where=sa.text("is_active"),
        postgresql_where=sa.text("is_active"),
    )
