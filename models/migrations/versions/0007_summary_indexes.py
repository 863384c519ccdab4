"""summary indexes: a plan's measures and their current parts read from indexes alone

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEASURES = ("plan_id", "id", "section_id", "deadline", "done_on", "removed_at")
PARTS = ("measure_id", "valid_until", "is_lead", "status", "organization_id")


def upgrade() -> None:
    op.create_index("ix_measures_plan_status", "measures", list(MEASURES), unique=False)
    op.create_index("ix_assignments_measure_parts", "assignments", list(PARTS), unique=False)


def downgrade() -> None:
    op.drop_index("ix_assignments_measure_parts", table_name="assignments")
    op.drop_index("ix_measures_plan_status", table_name="measures")
