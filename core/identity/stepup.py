"""Step-up confirmation: the signed-in user proves again who they are before a weighty action.

Signing an agreement asks for the password once more, in the same POST as
the action. (When two-factor sign-in is added, a fresh TOTP code is the
alternative; this module is the one place to add it.) Failures are counted
per user in the rate-limit storage that sign-in uses (Redis when
configured), with the same limit as sign-in.
"""
from __future__ import annotations

import enum

from flask import current_app
from limits import parse

from core.identity.passwords import check_password


class StepUp(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def confirm_step_up(user, password: str) -> StepUp:
    """Check `password` for `user`, throttled per user; OK, WRONG or THROTTLED."""
    limiter = current_app.extensions["regioplatform.limiter"].limiter
    item = parse(current_app.config["LOGIN_LIMIT"])
    key = ("step-up", str(user.id))
    if not limiter.test(item, *key):
        return StepUp.THROTTLED
    if check_password(user, password or ""):
        return StepUp.OK
    limiter.hit(item, *key)
    return StepUp.WRONG
