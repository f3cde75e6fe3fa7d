"""The core mail backend: the outbox always records; SMTP delivers when MAIL_SERVER is configured."""
from __future__ import annotations

import smtplib

from core.testing import make_user

from .conftest import PARTIES, World, add_consortium, drafted_and_sent, outbox


class FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host, port, timeout=None):
        if FakeSMTP.fail:
            raise OSError("verbinding geweigerd")
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def _world(app_factory, monkeypatch, fail=False):
    FakeSMTP.sent, FakeSMTP.fail = [], fail
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app = app_factory(MAIL_SERVER="smtp.example.nl", MAIL_PORT=587, MAIL_FROM="platform@example.nl")
    add_consortium(app, "rmc-19", "hello", PARTIES)
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    for email, org in (("teken-utrecht@example.nl", "GM0344"), ("teken-debilt@example.nl", "GM0310"),
                       ("teken-mbo@example.nl", "01OE")):
        make_user(app, email, org=org, role="signatory")
    return World(app)


def test_with_a_mail_server_messages_are_delivered_after_the_commit(app_factory, monkeypatch):
    world = _world(app_factory, monkeypatch)
    drafted_and_sent(world)
    assert len(FakeSMTP.sent) == 1
    message = FakeSMTP.sent[0]
    assert message["From"] == "platform@example.nl"
    assert message["Subject"].startswith("Ter ondertekening:")
    assert "teken-mbo@example.nl" in message["To"]
    (stored,) = outbox(world)
    assert stored.sent_at is not None and stored.error is None


def test_a_failed_delivery_stays_in_the_outbox_with_its_error(app_factory, monkeypatch):
    world = _world(app_factory, monkeypatch, fail=True)
    drafted_and_sent(world)  # the action itself succeeds
    (stored,) = outbox(world)
    assert stored.sent_at is None and "verbinding geweigerd" in stored.error
    assert stored.status_label == "mislukt"
