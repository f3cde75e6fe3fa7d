"""One-time links to set a password (invites) or reset it: signed, time-limited, single-use.

The token names the user, the purpose and a fingerprint of the current
password hash. Setting a password changes the hash, which voids every
earlier link of that user (invite and reset alike): each link works once.
An invite lives INVITE_HOURS (default 7 days), a reset RESET_MINUTES
(default 60).
"""
from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

INVITE = "invite"
RESET = "reset"
_SALT = "regioplatform-set-password"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _max_age(purpose: str) -> int:
    if purpose == RESET:
        return int(current_app.config["RESET_MINUTES"]) * 60
    return int(current_app.config["INVITE_HOURS"]) * 3600


def _state(user) -> str:
    # Changes as soon as a password is set, which voids every earlier link.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_token(user, purpose: str = INVITE) -> str:
    return _serializer().dumps({"u": user.id, "s": _state(user), "p": purpose})


def invite_url(user, purpose: str = INVITE) -> str:
    """The absolute link a person follows to set their password."""
    path = url_for("account.set_password", token=make_token(user, purpose))
    return current_app.config["BASE_URL"].rstrip("/") + path


def read_token(token: str, load_user) -> tuple[object, str] | None:
    """(user, purpose) the token was made for, or None when it is invalid, expired or used."""
    try:
        purpose = _serializer().loads(token).get("p", INVITE)  # signature first, to learn the purpose
        data = _serializer().loads(token, max_age=_max_age(purpose))
    except (BadSignature, SignatureExpired, AttributeError):
        return None
    user = load_user(data.get("u"))
    if user is None or not getattr(user, "active", True) or data.get("s") != _state(user):
        return None
    return user, purpose

