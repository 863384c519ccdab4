"""plan versions: each import or amendment order applied is a version; appendices of an act

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "plan_versions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("plan_id", BIG_ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "import",
                "order",
                name="version_kind",
                native_enum=False,
                create_constraint=True,
                length=6,
            ),
            nullable=False,
        ),
        sa.Column("order_number", sa.String(length=64), nullable=True),
        sa.Column("order_date", sa.Date(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("source_id", BIG_ID, nullable=True),
        sa.Column("created_at", models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", BIG_ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_versions_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["plan_sources.id"],
            name=op.f("fk_plan_versions_source_id_plan_sources"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["officials.id"],
            name=op.f("fk_plan_versions_created_by_id_officials"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_versions")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_plan_versions_plan_id_number")),
    )
    op.create_index(
        op.f("ix_plan_versions_plan_id_order_number_order_date"),
        "plan_versions",
        ["plan_id", "order_number", "order_date"],
        unique=False,
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_version_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_plan_version_id_plan_versions"),
            "plan_versions",
            ["plan_version_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("act_id", BIG_ID, nullable=True))
        batch_op.add_column(sa.Column("appendix_number", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_plans_act_id_plans"), "plans", ["act_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plans_act_id_plans"), type_="foreignkey")
        batch_op.drop_column("appendix_number")
        batch_op.drop_column("act_id")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_plan_version_id_plan_versions"), type_="foreignkey"
        )
        batch_op.drop_column("plan_version_id")
    op.drop_index(
        op.f("ix_plan_versions_plan_id_order_number_order_date"), table_name="plan_versions"
    )
    op.drop_table("plan_versions")
