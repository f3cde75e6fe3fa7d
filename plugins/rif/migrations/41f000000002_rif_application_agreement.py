"""rif: an application links to the samenwerkingsovereenkomst drafted from it (a core agreement).

Revision ID: 41f000000002
Revises: 41f000000001
Create Date: 2026-12-02 10:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "41f000000002"
down_revision = "41f000000001"
branch_labels = None
depends_on = "c0de00000003"  # the agreement table


def upgrade() -> None:
    with op.batch_alter_table("rif_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreement_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_rif_application_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_rif_application_agreement_id_agreement"), "agreement",
                                    ["agreement_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("rif_application", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_rif_application_agreement_id_agreement"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_rif_application_agreement_id"))
        batch_op.drop_column("agreement_id")
