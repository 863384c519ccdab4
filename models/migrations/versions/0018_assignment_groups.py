"""assignment groups: a part made from a collective executor names the directory group

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-01 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_group_id_body_groups"),
            "body_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignments_group_id_body_groups"), type_="foreignkey"
        )
        batch_op.drop_column("group_id")
