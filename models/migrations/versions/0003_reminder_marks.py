"""reminder marks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 07:26:17.123622
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_marks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "recipient_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "measure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("point_key", sa.String(length=80), nullable=False),
        sa.Column(
            "notification_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "created_at",
            models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_reminder_marks_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_reminder_marks_notification_id_notifications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["officials.id"],
            name=op.f("fk_reminder_marks_recipient_id_officials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_marks")),
        sa.UniqueConstraint(
            "recipient_id",
            "measure_id",
            "point_key",
            name=op.f("uq_reminder_marks_recipient_id_measure_id_point_key"),
        ),
    )
    with op.batch_alter_table("reminder_marks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_marks_measure_id"), ["measure_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_marks_measure_id"))

    op.drop_table("reminder_marks")
