"""Removing what must not be kept once it is no longer needed (`regio purge`, run by a periodic job).

* Staged imports past their expiry: an uploaded workbook (all its sheets, maybe personal data) and its
  preview live in `staged_import` only until the user confirms, cancels or lets it expire.
* Bodies of delivered e-mails: they may hold a set-password or invitation link; the outbox keeps the
  recipient, subject and time as its log of what was sent.
* Sign-in sessions that ended, or whose idle or absolute time-out passed: nothing can use them again,
  and they hold addresses and browser descriptions.

Each purge is one DELETE (or UPDATE) per table in one transaction; running it twice, or on two servers at once,
removes each row once and never more than it should.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from core.db import utcnow
from core.excel.models import StagedImport
from core.identity.models import UserSession
from core.mail import OutboxMessage

log = logging.getLogger("regioplatform.purge")


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind one purge removed."""

    staged_imports: int
    sessions: int
    mail_bodies: int = 0

    @property
    def total(self) -> int:
        return self.staged_imports + self.sessions + self.mail_bodies


def purge(session: Session, config, now: dt.datetime | None = None) -> Purged:
    """Delete expired staged imports and dead sessions, clear delivered mail bodies, and commit; returns what
    was removed.

    `config`: the app's config (the session time-outs SESSION_IDLE_MINUTES and SESSION_ABSOLUTE_MINUTES).
    """
    now = now or utcnow()
    idle = dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute = dt.timedelta(minutes=config["SESSION_ABSOLUTE_MINUTES"])
    staged = session.execute(delete(StagedImport).where(StagedImport.expires_at < now)).rowcount
    dead = or_(UserSession.ended_at.is_not(None), UserSession.last_seen_at < now - idle,
               UserSession.created_at < now - absolute)
    sessions = session.execute(delete(UserSession).where(dead)).rowcount
    bodies = session.execute(update(OutboxMessage).where(OutboxMessage.sent_at.is_not(None),
                                                         OutboxMessage.body.is_not(None)).values(body=None)).rowcount
    session.commit()
    purged = Purged(staged_imports=staged, sessions=sessions, mail_bodies=bodies)
    log.info("purge: %d expired staged imports, %d ended sessions, %d delivered mail bodies removed",
             staged, sessions, bodies)
    return purged
