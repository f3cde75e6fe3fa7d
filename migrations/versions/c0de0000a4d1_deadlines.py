"""Deadlines: reminders sent once (claimed by a unique row), opt-outs per kind, iCal feeds; a region's
reminder offsets and a user's chosen language (for e-mail sent outside a request).

Revision ID: c0de0000a4d1
Revises: c0de0000a411
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a4d1"
down_revision = "c0de0000a411"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("region") as batch:
        batch.add_column(sa.Column("reminder_offsets", sa.JSON(), nullable=True))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_uid", sa.String(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_reminder_sent_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint("deadline_uid", "due", "user_id", "offset_days", name="uq_reminder_sent_once"),
    )
    op.create_index(op.f("ix_reminder_sent_user_id"), "reminder_sent", ["user_id"])
    op.create_table(
        "reminder_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_reminder_opt_out_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_opt_out")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_reminder_opt_out_user_id_kind")),
    )
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_calendar_feed_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feed_user_id")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feed")
    op.drop_table("reminder_opt_out")
    op.drop_index(op.f("ix_reminder_sent_user_id"), table_name="reminder_sent")
    op.drop_table("reminder_sent")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("region") as batch:
        batch.drop_column("reminder_offsets")
