"""Step-up confirmation: the signed-in user proves again who they are before a weighty action.

Signing an agreement asks for the password once more, in the same POST as
the action, or, for a user with two-factor, a fresh code from the
authenticator app (six digits, never one used before). Every attempt is
counted per user before it is checked, in the counters sign-in uses
(core/identity/throttle.py), with the same limit; a right one gives its count back.
"""
from __future__ import annotations

import enum

from core.db import db_session
from core.identity import twofactor
from core.identity.passwords import check_password
from core.identity.throttle import count_attempt


class StepUp(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def confirm_step_up(user, password: str) -> StepUp:
    """Check `password` (or a TOTP code) for `user`, throttled per user; OK, WRONG or THROTTLED."""
    attempt = count_attempt(("step-up", str(user.id)))
    if not attempt.allowed:
        return StepUp.THROTTLED
    value = (password or "").strip()
    if value.isdigit() and len(value) == 6:
        cred = twofactor.credential(db_session(), user)
        if cred is not None and cred.confirmed_at is not None and twofactor.verify_totp(db_session(), cred, value):
            attempt.succeeded()
            return StepUp.OK  # the step is claimed in the signature's transaction (a conditional update)
    elif check_password(user, password or ""):
        attempt.succeeded()
        return StepUp.OK
    return StepUp.WRONG
