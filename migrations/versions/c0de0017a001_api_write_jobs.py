"""API write jobs: a background job may belong to an API token (and its organisation) instead of a user.

Revision ID: c0de0017a001
Revises: c0de0019a002
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0017a001"
down_revision = "c0de0019a002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("background_job", schema=None) as batch_op:
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("api_token_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("api_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_background_job_api_token_id_api_token"), "api_token",
                                    ["api_token_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key(batch_op.f("fk_background_job_api_organisation_id_organisation"), "organisation",
                                    ["api_organisation_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index(batch_op.f("ix_background_job_api_token_id"), ["api_token_id"])


def downgrade() -> None:
    op.execute("DELETE FROM background_job WHERE owner_id IS NULL")
    with op.batch_alter_table("background_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_background_job_api_token_id"))
        batch_op.drop_constraint(batch_op.f("fk_background_job_api_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_background_job_api_token_id_api_token"), type_="foreignkey")
        batch_op.drop_column("api_organisation_id")
        batch_op.drop_column("api_token_id")
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
