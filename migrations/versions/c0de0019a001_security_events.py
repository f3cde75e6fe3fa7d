"""The security log as a table: sign-ins, refusals, sign-outs, password and two-factor changes.

Revision ID: c0de0019a001
Revises: c0de0000a504
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0019a001"
down_revision = "c0de0000a504"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_event_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_event_email"), ["email"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_event_email"))
        batch_op.drop_index(batch_op.f("ix_security_event_kind"))
        batch_op.drop_index(batch_op.f("ix_security_event_at"))
    op.drop_table("security_event")
