"""kwaliteitsagenda: a version number on every realisation (core.concurrency: a form never overwrites a change
it did not see). Existing rows start at version 1.

Revision ID: 4a9e00000002
Revises: 4a9e00000001
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4a9e00000002"
down_revision = "4a9e00000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kwaliteitsagenda_realisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("kwaliteitsagenda_realisation", schema=None) as batch_op:
        batch_op.drop_column("version")
