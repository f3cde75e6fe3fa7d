"""The security log as a table: every security event (core.operations.logs) is also stored, so a platform
admin can filter them at /beheer/beveiliging (kind, account, dates, address).

Events are gathered during a request and written once it is answered, in a transaction of their own (the
request's own unfinished work is rolled back first, as closing its session would): a refusal or a failed
sign-in never commits what the view left half done, and a view's uncommitted write cannot block the insert.
A database that cannot take the row (down, schema behind) costs a logged warning, never the response.
`regio purge` removes events older than RETENTION_SECURITY_EVENTS_DAYS.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow

log = logging.getLogger("regioplatform.security")
PENDING_KEY = "_security_events"

# kind -> label, in the reader's language
KINDS: dict[str, str] = {
    "signin.success": _l("Ingelogd"),
    "signin.failure": _l("Inloggen mislukt"),
    "signin.throttled": _l("Inloggen geblokkeerd (te veel pogingen)"),
    "signout": _l("Uitgelogd"),
    "access.forbidden": _l("Toegang geweigerd"),
    "password.changed": _l("Wachtwoord gewijzigd"),
    "twofactor.enabled": _l("Tweestapsverificatie ingesteld"),
    "twofactor.recovery_codes": _l("Nieuwe herstelcodes"),
    "twofactor.reset": _l("Tweestapsverificatie hersteld door beheerder"),
}


class SecurityEvent(Base):
    """One security event: what happened, when, to which account, from which address."""

    __tablename__ = "security_event"
    __platform_only__ = True  # core.authz.scoped: no row for anyone but a platform admin

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the event outlives the account
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # the account, or the address typed
    address: Mapped[str] = mapped_column(String(64), default="")
    path: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")  # step, endpoint
    request_id: Mapped[str] = mapped_column(String(64), default="")

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


def remember(kind: str, *, user_id, email, address, path, detail, request_id) -> None:
    """Keep one event of the current request, to be stored once the request is answered."""
    g.setdefault(PENDING_KEY, []).append(SecurityEvent(
        at=utcnow(), kind=kind[:40], user_id=user_id, email=(email or None) and email[:254],
        address=(address or "")[:64], path=(path or "")[:300], detail=(detail or "")[:200],
        request_id=(request_id or "")[:64]))


def store_pending(_exc=None) -> None:
    """Write the request's events in a transaction of their own (a teardown_request handler)."""
    events = g.pop(PENDING_KEY, None)
    if not events:
        return
    from core.db import database

    request_session = g.get("db_session")
    if request_session is not None:
        request_session.rollback()  # what closing it does anyway: its unfinished work never stays
    session = database().sessionmaker()
    try:
        session.add_all(events)
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning("security events not stored (%s): %d kept in the log only", type(exc).__name__, len(events))
    finally:
        session.close()
