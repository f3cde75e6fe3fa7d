"""stagepact: a version number on every report (core's no lost update: a form never overwrites a change unseen).

Existing rows start at version 1.

Revision ID: 57a900000002
Revises: 57a900000001
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "57a900000002"
down_revision = "57a900000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stagepact_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("stagepact_report", schema=None) as batch_op:
        batch_op.drop_column("version")
