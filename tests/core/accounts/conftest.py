"""Helpers for the account tests: cookies, the outbox, codes."""
from __future__ import annotations

import re

import pyotp
from sqlalchemy import func, select

COOKIE = "session"
LINK_RE = re.compile(r"http://localhost(/wachtwoord-instellen/\S+)")


def cookie_value(client, name: str = COOKIE) -> str | None:
    cookie = client.get_cookie(name)
    return None if cookie is None else cookie.value


def client_with_cookie(app, value: str, name: str = COOKIE):
    """A fresh client (another browser) carrying a copy of a captured cookie."""
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def signed_in(client) -> bool:
    """Whether the client is signed in (a guarded page answers 200, not the sign-in redirect)."""
    response = client.get("/account")
    return response.status_code == 200


def outbox(app, to: str | None = None) -> list:
    from core.db import db_session
    from core.mail import OutboxMessage

    with app.app_context():
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        rows = db_session().scalars(stmt).all()
        return [m for m in rows if to is None or to in m.recipient_list]


def link_in(message) -> str:
    (path,) = LINK_RE.findall(message.body)
    return path


def totp_secret(app, email: str) -> str | None:
    from core.db import db_session
    from core.identity.models import TotpCredential, User

    with app.app_context():
        session = db_session()
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        cred = session.get(TotpCredential, user.id)
        return cred.secret if cred is not None else None


def code_for(secret: str, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    import time

    return totp.at(time.time() + steps_ahead * totp.interval)


def db(app, fn):
    from core.db import db_session

    with app.app_context():
        session = db_session()
        result = fn(session)
        session.commit()
        return result


def invitation_ids(client) -> list[int]:
    """The ids of the invitations the signed-in user is shown at /account/uitnodigingen (their accept forms)."""
    page = client.get("/account/uitnodigingen")
    assert page.status_code == 200
    return [int(i) for i in re.findall(r'/account/uitnodigingen/(\d+)/accepteren', page.get_data(as_text=True))]
