"""rif: a version number on every application (core's no lost update: an edit never overwrites a change unseen).

Existing rows start at version 1.

Revision ID: 41f000000003
Revises: 41f000000002
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "41f000000003"
down_revision = "41f000000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rif_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("rif_application", schema=None) as batch_op:
        batch_op.drop_column("version")
