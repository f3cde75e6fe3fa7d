"""hello: greeting table.

Revision ID: 4e11000000a1
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4e11000000a1"
down_revision = None
branch_labels = ("hello",)
depends_on = "c0de00000001"


def upgrade() -> None:
    op.create_table(
        "hello_greeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_hello_greeting_organisation_id_organisation"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"],
                                name=op.f("fk_hello_greeting_region_id_region"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hello_greeting")),
    )


def downgrade() -> None:
    op.drop_table("hello_greeting")
