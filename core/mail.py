"""The core mail backend: a transactional outbox, delivered by SMTP when MAIL_SERVER is set.

`queue_mail` adds a message to the `mail_outbox` table in the caller's
transaction, so a change that is rolled back sends nothing and a change
that is committed never loses its message. `commit_and_deliver` commits
and then hands the new messages to SMTP when MAIL_SERVER is configured;
without a mail server the outbox is the destination. Platform admins see
at /beheer/outbox who each message is for, its subject and its status, never
its body: a body may carry a live set-password link, so it is also stored
encrypted (core/secret_box.py). A failed delivery stays in the outbox with
its error and its number of attempts.

With REDIS_URL set, delivery is a background job on an RQ worker (never in
the request: a silent mail server cannot hold a page), and a failed one is
tried again with back-off (JOBS_MAIL_RETRIES, JOBS_MAIL_BACKOFF) by RQ's
Retry. Without Redis (or with Redis down) it is delivered after the commit,
in the request, once.
"""
from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage
from typing import Iterable

from flask import after_this_request, current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import DateTime, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db import Base, utcnow
from core.secret_box import Encrypted

_QUEUED_KEY = "mail_queued"


class OutboxMessage(Base):
    """One e-mail: kept after delivery, so the outbox doubles as a log of what was sent."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated addresses
    subject: Mapped[str] = mapped_column(String(300))
    # encrypted at rest: it may hold a set-password link; `regio purge` clears it once delivered (None)
    body: Mapped[str | None] = mapped_column(Encrypted())
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # deliveries tried

    @property
    def recipient_list(self) -> list[str]:
        return [r for r in self.recipients.split(",") if r]

    @property
    def status_label(self) -> str:
        if self.sent_at is not None:
            return _("verzonden")
        if self.error:
            return _("mislukt")
        return _("in outbox")


def queue_mail(session: Session, recipients: Iterable[str], subject: str, body: str) -> OutboxMessage | None:
    """Add one message to the outbox in the current transaction; None when there is nobody to send to."""
    unique = sorted({r.strip().lower() for r in recipients if r and r.strip()})
    if not unique:
        return None
    message = OutboxMessage(recipients=",".join(unique), subject=subject[:300], body=body)
    session.add(message)
    session.info.setdefault(_QUEUED_KEY, []).append(message)
    return message


def install(factory: sessionmaker) -> None:
    """Forget queued messages when their transaction is rolled back (they were never stored)."""
    event.listen(factory, "after_rollback", _forget)


def _forget(session: Session) -> None:
    session.info.pop(_QUEUED_KEY, None)


def commit_and_deliver(session: Session, *, after_response: bool = False) -> None:
    """Commit the transaction, then deliver the messages it queued (SMTP only when configured).

    `after_response`: without a job queue, deliver once the response has gone out rather than
    inside the request, so its timing does not tell whether a message was sent (a password reset
    for an address that exists or not).
    """
    session.commit()
    queued = session.info.pop(_QUEUED_KEY, [])
    if queued and current_app.config.get("MAIL_SERVER"):
        ids = [m.id for m in queued]
        if submit_delivery(ids, current_app.config) is None:
            if after_response and has_request_context():
                _deliver_after_response(current_app._get_current_object(), ids)
            else:
                deliver(session, ids)


def _deliver_after_response(app, ids: list[int]) -> None:
    """Deliver `ids` when the WSGI server closes the response (after it was sent), in a fresh app context."""
    from core.db import db_session

    def run():
        with app.app_context():
            deliver(db_session(), ids)

    @after_this_request
    def defer(response):
        response.call_on_close(run)
        return response


class MailNotSent(RuntimeError):
    """Some messages of a delivery job were not sent (RQ tries the job again after its back-off)."""


def submit_delivery(ids: list[int], config):
    """Deliver the messages `ids` in a background job with retries; None when jobs run inline."""
    from rq import Retry

    from core.jobs import queue

    retries = config["JOBS_MAIL_RETRIES"]
    backoff = [int(s) for s in str(config["JOBS_MAIL_BACKOFF"]).split(",") if s.strip()] or [0]
    retry = Retry(max=retries, interval=backoff) if retries > 0 else None
    return queue.submit("core.mail.deliver_job", ids, config=config, retry=retry, failure_ttl=30 * 24 * 3600)


def deliver_job(ids: list[int]) -> int:
    """The RQ job: deliver `ids`; raise MailNotSent while any is unsent, so that RQ retries."""
    from core.db import db_session
    from core.jobs.worker import worker_app

    app = worker_app()
    app.extensions["regioplatform.db"].engine.dispose(close=False)  # a forked work horse opens its own
    with app.app_context():
        session = db_session()
        sent = deliver(session, ids)
        unsent = session.scalars(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids),
                                                                OutboxMessage.sent_at.is_(None))).all()
        if unsent:
            raise MailNotSent(f"outbox messages {list(unsent)} not sent; RQ tries again after its back-off")
        return sent


def deliver(session: Session, ids: list[int] | None = None) -> int:
    """Send unsent outbox messages (those with `ids`, or all) over SMTP; returns how many went out."""
    config = current_app.config
    stmt = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    messages = session.scalars(stmt).all()
    sent = 0
    if not messages:
        return 0
    for message in messages:
        message.attempts = (message.attempts or 0) + 1
    port = config["MAIL_PORT"]
    try:
        # 465: TLS from the start; 25: plain relay on a trusted network; otherwise (587) STARTTLS.
        connect = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
        with connect(config["MAIL_SERVER"], port, timeout=10) as smtp:
            if port not in (25, 465):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for message in messages:
                email = EmailMessage()
                email["From"] = config["MAIL_FROM"]
                email["To"] = ", ".join(message.recipient_list)
                email["Subject"] = message.subject
                email.set_content(message.body)
                try:
                    smtp.send_message(email)
                    message.sent_at, message.error = utcnow(), None
                    sent += 1
                except smtplib.SMTPException as exc:
                    message.error = str(exc)[:1000]
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("mail delivery failed: %s", exc)
        for message in messages:
            if message.sent_at is None:
                message.error = f"mailserver niet bereikbaar: {exc}"[:1000]
    session.commit()
    return sent
