"""One JSON line per request, security events as log lines, and Prometheus metrics for admins or a token."""
from __future__ import annotations

import json
import logging

import pytest

from core.operations.logs import JsonFormatter
from core.testing import DEFAULT_PASSWORD, login, make_user, totp_code


def lines(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger]


def as_json(record) -> dict:
    return json.loads(JsonFormatter().format(record))


@pytest.fixture
def logged(caplog):
    caplog.set_level(logging.INFO, logger="regioplatform")
    return caplog


def test_every_request_is_one_json_line_with_id_user_status_and_duration(app, client, logged):
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    assert login(client, "lezer@example.nl").status_code == 302
    logged.clear()
    response = client.get("/regio/rmc-19/", headers={"X-Request-ID": "nginx-0123456789abcdef"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "nginx-0123456789abcdef"  # the proxy's id is kept
    (record,) = lines(logged, "regioplatform.request")
    line = as_json(record)
    assert line["request_id"] == "nginx-0123456789abcdef"
    assert line["method"] == "GET" and line["path"] == "/regio/rmc-19/" and line["status"] == 200
    assert line["endpoint"] == "regio.overview"
    assert isinstance(line["user_id"], int) and line["user_id"] > 0
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["logger"] == "regioplatform.request" and "time" in line


def test_a_request_without_a_usable_id_gets_a_new_one(app, logged):
    client = app.test_client()
    first = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    second = client.get("/healthz")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert len(set(ids)) == 2 and all(len(i) == 32 and " " not in i for i in ids)
    records = lines(logged, "regioplatform.request")
    assert [r.request_id for r in records] == ids
    assert all(r.user_id is None for r in records)  # anonymous


def test_sign_in_success_failure_and_throttling_are_security_events(app_factory, logged):
    app = app_factory(LOGIN_LIMIT="2 per 15 minutes")
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    client = app.test_client()
    assert login(client, "lezer@example.nl").status_code == 302
    for _ in range(2):
        assert login(app.test_client(), "lezer@example.nl", "fout-wachtwoord").status_code == 200
    assert login(app.test_client(), "lezer@example.nl", "fout-wachtwoord").status_code == 429
    events = [as_json(r) for r in lines(logged, "regioplatform.security")]
    assert [e["event"] for e in events] == ["signin.success", "signin.failure", "signin.failure", "signin.throttled"]
    assert isinstance(events[0]["user_id"], int)
    assert all(e["account"] == "lezer@example.nl" and e["step"] == "password" for e in events[1:])
    assert all(e["ip"] == "127.0.0.1" for e in events)
    assert "fout-wachtwoord" not in json.dumps(events)


def test_a_password_typed_into_the_email_field_is_not_logged(app, logged):
    app.test_client().post("/inloggen", data={"email": "Geheim wachtwoord!", "password": "x"})
    (event,) = [as_json(r) for r in lines(logged, "regioplatform.security")]
    assert event["event"] == "signin.failure" and event["account"] is None


def test_a_permission_refusal_is_a_security_event(app, client, logged):
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    assert login(client, "lezer@example.nl").status_code == 302
    logged.clear()
    response = client.get("/beheer/")
    assert response.status_code == 403
    (event,) = [as_json(r) for r in lines(logged, "regioplatform.security")]
    assert event["event"] == "access.forbidden" and event["path"] == "/beheer/"
    assert isinstance(event["user_id"], int)


# --- /metrics -------------------------------------------------------------------------

def _sample(text: str, name: str, **labels) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_metrics_need_a_token_or_a_platform_admin(app_factory):
    app = app_factory(METRICS_TOKEN="s3cret-token-for-the-scraper")
    anonymous = app.test_client().get("/metrics")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = app.test_client().get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    reader = app.test_client()
    assert login(reader, "lezer@example.nl").status_code == 302
    assert reader.get("/metrics").status_code == 403
    make_user(app, "beheer@example.nl", platform_admin=True)
    admin = app.test_client()
    assert login(admin, "beheer@example.nl").status_code == 302
    assert admin.get("/metrics").status_code == 200
    scraper = app.test_client().get("/metrics", headers={"Authorization": "Bearer s3cret-token-for-the-scraper"})
    assert scraper.status_code == 200 and scraper.mimetype == "text/plain"


def test_without_a_configured_token_no_bearer_is_accepted(app):
    assert app.test_client().get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_metrics_count_requests_by_endpoint_and_status_and_time_them(app_factory):
    app = app_factory(METRICS_TOKEN="s3cret-token-for-the-scraper")
    client = app.test_client()
    auth = {"Authorization": "Bearer s3cret-token-for-the-scraper"}
    before = client.get("/metrics", headers=auth).get_data(as_text=True)
    for _ in range(3):
        client.get("/healthz")
    client.get("/bestaat-niet")
    after = client.get("/metrics", headers=auth).get_data(as_text=True)

    def delta(name, **labels):
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    assert delta("regio_http_requests_total", endpoint="operations.healthz", method="GET", status="200") == 3
    assert delta("regio_http_requests_total", endpoint="none", method="GET", status="404") == 1
    assert delta("regio_http_request_duration_seconds_count", endpoint="operations.healthz") == 3


def test_metrics_add_up_the_workers_in_multiprocess_mode(tmp_path):
    """Two processes write to PROMETHEUS_MULTIPROC_DIR; /metrics (as under gunicorn) shows their sum."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    code = ("from core.operations import metrics; "
            "[metrics.observe('operations.healthz', 'GET', 200, 0.01) for _ in range(2)]")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    reader = ("from core.operations import metrics; import sys; "
              "sys.stdout.write(metrics.exposition()[0].decode())")
    text = subprocess.run([sys.executable, "-c", reader], env=env, check=True, capture_output=True, text=True,
                          timeout=120).stdout
    assert _sample(text, "regio_http_requests_total", endpoint="operations.healthz", status="200") == 4


def test_a_failed_second_step_and_signing_out_are_security_events(app, logged):
    make_user(app, "teken@example.nl", org="GM0344", role="signatory", two_factor=True)
    client = app.test_client()
    response = client.post("/inloggen", data={"email": "teken@example.nl", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/inloggen/code"
    good = totp_code(app, "teken@example.nl")
    assert client.post("/inloggen/code", data={"code": "000000" if good != "000000" else "111111"}).status_code == 200
    assert client.post("/inloggen/code", data={"code": good}).status_code == 302
    assert client.post("/uitloggen").status_code in (302, 303)
    events = [as_json(r) for r in lines(logged, "regioplatform.security")]
    assert [(e["event"], e.get("step")) for e in events] == [
        ("signin.failure", "second factor"), ("signin.success", None), ("signout", None)]
    assert events[1]["user_id"] == events[2]["user_id"] and isinstance(events[2]["user_id"], int)
