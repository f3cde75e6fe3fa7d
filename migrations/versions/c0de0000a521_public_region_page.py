"""The opt-in public region page: public_page (the switch) and published_figures (snapshots as published).

Revision ID: c0de0000a521
Revises: c0de0000a520
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a521"
down_revision = "c0de0000a520"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_page",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_public_page_region_id_region"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("region_id", name=op.f("pk_public_page")),
    )
    op.create_table(
        "published_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=40), nullable=False),
        sa.Column("school_year", sa.String(length=20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["published_by_id"], ["user_account.id"],
                                name=op.f("fk_published_figures_published_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_published_figures_region_id_region"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_figures")),
        sa.UniqueConstraint("region_id", "instrument_key", "school_year",
                            name=op.f("uq_published_figures_region_id_instrument_key_school_year")),
    )


def downgrade() -> None:
    op.drop_table("published_figures")
    op.drop_table("public_page")
