"""`regio reminders send` twice at the same moment, on PostgreSQL: each reminder goes once.

Two threads, each with its own app context, session and connection, run the job for the same day. A barrier
in front of every claim makes them insert the same reminder row at the same moment: the database makes the
second insert wait for the first transaction and then skip it (ON CONFLICT DO NOTHING).
"""
from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from sqlalchemy import func, select

from core.testing import make_user

from .conftest import set_settings

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not PG_URL.startswith("postgresql"),
    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…",
)
TODAY = dt.date(2026, 12, 10)


def test_two_runs_at_the_same_moment_send_each_reminder_once(world, monkeypatch):
    from core.db import db_session
    from core.deadlines import reminders
    from core.deadlines.models import ReminderSent
    from core.mail import OutboxMessage

    app = world.app
    set_settings(app, "rmc-19", "hello", deadline="2026-12-13")
    for ident in ("GM0310", "GM0355", "GM0356"):
        make_user(app, f"invoer-{ident.lower()}@example.nl", org=ident, role="editor")
    barrier = threading.Barrier(2, timeout=20)
    real_claim = reminders.claim

    def claim_together(*args, **kwargs):
        barrier.wait()
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(reminders, "claim", claim_together)
    reports, errors = [], []

    def job():
        try:
            with app.app_context():
                reports.append(reminders.send_reminders(db_session(), TODAY))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive(), "a run hung: a claim was never released"
    assert errors == []
    with app.app_context():
        session = db_session()
        recipients = [m.recipients for m in session.scalars(select(OutboxMessage))]
        claimed = session.scalar(select(func.count()).select_from(ReminderSent))
    # coordinator + Utrecht's editor + the three new editors: five people, one e-mail each.
    assert sorted(recipients) == sorted(set(recipients)) and len(recipients) == 5 == claimed
    assert sum(r.sent for r in reports) == 5 and sum(r.skipped for r in reports) == 5
