"""body directory: a body's kind, parent and head, former names, and groups of bodies

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at",
        models.base.UtcDateTime(timezone=True),
        server_default=sa.text("(CURRENT_TIMESTAMP)"),
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_directory", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "executive",
                    "municipality",
                    "other",
                    name="body_kind",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("parent_id", BIG_ID, nullable=True))
        batch_op.add_column(sa.Column("head_name", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_organizations_parent_id_organizations"),
            "organizations",
            ["parent_id"],
            ["id"],
        )
    op.create_table(
        "organization_names",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("organization_id", BIG_ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(length=1000), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_names_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_names")),
    )
    with op.batch_alter_table("organization_names", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_names_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_organization_names_name_key"), ["name_key"], unique=False
        )
    op.create_table(
        "body_groups",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_groups")),
        sa.UniqueConstraint("name_key", name=op.f("uq_body_groups_name_key")),
    )
    op.create_table(
        "body_group_members",
        sa.Column("group_id", BIG_ID, nullable=False),
        sa.Column("organization_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["body_groups.id"],
            name=op.f("fk_body_group_members_group_id_body_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_body_group_members_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "organization_id", name=op.f("pk_body_group_members")),
    )
    with op.batch_alter_table("body_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_body_group_members_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("body_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_group_members_organization_id"))
    op.drop_table("body_group_members")
    op.drop_table("body_groups")
    with op.batch_alter_table("organization_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_names_name_key"))
        batch_op.drop_index(batch_op.f("ix_organization_names_organization_id"))
    op.drop_table("organization_names")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_organizations_parent_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("ck_organizations_body_kind"), type_="check")
        batch_op.drop_column("head_name")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("kind")
        batch_op.drop_column("in_directory")
