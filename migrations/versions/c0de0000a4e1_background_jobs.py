"""Background jobs (core/jobs): the row a job's progress page reads; mail delivery attempts.

Revision ID: c0de0000a4e1
Revises: c0de0000a4d1
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a4e1"
down_revision = "c0de0000a4d1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "background_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=40), nullable=False),
        sa.Column("sheet_name", sa.String(length=80), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rq_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_validated", sa.Integer(), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("result_token", sa.String(length=43), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_background_job_owner_id_user_account"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_background_job_region_id_region"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_job")),
        sa.UniqueConstraint("token", name=op.f("uq_background_job_token")),
    )
    op.create_index(op.f("ix_background_job_owner_id"), "background_job", ["owner_id"])
    op.create_index(op.f("ix_background_job_created_at"), "background_job", ["created_at"])
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("attempts")
    op.drop_index(op.f("ix_background_job_created_at"), table_name="background_job")
    op.drop_index(op.f("ix_background_job_owner_id"), table_name="background_job")
    op.drop_table("background_job")
