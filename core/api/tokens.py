"""Making, finding and recording the use of API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update

from core.api.models import ApiToken
from core.db import utcnow

TOKEN_PREFIX = "rp_"  # recognisable in logs and secret scanners


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a token, the only form that is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(session, *, organisation_id: int | None, name: str, scopes: dict[str, str], expires_on: dt.date,
              created_by_id: int | None) -> tuple[ApiToken, str]:
    """Add a token and return it with its secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(organisation_id=organisation_id, name=name, token_hash=token_hash(secret),
                   prefix=secret[:8], scopes=dict(scopes), expires_on=expires_on, created_by_id=created_by_id)
    session.add(row)
    session.flush()
    return row, secret


def find_token(session, secret: str, today: dt.date) -> ApiToken | None:
    """The active token with this secret, or None (unknown, revoked or expired alike)."""
    if not secret or len(secret) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if row is None or not row.is_active(today):
        return None
    return row


def record_use(session, token: ApiToken, address: str | None) -> None:
    """Note when and from where the token was last used (a plain UPDATE: no audit entry per request)."""
    session.execute(update(ApiToken).where(ApiToken.id == token.id)
                    .values(last_used_at=utcnow(), last_used_from=(address or "")[:45] or None))
