"""rif: a partner's pledge per calendar year of the project (optional; the years add up to the pledge).

Revision ID: 41f000000005
Revises: 41f000000004
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "41f000000005"
down_revision = "41f000000004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rif_pledge_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_line_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cash", sa.Numeric(12, 2), nullable=False),
        sa.Column("in_kind", sa.Numeric(12, 2), nullable=False),
        sa.ForeignKeyConstraint(["partner_line_id"], ["rif_partner.id"],
                                name=op.f("fk_rif_pledge_year_partner_line_id_rif_partner"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rif_pledge_year")),
        sa.UniqueConstraint("partner_line_id", "year", name=op.f("uq_rif_pledge_year_partner_line_id_year")),
    )
    op.create_index(op.f("ix_rif_pledge_year_partner_line_id"), "rif_pledge_year", ["partner_line_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rif_pledge_year_partner_line_id"), table_name="rif_pledge_year")
    op.drop_table("rif_pledge_year")
