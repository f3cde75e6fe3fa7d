"""A password reset answers before any mail goes out: its timing does not tell whether the address exists."""
from __future__ import annotations

import re
import smtplib

from flask import has_request_context

from core.testing import make_user


CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


class RecordingSMTP:
    """Records each delivery and whether it happened while the request was still being answered."""

    calls: list = []

    def __init__(self, host, port, timeout=None):
        RecordingSMTP.calls.append(("connect", has_request_context()))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def send_message(self, message):
        RecordingSMTP.calls.append((message["To"], has_request_context()))


def test_reset_mail_is_sent_after_the_answer_and_the_answer_is_the_same(app_factory, monkeypatch):
    RecordingSMTP.calls = []
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    app = app_factory(MAIL_SERVER="smtp.example.nl", MAIL_PORT=587, MAIL_FROM="platform@example.nl")
    make_user(app, "bekend@example.nl", org="GM0344", role="viewer")
    answers = []
    for email in ("bekend@example.nl", "onbekend@example.nl"):
        response = app.test_client().post("/wachtwoord-vergeten", data={"email": email}, follow_redirects=True)
        page = CSRF.sub("", response.get_data(as_text=True))  # a token per session
        answers.append((response.status_code, page.replace(email, "")))
    assert answers[0] == answers[1]  # the same page for a known and an unknown address
    # one message, to the known address only, sent after the request was answered (not inside it)
    assert RecordingSMTP.calls == [("connect", False), ("bekend@example.nl", False)]
