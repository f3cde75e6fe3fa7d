"""Retention keeps the sums: aggregate_retained, what rows removed after their retention period contributed.

Revision ID: c0de0019b001
Revises: c0de0000a521
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0019b001"
down_revision = "c0de0000a521"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aggregate_retained",
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("aggregate", sa.String(length=40), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("measure", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_aggregate_retained_region_id_region"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("instrument", "aggregate", "region_id", "period", "measure",
                                name=op.f("pk_aggregate_retained")),
    )


def downgrade() -> None:
    op.drop_table("aggregate_retained")
