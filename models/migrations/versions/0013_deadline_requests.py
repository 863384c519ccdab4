"""deadline requests: one open request per body and measure

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_REQUEST = "status = 'requested'"


def upgrade() -> None:
    op.create_index(
        "uq_deadline_changes_open_request",
        "deadline_changes",
        ["assignment_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_REQUEST),
        postgresql_where=sa.text(OPEN_REQUEST),
    )


def downgrade() -> None:
    op.drop_index("uq_deadline_changes_open_request", table_name="deadline_changes")
