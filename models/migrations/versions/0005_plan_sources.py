"""plan_sources: the original file of every plan import, by content hash, with its version

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_sources",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("plan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("stored_path", sa.String(length=1000), nullable=False),
        sa.Column("imported_at", models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "imported_by_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["officials.id"],
            name=op.f("fk_plan_sources_imported_by_id_officials"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_sources_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_sources")),
        sa.UniqueConstraint("plan_id", "version", name=op.f("uq_plan_sources_plan_id_version")),
    )


def downgrade() -> None:
    op.drop_table("plan_sources")
