"""One-time links to set a password: signed, time-limited, void once a password is set."""
from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

INVITE_MAX_AGE = 7 * 24 * 3600
_SALT = "regioplatform-set-password"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _state(user) -> str:
    # Changes as soon as a password is set, which voids every earlier link.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_token(user) -> str:
    return _serializer().dumps({"u": user.id, "s": _state(user)})


def invite_url(user) -> str:
    """The absolute link a person follows to set their password."""
    path = url_for("account.set_password", token=make_token(user))
    return current_app.config["BASE_URL"].rstrip("/") + path


def user_id_from_token(token: str, load_user) -> object | None:
    """The user the token was made for, or None when it is invalid, expired or used."""
    try:
        data = _serializer().loads(token, max_age=INVITE_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = load_user(data.get("u"))
    if user is None or data.get("s") != _state(user):
        return None
    return user
