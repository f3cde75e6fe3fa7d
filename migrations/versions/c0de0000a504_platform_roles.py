"""Platform roles: user_account.platform_role (the ministry, a national assessor), a role without an organisation.

Revision ID: c0de0000a504
Revises: c0de0000a503
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0000a504"
down_revision = "c0de0000a503"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("platform_role", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("platform_role")
