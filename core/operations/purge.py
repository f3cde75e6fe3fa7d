"""Removing what must not be kept once it is no longer needed (`regio purge`, run by a periodic job).

* Staged imports past their expiry: an uploaded workbook (all its sheets, maybe personal data) and its
  preview live in `staged_import` only until the user confirms, cancels or lets it expire.
* Bodies of delivered e-mails: they may hold a set-password or invitation link; the outbox keeps the
  recipient, subject and time as its log of what was sent.
* Sign-in sessions that ended, or whose idle or absolute time-out passed: nothing can use them again,
  and they hold addresses and browser descriptions.

Retention periods (configuration, README "Configuration"): what is only a log of what happened goes once its
period has passed:

* security events (addresses, accounts tried) after RETENTION_SECURITY_EVENTS_DAYS (default 365);
* outbox messages (recipients and subject) after RETENTION_MAIL_DAYS (default 365);
* background-job records, with an upload or export workbook they may still hold, after JOBS_KEEP_DAYS;
* stored API answers for an Idempotency-Key after API_IDEMPOTENCY_HOURS;
* invitations into an organisation that expired unanswered (INVITE_HOURS).

Instruments' detailed rows (their `retention_rules`) go after the retention period of their region or the
platform (core.retention.apply), one transaction and one audit entry per region and instrument; the
maintained sums over them stay as they were.

The audit log is never purged (its chain and checkpoints must stay whole); a purge that removed anything
writes one audit entry saying how many rows of each kind went, so the removal itself is on record.

Each purge is one DELETE (or UPDATE) per table in one transaction; running it twice, or on two servers at once,
removes each row once and never more than it should.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from core.api.idempotency import IdempotentResponse, lifetime as idempotency_lifetime
from core.audit.store import append_entries
from core.db import utcnow
from core.excel.models import StagedImport
from core.identity.models import MembershipInvitation, UserSession
from core.jobs.models import BackgroundJob
from core.mail import OutboxMessage
from core.operations.security_log import SecurityEvent
from core.retention import apply as retention

log = logging.getLogger("regioplatform.purge")


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind one purge removed."""

    staged_imports: int
    sessions: int
    mail_bodies: int = 0
    security_events: int = 0
    mail_messages: int = 0
    jobs: int = 0
    idempotency_keys: int = 0
    invitations: int = 0
    instrument_rows: tuple = ()  # core.retention.apply.Removed: per region and instrument

    @property
    def total(self) -> int:
        return (self.staged_imports + self.sessions + self.mail_bodies + self.security_events + self.mail_messages
                + self.jobs + self.idempotency_keys + self.invitations)


def purge(session: Session, config, now: dt.datetime | None = None, rules: dict | None = None) -> Purged:
    """Delete expired staged imports and dead sessions, clear delivered mail bodies, remove what is past its
    retention period, audit the removal, and commit; returns what was removed.

    `config`: the app's config (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_MINUTES, RETENTION_SECURITY_EVENTS_DAYS,
    RETENTION_MAIL_DAYS, JOBS_KEEP_DAYS, API_IDEMPOTENCY_HOURS, INSTRUMENT_RETENTION_MONTHS); `rules`: instrument
    key -> its plugin_api.RetentionRule items (the registry's), whose rows go after their region's period.
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
    events = session.execute(delete(SecurityEvent).where(
        SecurityEvent.at < now - _days(config, "RETENTION_SECURITY_EVENTS_DAYS"))).rowcount
    messages = session.execute(delete(OutboxMessage).where(
        OutboxMessage.created_at < now - _days(config, "RETENTION_MAIL_DAYS"))).rowcount
    jobs = session.execute(delete(BackgroundJob).where(
        BackgroundJob.created_at < now - _days(config, "JOBS_KEEP_DAYS"))).rowcount
    keys = session.execute(delete(IdempotentResponse).where(
        IdempotentResponse.created_at < now - idempotency_lifetime(config))).rowcount
    invitations = session.execute(delete(MembershipInvitation).where(
        MembershipInvitation.expires_at < now)).rowcount
    purged = Purged(staged_imports=staged, sessions=sessions, mail_bodies=bodies, security_events=events,
                    mail_messages=messages, jobs=jobs, idempotency_keys=keys, invitations=invitations)
    if purged.total:
        append_entries(session.connection(), (None, "regio purge"), [{
            "action": "purge", "object_type": "retention", "object_id": now.date().isoformat(),
            "region_id": None, "organisation_id": None, "before": None,
            "after": {"staged_imports": staged, "sessions": sessions, "mail_bodies": bodies,
                      "security_events": events, "mail_messages": messages, "jobs": jobs,
                      "idempotency_keys": keys, "invitations": invitations},
        }])
    session.commit()
    removed = tuple(retention.apply(session, rules or {}, config, now))
    purged = dataclasses.replace(purged, instrument_rows=removed)
    log.info("purge: %d expired staged imports, %d ended sessions, %d delivered mail bodies, %d security events, "
             "%d outbox messages, %d job records, %d idempotency keys, %d expired invitations removed",
             staged, sessions, bodies, events, messages, jobs, keys, invitations)
    return purged


def _days(config, name: str) -> dt.timedelta:
    return dt.timedelta(days=int(config[name]))
