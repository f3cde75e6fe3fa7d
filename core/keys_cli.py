"""`regio keys`: the Fernet keys of secrets at rest (core/secret_box.py)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group()
def keys():
    """Keys for secrets at rest (SECRETS_KEY)."""


@keys.command("generate")
def keys_generate():
    """Print a new Fernet key for SECRETS_KEY."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


@keys.command("rotate")
@with_appcontext
def keys_rotate():
    """Re-encrypt every stored secret with the first key of SECRETS_KEY (then the other keys can go)."""
    from core.db import database
    from core.secret_box import rotate_all

    try:
        with database().engine.begin() as conn:
            done = rotate_all(conn)
    except RuntimeError as exc:
        raise click.ClickException(f"niets opnieuw versleuteld: {exc}") from None
    for table_name, count in done.items():
        click.echo(f"{table_name}: {count} waarde(n) opnieuw versleuteld met de eerste sleutel.")
