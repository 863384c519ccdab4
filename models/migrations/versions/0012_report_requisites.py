"""report requisites: the proving document's kind, number, date, link and document-system
reference on a report; a plan's setting to accept requisites without a file

Revision ID: 0012
Revises: 0008 (the integrator chains it)
Create Date: 2026-12-01 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("evidence_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("evidence_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("evidence_link", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("evidence_reference", sa.String(length=100), nullable=True))
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "requisites_without_file",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("requisites_without_file")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("evidence_reference")
        batch_op.drop_column("evidence_link")
        batch_op.drop_column("evidence_date")
        batch_op.drop_column("evidence_number")
        batch_op.drop_column("evidence_kind")
