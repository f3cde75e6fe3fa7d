"""Secrets at rest: values the app must read back (TOTP secrets, outbox messages) are stored encrypted.

Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) with
the keys in SECRETS_KEY: one or more Fernet keys separated by commas, the
first encrypts, all decrypt (MultiFernet). To change keys, put the new one
first, run `regio keys rotate` (re-encrypts every stored value with it) and
then drop the old one. In development, without SECRETS_KEY, a key is derived
from SECRET_KEY; production refuses to start without SECRETS_KEY.

A column declared `Encrypted()` is encrypted when written and decrypted when
read, inside an app context; the database (and a copy of it) holds only
Fernet tokens, which start with "gAAAAA".
"""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from core.config import ConfigError

TOKEN_PREFIX = "gAAAAA"  # every Fernet token: version byte 0x80, then a 64-bit timestamp far below 2**40


def derived_key(secret_key: str) -> str:
    """The development key: a Fernet key derived from SECRET_KEY (never used in production)."""
    digest = hashlib.sha256(b"regioplatform secrets at rest\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured_keys(config) -> list[str]:
    """The Fernet keys of SECRETS_KEY (first encrypts), or the key derived from SECRET_KEY when it is empty."""
    keys = [key.strip() for key in (config.get("SECRETS_KEY") or "").split(",") if key.strip()]
    return keys or [derived_key(config["SECRET_KEY"])]


def make_box(config) -> MultiFernet:
    """A MultiFernet of the configured keys; ConfigError when one is not a Fernet key."""
    fernets = []
    for position, key in enumerate(configured_keys(config), start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"SECRETS_KEY: key {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "make one with: regio keys generate)") from exc
    return MultiFernet(fernets)


def install(app) -> None:
    app.extensions["regioplatform.secrets"] = make_box(app.config)


def box() -> MultiFernet:
    """The app's MultiFernet (needs an app context)."""
    return current_app.extensions["regioplatform.secrets"]


def seal(text: str) -> str:
    return box().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return box().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise RuntimeError("a stored secret cannot be decrypted with any key in SECRETS_KEY "
                           "(was a key removed before `regio keys rotate` ran?)") from None


class Encrypted(TypeDecorator):
    """A text column stored as a Fernet token of its value."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal(value)

    def process_result_value(self, value, dialect):
        return None if value is None else unseal(value)


# (table, key column, encrypted column) of every encrypted value, for `regio keys rotate` and the migration.
ENCRYPTED_COLUMNS = (("totp_credential", "user_id", "secret"), ("mail_outbox", "id", "body"))


def rotate_all(conn) -> dict[str, int]:
    """Re-encrypt every stored value with the first key (MultiFernet.rotate); per table the number of values.

    Run in one transaction: either every value is under the new key or none.
    A value no key can decrypt stops the run with a RuntimeError naming its row.
    """
    from sqlalchemy import column, select, table, update

    multi = box()
    done = {}
    for table_name, key, name in ENCRYPTED_COLUMNS:
        raw = table(table_name, column(key), column(name, Text))
        count = 0
        for row_key, token in conn.execute(select(raw.c[key], raw.c[name]).where(raw.c[name].is_not(None))).all():
            try:
                fresh = multi.rotate(token.encode("ascii")).decode("ascii")
            except InvalidToken:
                raise RuntimeError(f"{table_name} {key}={row_key}: no key in SECRETS_KEY decrypts this value") from None
            conn.execute(update(raw).where(raw.c[key] == row_key).values({name: fresh}))
            count += 1
        done[table_name] = count
    return done
