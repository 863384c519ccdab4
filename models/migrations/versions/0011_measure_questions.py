"""measure questions: an official's questions and "not ours" claims to the coordinators

Revision ID: 0011
Revises: 0008 (the integrator chains it after the others of issue 13)
Create Date: 2026-12-01 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OPEN_CLAIM = "kind = 'not_ours' AND answered_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "measure_questions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("measure_id", BIG_ID, nullable=False),
        sa.Column("assignment_id", BIG_ID, nullable=False),
        sa.Column("author_id", BIG_ID, nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "question",
                "not_ours",
                name="question_kind",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", BIG_ID, nullable=True),
        sa.Column("answered_at", models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "answered",
                "reassigned",
                "kept",
                name="question_outcome",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=True,
        ),
        sa.Column("reassigned_to_id", BIG_ID, nullable=True),
        sa.Column(
            "created_at",
            models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_questions_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_measure_questions_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["officials.id"], name=op.f("fk_measure_questions_author_id_officials")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["officials.id"],
            name=op.f("fk_measure_questions_answered_by_id_officials"),
        ),
        sa.ForeignKeyConstraint(
            ["reassigned_to_id"],
            ["organizations.id"],
            name=op.f("fk_measure_questions_reassigned_to_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_questions")),
    )
    op.create_index(
        op.f("ix_measure_questions_measure_id_created_at"),
        "measure_questions",
        ["measure_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "uq_measure_questions_open_claim",
        "measure_questions",
        ["assignment_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_CLAIM),
        postgresql_where=sa.text(OPEN_CLAIM),
    )


def downgrade() -> None:
    op.drop_index("uq_measure_questions_open_claim", table_name="measure_questions")
    op.drop_index(
        op.f("ix_measure_questions_measure_id_created_at"), table_name="measure_questions"
    )
    op.drop_table("measure_questions")
