"""vsv: one table for the figures per municipality and per mbo institution (brin, NULL for the municipality).

The sheet "vsv-cijfers" has an optional instelling column, so the institution
figures move from vsv_institution_figure into vsv_figure with their BRIN. The
natural key becomes region + municipality + school year + BRIN; a partial
unique index keeps the municipality's own rows (BRIN NULL) unique, which a
unique constraint does not (NULLs are distinct there).

Rows moved from vsv_institution_figure get new ids; audit entries written
before this revision keep naming the old table and ids.

Revision ID: 7a5700000002
Revises: 7a5700000001
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7a5700000002"
down_revision = "7a5700000001"
branch_labels = None
depends_on = None

KEY = ["region_id", "organisation_id", "school_year"]
NO_BRIN = sa.text("brin IS NULL")
COLUMNS = "region_id, organisation_id, school_year, brin, participants, new_leavers, is_demo"


def upgrade() -> None:
    with op.batch_alter_table("vsv_figure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brin", sa.String(length=4), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_vsv_figure_key"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_vsv_figure_key"), [*KEY, "brin"])
    op.create_index("uq_vsv_figure_key_municipality", "vsv_figure", KEY, unique=True,
                    sqlite_where=NO_BRIN, postgresql_where=NO_BRIN)
    op.execute(f"INSERT INTO vsv_figure ({COLUMNS}) SELECT {COLUMNS} FROM vsv_institution_figure")
    with op.batch_alter_table("vsv_institution_figure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vsv_institution_figure_region_id"))
    op.drop_table("vsv_institution_figure")


def downgrade() -> None:
    op.create_table(
        "vsv_institution_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("brin", sa.String(length=4), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("new_leavers", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("participants >= 0 AND new_leavers >= 0 AND new_leavers <= participants",
                           name=op.f("ck_vsv_institution_figure_counts")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_vsv_institution_figure_organisation_id_organisation"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_vsv_institution_figure_region_id_region"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vsv_institution_figure")),
        sa.UniqueConstraint("region_id", "organisation_id", "school_year", "brin",
                            name=op.f("uq_vsv_institution_figure_key")),
    )
    with op.batch_alter_table("vsv_institution_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vsv_institution_figure_region_id"), ["region_id"], unique=False)
    op.execute(f"INSERT INTO vsv_institution_figure ({COLUMNS}) SELECT {COLUMNS} FROM vsv_figure "
               "WHERE brin IS NOT NULL")
    op.execute("DELETE FROM vsv_figure WHERE brin IS NOT NULL")
    op.drop_index("uq_vsv_figure_key_municipality", table_name="vsv_figure")
    with op.batch_alter_table("vsv_figure", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_vsv_figure_key"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_vsv_figure_key"), KEY)
        batch_op.drop_column("brin")
