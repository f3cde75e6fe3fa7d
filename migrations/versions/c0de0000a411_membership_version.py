"""core: a version number on every membership (core.concurrency: an admin's form never overwrites a change unseen).

Existing rows start at version 1.

Revision ID: c0de0000a411
Revises: c0de0000a402
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a411"
down_revision = "c0de0000a402"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("version")
