"""Agreements (convenanten): versions, required parties, signatures, the in-force event; the mail outbox.

Revision ID: c0de00000003
Revises: c0de00000002
Create Date: 2026-11-26

The composite foreign keys are the database's share of the signing rules: a
signature carries its version's fingerprint (agreement_version.id +
fingerprint) and belongs to a required party (agreement_party.version_id +
organisation_id); the in-force event is unique per version.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0de00000003"
down_revision = "c0de00000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(op.f("ix_mail_outbox_created_at"), "mail_outbox", ["created_at"], unique=False)

    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=40), nullable=False),
        sa.Column("template_key", sa.String(length=40), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_agreement_created_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_agreement_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
    )
    op.create_index(op.f("ix_agreement_region_id"), "agreement", ["region_id"], unique=False)

    op.create_table(
        "agreement_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('concept', 'verzonden', 'vervangen', 'beeindigd')",
                           name=op.f("ck_agreement_version_state")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_agreement_version_number_positive")),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"],
                                name=op.f("fk_agreement_version_agreement_id_agreement"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_agreement_version_created_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_agreement_version_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_version")),
        sa.UniqueConstraint("agreement_id", "number", name=op.f("uq_agreement_version_agreement_id_number")),
        sa.UniqueConstraint("id", "fingerprint", name=op.f("uq_agreement_version_id_fingerprint")),
    )
    op.create_index(op.f("ix_agreement_version_agreement_id"), "agreement_version", ["agreement_id"], unique=False)
    op.create_index(op.f("ix_agreement_version_fingerprint"), "agreement_version", ["fingerprint"], unique=False)

    op.create_table(
        "agreement_in_force",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"],
                                name=op.f("fk_agreement_in_force_agreement_id_agreement"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_agreement_in_force_region_id_region")),
        sa.ForeignKeyConstraint(["version_id", "fingerprint"], ["agreement_version.id", "agreement_version.fingerprint"],
                                name="fk_agreement_in_force_version_fingerprint"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_in_force")),
        sa.UniqueConstraint("version_id", name=op.f("uq_agreement_in_force_version_id")),
    )
    op.create_index(op.f("ix_agreement_in_force_agreement_id"), "agreement_in_force", ["agreement_id"], unique=False)

    op.create_table(
        "agreement_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_party_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_agreement_party_region_id_region")),
        sa.ForeignKeyConstraint(["version_id"], ["agreement_version.id"],
                                name=op.f("fk_agreement_party_version_id_agreement_version"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_party")),
        sa.UniqueConstraint("version_id", "organisation_id", name=op.f("uq_agreement_party_version_id_organisation_id")),
    )
    op.create_index(op.f("ix_agreement_party_organisation_id"), "agreement_party", ["organisation_id"], unique=False)

    op.create_table(
        "agreement_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_email", sa.String(length=254), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_signature_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_agreement_signature_region_id_region")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_agreement_signature_user_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id", "fingerprint"], ["agreement_version.id", "agreement_version.fingerprint"],
                                name="fk_agreement_signature_version_fingerprint"),
        sa.ForeignKeyConstraint(["version_id", "organisation_id"],
                                ["agreement_party.version_id", "agreement_party.organisation_id"],
                                name="fk_agreement_signature_party"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signature")),
        sa.UniqueConstraint("version_id", "organisation_id",
                            name=op.f("uq_agreement_signature_version_id_organisation_id")),
    )
    op.create_index(op.f("ix_agreement_signature_organisation_id"), "agreement_signature", ["organisation_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_agreement_signature_organisation_id"), table_name="agreement_signature")
    op.drop_table("agreement_signature")
    op.drop_index(op.f("ix_agreement_party_organisation_id"), table_name="agreement_party")
    op.drop_table("agreement_party")
    op.drop_index(op.f("ix_agreement_in_force_agreement_id"), table_name="agreement_in_force")
    op.drop_table("agreement_in_force")
    op.drop_index(op.f("ix_agreement_version_fingerprint"), table_name="agreement_version")
    op.drop_index(op.f("ix_agreement_version_agreement_id"), table_name="agreement_version")
    op.drop_table("agreement_version")
    op.drop_index(op.f("ix_agreement_region_id"), table_name="agreement")
    op.drop_table("agreement")
    op.drop_index(op.f("ix_mail_outbox_created_at"), table_name="mail_outbox")
    op.drop_table("mail_outbox")
