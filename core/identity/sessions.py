"""Server-side sessions: Flask's cookie is client-side, so the cookie only points at a row here.

At sign-in `start_session` stores a random id in the (signed) cookie and the
id's SHA-256 in `user_session`, with the user's current `session_version`.
Every request (`session_is_valid`, called by the user loader) checks that the
row exists, has not ended, has the user's current version, and that neither
the idle nor the absolute time-out has passed. So a copy of a cookie is
refused once its session ended: after logout (that row), after a password
change, a reset or "log out everywhere" (every row, by raising the version).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, request, session
from sqlalchemy import select, update

from core.db import database, db_session, utcnow
from core.identity.models import UserSession

SESSION_KEY = "_sid"
TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most once a minute


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def start_session(user) -> UserSession:
    """A fresh session for `user` (call after `session.clear()` and `login_user`); commits."""
    token = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=_hash(token), version=user.session_version or 1,
                      user_agent=(request.user_agent.string or "")[:200], address=(request.remote_addr or "")[:64])
    db_session().add(row)
    db_session().commit()
    session[SESSION_KEY] = token
    return row


def current_row(user) -> UserSession | None:
    token = session.get(SESSION_KEY)
    if not token or user is None:
        return None
    row = db_session().scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    return row if row is not None and row.user_id == user.id else None


def load_signed_in(user_id: int):
    """The user of this request's cookie, with what every signed-in request reads, in one statement: their
    memberships (with organisations), the session row of the cookie and whether two-factor is enrolled (kept
    for `core.security.must_enrol`). None when no such user; the session row is checked by `session_is_valid`."""
    from flask import g
    from sqlalchemy import and_
    from sqlalchemy.orm import joinedload

    from core.identity.models import Membership, TotpCredential, User
    from core.orgs.models import Organisation

    token = session.get(SESSION_KEY)
    found = db_session().execute(
        select(User, UserSession, TotpCredential.confirmed_at)
        .outerjoin(UserSession, and_(UserSession.user_id == User.id, UserSession.token_hash == _hash(token or "")))
        .outerjoin(TotpCredential, TotpCredential.user_id == User.id)
        .options(joinedload(User.memberships).joinedload(Membership.organisation)
                 .joinedload(Organisation.region_links))
        .where(User.id == user_id)
    ).unique().first()
    if found is None:
        return None
    user, row, confirmed_at = found
    g._two_factor_enrolled = confirmed_at is not None
    g._session_row = (user.id, row if token else None)
    return user


def session_is_valid(user) -> bool:
    """Whether this request's cookie points at a live session of `user`; refreshes its idle clock."""
    from flask import g

    loaded = g.get("_session_row")
    row = loaded[1] if loaded is not None and loaded[0] == user.id else current_row(user)
    if row is None or row.ended_at is not None or row.version != (user.session_version or 1):
        return False
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = dt.timedelta(minutes=current_app.config["SESSION_ABSOLUTE_MINUTES"])
    if now - _aware(row.last_seen_at) > idle or now - _aware(row.created_at) > absolute:
        _write(update(UserSession).where(UserSession.id == row.id).values(ended_at=now))
        return False
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        # Its own short transaction: the request's session may be half-way through a change.
        _write(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    return True


def _write(stmt) -> None:
    with database().engine.begin() as conn:
        conn.execute(stmt)


def end_current(user) -> None:
    """End the session of this request (logout); the caller commits."""
    row = current_row(user)
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()


def end_all(user) -> None:
    """End every session of `user` and raise the version, so no earlier cookie works; the caller commits."""
    user.session_version = (user.session_version or 1) + 1
    db_session().execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                         .values(ended_at=utcnow()))


def end_one(user, session_id: int) -> bool:
    """End one other live session of `user` (not this request's); False when there is none such. The caller commits."""
    current = current_row(user)
    row = db_session().get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None or (current and row.id == current.id):
        return False
    row.ended_at = utcnow()
    return True


def active_sessions(user) -> list[UserSession]:
    """The user's live sessions, newest first (time-outs applied)."""
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = dt.timedelta(minutes=current_app.config["SESSION_ABSOLUTE_MINUTES"])
    rows = db_session().scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                  UserSession.version == user.session_version)
        .order_by(UserSession.created_at.desc())
    ).all()
    return [r for r in rows if now - _aware(r.last_seen_at) <= idle and now - _aware(r.created_at) <= absolute]
