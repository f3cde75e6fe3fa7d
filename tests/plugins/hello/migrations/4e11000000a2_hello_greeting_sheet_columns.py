"""hello: the columns of the Excel sheet hello-groeten, and its natural key.

Revision ID: 4e11000000a2
Revises: 4e11000000a1
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4e11000000a2"
down_revision = "4e11000000a1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hello_greeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school_year", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("sent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answered", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("budget", sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column("sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("mood", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("brin", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("municipality", sa.String(length=6), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_hello_greeting_region_id_organisation_id_school_year_text"),
            ["region_id", "organisation_id", "school_year", "text"])


def downgrade() -> None:
    with op.batch_alter_table("hello_greeting", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_hello_greeting_region_id_organisation_id_school_year_text"),
                                 type_="unique")
        for name in ("municipality", "brin", "mood", "public", "sent_on", "budget", "answered", "sent",
                     "school_year"):
            batch_op.drop_column(name)
