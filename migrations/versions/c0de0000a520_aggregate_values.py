"""Maintained aggregates: aggregate_value, the sums per (instrument, aggregate, region, period, measure).

Existing rows are summed by `regio aggregates rebuild` (the sums come from plugin declarations, which a
migration cannot see); from then on every write keeps them.

Revision ID: c0de0000a520
Revises: c0de0017a001
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a520"
down_revision = "c0de0017a001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aggregate_value",
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("aggregate", sa.String(length=40), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("measure", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_aggregate_value_region_id_region"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("instrument", "aggregate", "region_id", "period", "measure",
                                name=op.f("pk_aggregate_value")),
    )


def downgrade() -> None:
    op.drop_table("aggregate_value")
