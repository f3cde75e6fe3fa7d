"""kwetsbare_jongeren: the responsibility matrix and the aggregated monitor counts.

Revision ID: 6b1700000001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6b1700000001"
down_revision = None
branch_labels = ("kwetsbare_jongeren",)
depends_on = "c0de00000003"


def upgrade() -> None:
    op.create_table(
        "kwetsbare_jongeren_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=6), nullable=False),
        sa.Column("period", sa.String(length=9), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_kwetsbare_jongeren_count_organisation_id_organisation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_kwetsbare_jongeren_count_region_id_region"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwetsbare_jongeren_count")),
        sa.UniqueConstraint("region_id", "organisation_id", "municipality", "period", "category",
                            name="uq_kwetsbare_jongeren_count_natural_key"),
    )
    op.create_table(
        "kwetsbare_jongeren_responsibility",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=100), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["organisation.id"],
                                name=op.f("fk_kwetsbare_jongeren_responsibility_party_id_organisation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"],
                                name=op.f("fk_kwetsbare_jongeren_responsibility_region_id_region"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwetsbare_jongeren_responsibility")),
        sa.UniqueConstraint("region_id", "task", "party_id",
                            name=op.f("uq_kwetsbare_jongeren_responsibility_region_id_task_party_id")),
    )


def downgrade() -> None:
    op.drop_table("kwetsbare_jongeren_responsibility")
    op.drop_table("kwetsbare_jongeren_count")
