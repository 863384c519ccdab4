"""digests: coordinators' weekly digest schedules; reports found by when they were reviewed

Revision ID: 0006
Revises: 0004 (the integrator chains it after 0005)
Create Date: 2026-12-01 10:15:11.203020
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("official_id", BIG_ID, nullable=False),
        sa.Column("weekday", sa.Integer(), server_default="0", nullable=False),
        sa.Column("local_time", sa.Time(), server_default="09:00:00", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("last_sent_on", sa.Date(), nullable=True),
        sa.Column("last_sent_at", models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_digest_subscriptions_weekday_range")
        ),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["officials.id"],
            name=op.f("fk_digest_subscriptions_official_id_officials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_subscriptions")),
        sa.UniqueConstraint("official_id", name=op.f("uq_digest_subscriptions_official_id")),
    )
    op.create_index(
        op.f("ix_reports_status_reviewed_at"), "reports", ["status", "reviewed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reports_status_reviewed_at"), table_name="reports")
    op.drop_table("digest_subscriptions")
