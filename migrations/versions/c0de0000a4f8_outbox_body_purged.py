"""The outbox keeps a message's body only until it is delivered (`regio purge` clears it): nullable.

Revision ID: c0de0000a4f8
Revises: c0de0000a4e1
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a4f8"
down_revision = "c0de0000a4e1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.alter_column("body", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE mail_outbox SET body = '' WHERE body IS NULL")  # an empty body: not a valid token,
    with op.batch_alter_table("mail_outbox") as batch:  # but the column is NOT NULL again
        batch.alter_column("body", existing_type=sa.Text(), nullable=False)
