"""Staged Excel imports: uploads waiting for confirmation, shared by every app server.

Revision ID: c0de00000002
Revises: c0de00000001
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de00000002"
down_revision = "c0de00000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staged_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=40), nullable=False),
        sa.Column("sheet_name", sa.String(length=80), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("new_count", sa.Integer(), nullable=False),
        sa.Column("changed_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("base_hash", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("upload", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"],
                                name=op.f("fk_staged_import_region_id_region"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_staged_import_user_id_user_account"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_import")),
        sa.UniqueConstraint("token", name=op.f("uq_staged_import_token")),
    )
    with op.batch_alter_table("staged_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staged_import_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staged_import_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("staged_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staged_import_user_id"))
        batch_op.drop_index(batch_op.f("ix_staged_import_expires_at"))
    op.drop_table("staged_import")
