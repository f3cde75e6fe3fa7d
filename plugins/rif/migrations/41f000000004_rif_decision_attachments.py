"""rif: the ministry's decision on an application (date, amount granted, reasons, by whom) and attachments.

Revision ID: 41f000000004
Revises: 41f000000003
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "41f000000004"
down_revision = "41f000000003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rif_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("granted_subsidy", sa.Numeric(12, 2), nullable=True))
        batch_op.add_column(sa.Column("decision_reasons", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(254), nullable=True))
    op.create_table(
        "rif_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(254), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["rif_application.id"],
                                name=op.f("fk_rif_attachment_application_id_rif_application"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rif_attachment")),
    )
    op.create_index(op.f("ix_rif_attachment_application_id"), "rif_attachment", ["application_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rif_attachment_application_id"), table_name="rif_attachment")
    op.drop_table("rif_attachment")
    with op.batch_alter_table("rif_application", schema=None) as batch_op:
        for column in ("decided_by", "decision_reasons", "granted_subsidy", "decided_on"):
            batch_op.drop_column(column)
