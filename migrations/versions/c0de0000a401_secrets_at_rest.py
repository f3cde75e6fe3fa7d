"""Secrets at rest: TOTP secrets and outbox bodies become Fernet tokens (core/secret_box.py).

A data migration: every stored plaintext value is encrypted with the first
key of SECRETS_KEY (in development the key derived from SECRET_KEY), so the
app that runs it must have the key the servers will use. Values that are
already tokens are left alone, so it can run again. Downgrade decrypts.

Revision ID: c0de0000a401
Revises: c0de00000005
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "c0de0000a401"
down_revision = "c0de00000005"
branch_labels = None
depends_on = None

# (table, key column, encrypted column): fixed here, a migration never follows later code.
COLUMNS = (("totp_credential", "user_id", "secret"), ("mail_outbox", "id", "body"))
TOKEN_PREFIX = "gAAAAA"


def _box():
    from core.secret_box import make_box

    app = context.config.attributes.get("app")
    if app is None:
        from core import create_app

        app = create_app()
    return make_box(app.config)


def _rewrite(change) -> None:
    conn = op.get_bind()
    for table_name, key, column in COLUMNS:
        table = sa.table(table_name, sa.column(key), sa.column(column, sa.Text))
        rows = conn.execute(sa.select(table.c[key], table.c[column]).where(table.c[column].is_not(None))).all()
        for row_key, value in rows:
            new = change(value)
            if new != value:
                conn.execute(sa.update(table).where(table.c[key] == row_key).values({column: new}))


def upgrade() -> None:
    with op.batch_alter_table("totp_credential") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=64), type_=sa.Text(), existing_nullable=False)
    box = _box()
    _rewrite(lambda value: value if value.startswith(TOKEN_PREFIX) else box.encrypt(value.encode()).decode())


def downgrade() -> None:
    box = _box()
    _rewrite(lambda value: box.decrypt(value.encode()).decode() if value.startswith(TOKEN_PREFIX) else value)
    with op.batch_alter_table("totp_credential") as batch:
        batch.alter_column("secret", existing_type=sa.Text(), type_=sa.String(length=64), existing_nullable=False)
