"""Audit rows: the rows of a bulk audit entry, so a row's history is found in bulk entries too.

Revision ID: c0de00000005
Revises: c0de00000004
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de00000005"
down_revision = "c0de00000004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_row",
        sa.Column("object_id", sa.String(length=80), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("object_id", "entry_id", name=op.f("pk_audit_row")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_audit_row_entry_id"), "audit_row", ["entry_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_row_entry_id"), table_name="audit_row")
    op.drop_table("audit_row")
