"""Two-factor sign-in: TOTP (RFC 6238, with pyotp) and single-use recovery codes.

* A secret is created at enrolment and only counts once a first code from
  the app was right (`confirmed_at`). The QR code is an inline SVG (segno).
  Showing the enrolment page stores nothing: the new secret travels in the
  form, sealed (Fernet, for this user, PENDING_SECONDS), and is stored only
  with the first right code.
* A code is accepted in the current 30-second step or one step either side,
  and never twice: the step of the last accepted code is stored by a
  conditional UPDATE (`last_step < step`) that only one request can win, so
  one code sent concurrently opens one session. Recovery codes likewise.
* Ten recovery codes of 80 random bits are shown once; only a salted SHA-256
  of each is stored, and a used code is marked.
* Platform admins and users whose role can sign (signatory, admin) must have
  two-factor before they can act (`requires_two_factor`); the security layer
  sends them to enrolment first, and signing checks it again.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.db import utcnow
from core.identity.models import RecoveryCode, TotpCredential

ISSUER = "Regioplatform"
RECOVERY_COUNT = 10
TWO_FACTOR_ROLES = frozenset({"signatory", "admin"})  # the roles that may sign agreements (agreement.sign)
_CODE_RE = re.compile(r"^\d{6}$")
PENDING_SECONDS = 3600  # how long an enrolment page's QR code can be confirmed


def new_secret() -> str:
    return pyotp.random_base32()


def seal_pending(user, secret: str) -> str:
    """A secret not yet stored, sealed for this user's enrolment form."""
    from core.secret_box import box

    return box().encrypt(f"{user.id}:{secret}".encode()).decode("ascii")


def open_pending(user, token: str) -> str | None:
    """The secret sealed by `seal_pending` for this user, or None (forged, someone else's, or too old)."""
    from cryptography.fernet import InvalidToken

    from core.secret_box import box

    try:
        owner, _sep, secret = box().decrypt((token or "").encode("ascii"), ttl=PENDING_SECONDS).decode().partition(":")
    except (InvalidToken, UnicodeError):
        return None
    return secret if owner == str(user.id) and secret else None


def credential(session, user) -> TotpCredential | None:
    return session.get(TotpCredential, user.id)


def has_two_factor(session, user) -> bool:
    cred = credential(session, user)
    return cred is not None and cred.confirmed_at is not None


def requires_two_factor(user) -> bool:
    """Platform admins, platform roles (ministry, assessor) and users with a role that may sign
    (mandate not ended) need two-factor."""
    if user.is_platform_admin or getattr(user, "platform_role", None):
        return True
    return any(m.role in TWO_FACTOR_ROLES and m.applies_on() for m in user.memberships)


def begin_enrolment(session, user, secret: str | None = None) -> TotpCredential:
    """An unconfirmed `secret` (default: a new one; replaces an unconfirmed one; a confirmed one stays)."""
    secret = secret or new_secret()
    cred = credential(session, user)
    if cred is None:
        cred = TotpCredential(user_id=user.id, secret=secret, last_step=0)
        session.add(cred)
    elif cred.confirmed_at is None:
        cred.secret = secret
    return cred


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code, an SVG data URI (allowed by the CSP's img-src data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if not _CODE_RE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now // totp.interval)
    for offset in (0, -1, 1):
        candidate = step + offset
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def verify_totp(session, cred: TotpCredential | None, code: str) -> bool:
    """A right code not used before; claims its step in the caller's transaction (the caller commits).

    The claim is one conditional UPDATE: of concurrent requests with the same
    code exactly one changes the row (the others wait for its lock and then
    find the step taken), whatever the database.
    """
    if cred is None:
        return False
    step = _matching_step(cred.secret, code)
    if step is None or step <= (cred.last_step or 0):
        return False
    claimed = session.execute(
        update(TotpCredential)
        .where(TotpCredential.user_id == cred.user_id, TotpCredential.last_step < step)
        .values(last_step=step)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    set_committed_value(cred, "last_step", step)
    return True


def confirm_enrolment(session, user, code: str) -> list[str] | None:
    """Confirm the pending secret with a code; returns fresh recovery codes, or None when the code is wrong."""
    cred = credential(session, user)
    if cred is None or not verify_totp(session, cred, code):
        return None
    cred.confirmed_at = utcnow()
    return new_recovery_codes(session, user)


def _code_hash(salt: str, code: str) -> str:
    normal = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"{salt}:{normal}".encode()).hexdigest()


def new_recovery_codes(session, user) -> list[str]:
    """Replace the user's recovery codes by ten new ones; the plain codes are returned once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 80 bits, 16 characters
        code = "-".join(raw[i:i + 4] for i in range(0, 16, 4))
        salt = secrets.token_hex(8)
        session.add(RecoveryCode(user_id=user.id, salt=salt, code_hash=_code_hash(salt, code)))
        codes.append(code)
    return codes


def use_recovery_code(session, user, code: str) -> bool:
    """Accept an unused recovery code once (marks it used; the caller commits)."""
    if not code or len(code.strip()) < 16:
        return False
    rows = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                      RecoveryCode.used_at.is_(None))).all()
    for row in rows:
        if hmac.compare_digest(row.code_hash, _code_hash(row.salt, code)):
            used_at = utcnow()
            claimed = session.execute(
                update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=used_at).execution_options(synchronize_session=False))
            if claimed.rowcount != 1:
                return False  # a concurrent request used it first
            set_committed_value(row, "used_at", used_at)
            return True
    return False


def unused_recovery_codes(session, user) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                             RecoveryCode.used_at.is_(None))).all())


def verify_second_factor(session, user, code: str) -> bool:
    """A TOTP code or, failing that, a recovery code."""
    cred = credential(session, user)
    if cred is None or cred.confirmed_at is None:
        return False
    if _CODE_RE.match((code or "").strip().replace(" ", "")):
        return verify_totp(session, cred, code)
    return use_recovery_code(session, user, code)


def enrol_with_secret(session, user, secret: str) -> TotpCredential:
    """Enrol `user` with a known secret, confirmed at once (demo accounts and tests; never from the web)."""
    cred = credential(session, user)
    if cred is None:
        cred = TotpCredential(user_id=user.id, secret=secret)
        session.add(cred)
    cred.secret = secret
    cred.confirmed_at = cred.confirmed_at or utcnow()
    return cred


def reset_two_factor(session, user, *, actor: tuple[int | None, str]) -> bool:
    """Remove `user`'s TOTP credential and recovery codes (a platform admin's reset); False when there was none.

    Neither model is Audited (a sign-in writes `last_step`), so the removal is
    written to the audit log here, in the caller's transaction, without the secret.
    The caller also ends the user's sessions and commits.
    """
    from core.audit.capture import HIDDEN, append_entries

    cred = credential(session, user)
    codes = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    if cred is None and not codes:
        return False
    before = {"user_id": user.id, "secret": HIDDEN if cred is not None else None,
              "confirmed_at": cred.confirmed_at.isoformat() if cred is not None and cred.confirmed_at else None,
              "recovery_codes": len(codes), "unused_recovery_codes": sum(1 for c in codes if c.used_at is None)}
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if cred is not None:
        session.delete(cred)
    session.flush()
    append_entries(session.connection(), actor, [{
        "action": "delete", "object_type": "totp_credential", "object_id": str(user.id),
        "region_id": None, "organisation_id": None, "before": before, "after": None,
    }])
    return True
