"""stagepact: report table (one row per institution, region and school year).

Revision ID: 57a900000001
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "57a900000001"
down_revision = None
branch_labels = ("stagepact",)
depends_on = "c0de00000003"


def upgrade() -> None:
    op.create_table(
        "stagepact_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("has_desk", sa.Boolean(), nullable=False),
        sa.Column("has_procedure", sa.Boolean(), nullable=False),
        sa.Column("reports_received", sa.Integer(), nullable=False),
        sa.Column("reports_handled", sa.Integer(), nullable=False),
        sa.Column("reports_forwarded", sa.Integer(), nullable=False),
        sa.Column("teams_matching", sa.Integer(), nullable=False),
        sa.Column("teams_total", sa.Integer(), nullable=False),
        sa.Column("measures", sa.String(length=2000), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_stagepact_report_organisation_id_organisation"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"],
                                name=op.f("fk_stagepact_report_region_id_region"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stagepact_report")),
        sa.UniqueConstraint("region_id", "organisation_id", "school_year",
                            name=op.f("uq_stagepact_report_region_id_organisation_id_school_year")),
    )


def downgrade() -> None:
    op.drop_table("stagepact_report")
