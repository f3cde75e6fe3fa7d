"""Audit anchoring: every entry gets a gap-free sequence number and a keyed hash (core/audit/keyed.py).

A data migration: existing entries are numbered 1, 2, 3, ... in id order
and their MAC is computed with AUDIT_KEY (in development the key derived
from SECRET_KEY), so run it with the production AUDIT_KEY set.

Revision ID: c0de0000a402
Revises: c0de0000a401
Create Date: 2026-12-04
"""
from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from alembic import context, op

revision = "c0de0000a402"
down_revision = "c0de0000a401"
branch_labels = None
depends_on = None


def _key() -> bytes:
    from core.audit.keyed import key_from_config

    app = context.config.attributes.get("app")
    if app is None:
        from core import create_app

        app = create_app()
    return key_from_config(app.config)


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    key = _key()
    table = sa.table("audit_entry", sa.column("id", sa.Integer), sa.column("hash", sa.String),
                     sa.column("seq", sa.Integer), sa.column("mac", sa.String))
    rows = conn.execute(sa.select(table.c.id, table.c.hash).order_by(table.c.id)).all()
    for seq, (entry_id, digest) in enumerate(rows, start=1):
        mac = hmac.new(key, f"{seq}:{digest}".encode("ascii"), hashlib.sha256).hexdigest()
        conn.execute(sa.update(table).where(table.c.id == entry_id).values(seq=seq, mac=mac))
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("mac", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_entry_seq"), ["seq"])


def downgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_constraint(op.f("uq_audit_entry_seq"), type_="unique")
        batch.drop_column("mac")
        batch.drop_column("seq")
