"""Step-up confirmation: the signed-in user proves again who they are before a weighty action.

Signing an agreement asks for the password once more, in the same POST as
the action, or, for a user with two-factor, a fresh code from the
authenticator app (six digits, never one used before). Failures are counted
per user in the rate-limit storage that sign-in uses (Redis when
configured), with the same limit as sign-in.
"""
from __future__ import annotations

import enum

from flask import current_app
from limits import parse

from core.db import db_session
from core.identity import twofactor
from core.identity.passwords import check_password


class StepUp(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def confirm_step_up(user, password: str) -> StepUp:
    """Check `password` (or a TOTP code) for `user`, throttled per user; OK, WRONG or THROTTLED."""
    limiter = current_app.extensions["regioplatform.limiter"].limiter
    item = parse(current_app.config["LOGIN_LIMIT"])
    key = ("step-up", str(user.id))
    if not limiter.test(item, *key):
        return StepUp.THROTTLED
    value = (password or "").strip()
    if value.isdigit() and len(value) == 6:
        cred = twofactor.credential(db_session(), user)
        if cred is not None and cred.confirmed_at is not None and twofactor.verify_totp(cred, value):
            return StepUp.OK  # the code's step is stored with the signature's commit
    elif check_password(user, password or ""):
        return StepUp.OK
    limiter.hit(item, *key)
    return StepUp.WRONG
