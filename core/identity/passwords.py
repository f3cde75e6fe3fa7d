"""Argon2id password hashing with parameters from the config (rehashed when they change)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _


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


MIN_LENGTH = 12
MAX_LENGTH = 128


def password_problem(password: str, user_inputs=()) -> str | None:
    """Why `password` may not be used (in the reader's language; Dutch outside a request), or None.

    At least 12 characters (ASVS 2.1.1), at most 128; refused when it is on
    zxcvbn's list of 30,000 common passwords or zxcvbn rates it guessable in
    under a million guesses, counting the user's own e-mail address and name
    as known words (ASVS 2.1.7). No list of our own.
    """
    from zxcvbn import zxcvbn
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Een wachtwoord heeft minstens %(num)d tekens.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Een wachtwoord heeft hoogstens %(num)d tekens.", num=MAX_LENGTH)
    common = _common_passwords(FREQUENCY_LISTS)
    if password.lower() in common:
        return _("Dit wachtwoord komt voor in lijsten van veelgebruikte wachtwoorden. Kies een ander.")
    inputs = [part for value in user_inputs if value for part in [value, *str(value).replace("@", " ").replace(".", " ").split()]]
    if zxcvbn(password, user_inputs=inputs)["score"] < 2:
        return _("Dit wachtwoord is te makkelijk te raden. Kies een langer wachtwoord of een zin van een paar woorden.")
    return None


_COMMON: frozenset[str] | None = None


def _common_passwords(lists) -> frozenset[str]:
    global _COMMON
    if _COMMON is None:
        _COMMON = frozenset(p.lower() for p in lists["passwords"])
    return _COMMON
