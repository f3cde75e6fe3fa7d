"""Argon2id password hashing with parameters from the config (rehashed when they change)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app


def hasher() -> PasswordHasher:
    """The app's Argon2id hasher (argon2-cffi's defaults unless configured lower for tests)."""
    app = current_app._get_current_object()
    cached = app.extensions.get("regioplatform.hasher")
    if cached is None:
        cached = PasswordHasher(
            time_cost=app.config["ARGON2_TIME_COST"],
            memory_cost=app.config["ARGON2_MEMORY_COST"],
        )
        app.extensions["regioplatform.hasher"] = cached
    return cached


def hash_password(password: str) -> str:
    return hasher().hash(password)


def check_password(user, password: str) -> bool:
    """Verify `password` for `user`; upgrade the stored hash when the parameters changed.

    Users without a password (invited, not yet set) and unknown users cost one
    hash too, so that timing does not reveal which accounts exist.
    """
    ph = hasher()
    stored = getattr(user, "password_hash", None)
    if not stored:
        _burn(ph)
        return False
    try:
        ph.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if ph.check_needs_rehash(stored):
        user.password_hash = ph.hash(password)
    return True


def _burn(ph: PasswordHasher) -> None:
    dummy = current_app.extensions.get("regioplatform.dummy_hash")
    if dummy is None:
        dummy = ph.hash("regioplatform-dummy-password")
        current_app.extensions["regioplatform.dummy_hash"] = dummy
    try:
        ph.verify(dummy, "not-the-password")
    except VerificationError:
        pass
