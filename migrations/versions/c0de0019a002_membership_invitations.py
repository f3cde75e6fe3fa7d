"""Membership invitations: an organisation admin invites a person, who becomes a member only by accepting.

Revision ID: c0de0019a002
Revises: c0de0019a001
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de0019a002"
down_revision = "c0de0019a001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "membership_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("invited_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_membership_invitation_organisation_id_organisation"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_membership_invitation_user_id_user_account"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_invitation")),
        sa.UniqueConstraint("user_id", "organisation_id", name=op.f("uq_membership_invitation_user_id_organisation_id")),
    )
    with op.batch_alter_table("membership_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_invitation_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("membership_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_invitation_user_id"))
    op.drop_table("membership_invitation")
