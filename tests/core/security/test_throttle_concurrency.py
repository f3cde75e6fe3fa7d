"""Sign-in throttling holds under concurrency: attempts are counted before anything is checked.

Each test serves the app on an ephemeral port (werkzeug's threaded server),
fires concurrent requests from threads and counts how many passwords or
codes were actually checked. Runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (the app_factory fixture follows it).
"""
from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from core.testing import DEFAULT_PASSWORD, make_user, serve
from tests.services import redis_or_skip

LIMIT = 5
CONCURRENT = 25
REDIS_URL = "redis://127.0.0.1:6379/4"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, data: dict, cookie: str | None = None) -> tuple[int, str]:
    """POST a form; (status, Location header) without following redirects."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), method="POST")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def fire(count: int, send) -> list:
    """Call `send()` from `count` threads released at the same moment; their results in any order."""
    barrier = threading.Barrier(count)
    results, lock = [], threading.Lock()

    def run():
        barrier.wait()
        result = send()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == count, "a request did not finish"
    return results


def counting(monkeypatch, module, name: str, delay: float = 0.05) -> list:
    """Replace module.name by a slow wrapper that records each call (a wide window for a race)."""
    original = getattr(module, name)
    calls, lock = [], threading.Lock()

    def wrapper(*args, **kwargs):
        with lock:
            calls.append(1)
        time.sleep(delay)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


@pytest.fixture
def served(app_factory):
    """A served app with LOGIN_LIMIT of 5 (more config per call); yields (app, base URL)."""
    stops = []

    def start(**config):
        app = app_factory(LOGIN_LIMIT=f"{LIMIT} per 15 minutes", **config)
        base, stop = serve(app)
        stops.append(stop)
        return app, base

    yield start
    for stop in stops:
        stop()


def session_cookie(app, client) -> str:
    name = app.config["SESSION_COOKIE_NAME"]
    return f"{name}={client.get_cookie(name).value}"


def test_concurrent_wrong_passwords_for_one_account_check_at_most_the_limit(served, monkeypatch):
    import core.identity.views as views

    app, base = served()
    email = "lezer@example.nl"
    make_user(app, email, org="GM0344", role="viewer")
    checks = counting(monkeypatch, views, "check_password")
    statuses = fire(CONCURRENT, lambda: post(f"{base}/inloggen", {"email": email, "password": "fout"})[0])
    # Two counters (account, address) are taken one after the other, so a request may win a place on one and
    # lose on the other: at most LIMIT passwords are checked, never more.
    assert 1 <= len(checks) <= LIMIT
    assert sorted(statuses) == [200] * len(checks) + [429] * (CONCURRENT - len(checks))
    # The account stays locked for the right password too, and no check is spent on it.
    checked = len(checks)
    assert post(f"{base}/inloggen", {"email": email, "password": DEFAULT_PASSWORD})[0] == 429
    assert len(checks) == checked


def test_concurrent_wrong_passwords_from_one_address_check_at_most_the_limit(served, monkeypatch):
    import core.identity.views as views

    app, base = served()
    checks = counting(monkeypatch, views, "check_password")
    statuses = fire(CONCURRENT, lambda: post(f"{base}/inloggen", {"email": f"gok-{uuid.uuid4().hex[:8]}@example.nl",
                                                                  "password": "fout"})[0])
    assert len(checks) == LIMIT
    assert statuses.count(429) == CONCURRENT - LIMIT


def test_successful_sign_ins_give_their_count_back(served):
    app, base = served()
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    for _ in range(3):  # three bursts of LIMIT good sign-ins: each burst finds every count given back
        statuses = fire(LIMIT, lambda: post(f"{base}/inloggen", {"email": "lezer@example.nl",
                                                                 "password": DEFAULT_PASSWORD})[0])
        assert statuses == [302] * LIMIT


def _password_step(app, email: str) -> str:
    client = app.test_client()
    response = client.post("/inloggen", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen/code"
    return session_cookie(app, client)


def test_concurrent_wrong_second_factor_codes_check_at_most_the_limit(served, monkeypatch):
    from core.identity import twofactor

    app, base = served()
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer", two_factor=True)
    cookie = _password_step(app, "lezer@example.nl")
    checks = counting(monkeypatch, twofactor, "verify_second_factor")
    statuses = fire(CONCURRENT, lambda: post(f"{base}/inloggen/code", {"code": "000000"}, cookie)[0])
    assert len(checks) == LIMIT
    assert sorted(statuses) == [200] * LIMIT + [429] * (CONCURRENT - LIMIT)


def test_one_totp_code_sent_concurrently_opens_one_session(served, monkeypatch):
    from sqlalchemy import func, select

    from core.db import db_session
    from core.identity import twofactor
    from core.identity.models import UserSession
    from core.testing import totp_code

    app, base = served()
    user_id = make_user(app, "lezer@example.nl", org="GM0344", role="viewer", two_factor=True)
    cookie = _password_step(app, "lezer@example.nl")
    code = totp_code(app, "lezer@example.nl")
    checks = counting(monkeypatch, twofactor, "_matching_step", delay=0.2)  # all read the old step first
    results = fire(LIMIT, lambda: post(f"{base}/inloggen/code", {"code": code}, cookie))
    assert len(checks) == LIMIT, "every request got as far as comparing the code"
    assert sorted(status for status, _location in results) == [200] * (LIMIT - 1) + [302]
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(UserSession)
                                   .where(UserSession.user_id == user_id)) == 1


def test_one_recovery_code_sent_concurrently_opens_one_session(served, monkeypatch):
    from core.db import db_session
    from core.identity import twofactor
    from core.identity.models import User

    app, base = served()
    user_id = make_user(app, "lezer@example.nl", org="GM0344", role="viewer", two_factor=True)
    with app.app_context():
        codes = twofactor.new_recovery_codes(db_session(), db_session().get(User, user_id))
        db_session().commit()
    cookie = _password_step(app, "lezer@example.nl")
    counting(monkeypatch, twofactor, "_code_hash", delay=0.1)
    results = fire(LIMIT, lambda: post(f"{base}/inloggen/code", {"code": codes[0]}, cookie))
    assert sorted(status for status, _location in results) == [200] * (LIMIT - 1) + [302]


def test_concurrent_wrong_step_ups_check_at_most_the_limit(served, monkeypatch):
    import core.identity.stepup as stepup
    from tests.core.agreements.conftest import BASE, PARTIES, World, add_consortium, drafted_and_sent, load, seen_fingerprint

    app, base = served()
    add_consortium(app, "rmc-19", "hello", PARTIES)
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    make_user(app, "teken-utrecht@example.nl", org="GM0344", role="signatory")
    make_user(app, "teken-debilt@example.nl", org="GM0310", role="signatory")  # every party needs a signatory
    make_user(app, "teken-mbo@example.nl", org="01OE", role="signatory")  # before the agreement can be sent
    world = World(app)
    agreement_id = drafted_and_sent(world)
    client = world.client("teken-utrecht@example.nl")
    fingerprint = seen_fingerprint(client, agreement_id)
    cookie = session_cookie(app, client)
    data = {"organisation": world.org_id("GM0344"), "fingerprint": fingerprint, "password": "fout", "agree": "y"}
    checks = counting(monkeypatch, stepup, "check_password")
    url = f"{base}{BASE}/{agreement_id}/ondertekenen"
    statuses = fire(CONCURRENT, lambda: post(url, data, cookie)[0])
    assert len(checks) == LIMIT
    assert sorted(statuses) == [400] * LIMIT + [429] * (CONCURRENT - LIMIT)
    assert load(world, agreement_id).latest.signatures == []


def _redis_or_skip():
    return redis_or_skip(REDIS_URL, "concurrent Redis counter")


def test_concurrent_wrong_passwords_on_redis_check_at_most_the_limit(served, monkeypatch):
    import core.identity.views as views

    connection = _redis_or_skip()
    tag = uuid.uuid4().hex[:10]
    email = f"redis-{tag}@example.nl"
    app, base = served(REDIS_URL=REDIS_URL)
    make_user(app, email, org="GM0344", role="viewer")
    checks = counting(monkeypatch, views, "check_password")
    try:
        # All requests come from 127.0.0.1: the account and the address counter both stop the run.
        for key in connection.scan_iter(match="*login-address*127.0.0.1*"):
            connection.delete(key)
        statuses = fire(CONCURRENT, lambda: post(f"{base}/inloggen", {"email": email, "password": "fout"})[0])
        assert 1 <= len(checks) <= LIMIT
        assert statuses.count(429) == CONCURRENT - len(checks)
        assert any(True for _ in connection.scan_iter(match=f"*{tag}*"))
    finally:
        for pattern in (f"*{tag}*", "*login-address*127.0.0.1*"):
            for key in connection.scan_iter(match=pattern):
                connection.delete(key)


def test_with_redis_down_sign_in_works_and_is_still_throttled(app_factory, caplog):
    from core.testing import login

    app = app_factory(REDIS_URL="redis://127.0.0.1:1/4", LOGIN_LIMIT="2 per 15 minutes")  # nothing listens there
    make_user(app, "lezer@example.nl", org="GM0344", role="viewer")
    with caplog.at_level(logging.WARNING, logger="regioplatform.security"):
        assert login(app.test_client(), "lezer@example.nl").status_code == 302
    assert any("Rate limit storage unreachable" in record.getMessage() for record in caplog.records)
    client = app.test_client()
    assert [login(client, "lezer@example.nl", "fout").status_code for _ in range(2)] == [200, 200]
    assert login(client, "lezer@example.nl").status_code == 429
