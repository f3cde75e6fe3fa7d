"""TRUSTED_PROXY_HOPS: forwarded headers count only from configured proxies (werkzeug's ProxyFix)."""
from __future__ import annotations

import pytest

from core.testing import DEFAULT_PASSWORD, make_user

PROXY = "10.9.9.9"  # every request reaches the app from the proxy's address


def attempt(client, email: str, forwarded: str, password: str = "fout"):
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": forwarded})


def test_without_the_setting_forwarded_addresses_are_ignored(app_factory):
    app = app_factory(LOGIN_LIMIT="3 per 15 minutes")
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    for i in range(3):
        assert attempt(app.test_client(), f"gok{i}@example.nl", f"198.51.100.{i + 1}").status_code == 200
    # Another "client" behind the same proxy: the counter is the proxy's, whatever the header says.
    assert attempt(app.test_client(), "lezer@example.nl", "198.51.100.77", DEFAULT_PASSWORD).status_code == 429


def test_with_one_trusted_proxy_each_client_has_its_own_address(app_factory):
    from sqlalchemy import select

    from core.db import db_session
    from core.identity.models import UserSession

    app = app_factory(LOGIN_LIMIT="3 per 15 minutes", TRUSTED_PROXY_HOPS=1)
    user_id = make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    for i in range(3):
        assert attempt(app.test_client(), f"gok{i}@example.nl", "198.51.100.1").status_code == 200
    assert attempt(app.test_client(), "gok9@example.nl", "198.51.100.1").status_code == 429
    # The person at another address is not locked out by the guesser, and their session records their address.
    assert attempt(app.test_client(), "lezer@example.nl", "198.51.100.2", DEFAULT_PASSWORD).status_code == 302
    with app.app_context():
        assert db_session().scalars(select(UserSession.address).where(UserSession.user_id == user_id)).all() == [
            "198.51.100.2"]


def test_a_client_cannot_choose_its_address_by_writing_the_header(app_factory):
    app = app_factory(LOGIN_LIMIT="3 per 15 minutes", TRUSTED_PROXY_HOPS=1)
    # The proxy appends the address it saw (198.51.100.1); what the client wrote before it is not trusted.
    for i in range(3):
        spoofed = f"203.0.113.{i + 1}, 198.51.100.1"
        assert attempt(app.test_client(), f"gok{i}@example.nl", spoofed).status_code == 200
    assert attempt(app.test_client(), "gok9@example.nl", "203.0.113.99, 198.51.100.1").status_code == 429


def test_forwarded_scheme_is_trusted_only_from_a_configured_proxy(app_factory):
    from flask import request

    for hops, scheme in ((0, "http"), (1, "https")):
        app = app_factory(TRUSTED_PROXY_HOPS=hops)
        seen = {}

        @app.after_request
        def remember(response, seen=seen):
            seen["scheme"] = request.scheme
            return response

        page = app.test_client().get("/inloggen", headers={"X-Forwarded-Proto": "https"})
        assert page.status_code == 200
        assert seen["scheme"] == scheme


@pytest.mark.parametrize("value", ["-1", "abc", "11"])
def test_a_wrong_setting_is_refused_at_start(app_factory, monkeypatch, value):
    from core.config import ConfigError

    monkeypatch.setenv("TRUSTED_PROXY_HOPS", value)
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        app_factory()
