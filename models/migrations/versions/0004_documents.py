"""documents: kind (document or photo) and the state of the local copy

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite needs no table copy for it.
    op.add_column(
        "documents",
        sa.Column("kind", sa.String(length=16), server_default="document", nullable=False),
    )
    op.add_column(
        "documents",
        sa.Column("fetch_attempts", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("documents", sa.Column("fetch_error", sa.Text(), nullable=True))
    op.add_column(
        "documents",
        sa.Column("fetched_at", models.base.UtcDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("fetched_at")
        batch_op.drop_column("fetch_error")
        batch_op.drop_column("fetch_attempts")
        batch_op.drop_column("kind")
