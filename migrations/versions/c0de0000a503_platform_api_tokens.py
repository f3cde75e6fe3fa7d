"""Platform API tokens: api_token.organisation_id may be empty (a platform admin's read token over every region).

Revision ID: c0de0000a503
Revises: c0de0000a502
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a503"
down_revision = "c0de0000a502"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM api_token WHERE organisation_id IS NULL")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
