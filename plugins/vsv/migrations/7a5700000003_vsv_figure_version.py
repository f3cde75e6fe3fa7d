"""vsv: a version number on every figure (core.concurrency: a form never overwrites a change it did not see).

Existing rows start at version 1.

Revision ID: 7a5700000003
Revises: 7a5700000002
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7a5700000003"
down_revision = "7a5700000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vsv_figure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("vsv_figure", schema=None) as batch_op:
        batch_op.drop_column("version")
