"""Liveness and readiness for load balancers, and the schema gate of each app server.

/readyz: 200 when the database answers, its schema is at the head of the core
line and of every plugin line, and Redis answers when REDIS_URL is set; else
503 with what is wrong. A server whose database schema is behind refuses pages
(503, the app's page) and logs why; once `regio db upgrade` has run it serves
without a restart.
"""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from core.testing import login, make_user
from tests.core.operations.conftest import REDIS_URL, redis_or_skip


def test_a_migrated_database_is_ready(app):
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}
    assert client.get("/gezondheid").get_json() == body  # the older URL answers the same


def test_healthz_is_small_and_public(app):
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_an_unmigrated_database_is_not_ready_and_its_pages_are_refused(app_on, tmp_path, caplog):
    app = app_on(f"sqlite:///{tmp_path / 'empty.db'}")
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="regioplatform.readiness"):
        ready = client.get("/readyz")
        page = client.get("/inloggen")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["status"] == "not ready" and body["checks"]["database"] == "ok"
    behind = body["checks"]["migrations"]
    assert behind.startswith("behind: ") and "core@" in behind and "hello@" in behind  # every line is named
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "<h1>Het platform wordt bijgewerkt</h1>" in page.get_data(as_text=True)
    assert any("regio db upgrade" in r.getMessage() for r in caplog.records)
    assert app.test_client().get("/healthz").status_code == 200  # alive, only not ready


def test_after_the_upgrade_the_same_server_serves(app_on, tmp_path, monkeypatch):
    from core import migrate
    from core.operations import readiness
    from core.regions.sync import sync_regions

    monkeypatch.setattr(readiness, "GATE_RECHECK_SECONDS", 0.0)
    app = app_on(f"sqlite:///{tmp_path / 'later.db'}")
    client = app.test_client()
    assert client.get("/inloggen").status_code == 503
    with app.app_context():
        migrate.upgrade(app)
        from core.db import db_session

        sync_regions(db_session(), app.extensions["regioplatform.regions"])
    assert client.get("/readyz").status_code == 200
    assert client.get("/inloggen").status_code == 200
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    assert login(client, "lezer@example.nl").status_code == 302


def test_one_plugin_line_behind_is_not_ready(app):
    """The core at head but the hello plugin's line downgraded to base: not ready, and it says which line."""
    from core import migrate

    with app.app_context():
        migrate.downgrade(app, "hello@base")
    try:
        body = app.test_client().get("/readyz").get_json()
        assert body["status"] == "not ready"
        assert body["checks"]["migrations"].startswith("behind: hello@")
        assert "core@" not in body["checks"]["migrations"]
    finally:  # PostgreSQL: the test database is shared by the following tests
        with app.app_context():
            migrate.upgrade(app)


def test_a_database_ahead_of_the_code_is_ready(app):
    """During a rolling deploy the database is migrated for the new release while old servers still run."""
    engine = app.extensions["regioplatform.db"].engine
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('f00dcafe1234')"))
    try:
        client = app.test_client()
        body = client.get("/readyz").get_json()
        assert body["status"] == "ready"
        assert body["checks"]["migrations"] == "ahead of this code: f00dcafe1234"
        assert client.get("/inloggen").status_code == 200
    finally:  # PostgreSQL: the test database is shared by the following tests
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version WHERE version_num = 'f00dcafe1234'"))


def test_an_unreachable_redis_makes_the_server_not_ready(app_factory):
    app = app_factory(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("unreachable")
    assert response.get_json()["checks"]["database"] == "ok"


def test_a_reachable_redis_is_ready(app_factory):
    redis_or_skip()
    app = app_factory(REDIS_URL=REDIS_URL)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"]["redis"] == "ok"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_need_no_sign_in_and_are_not_cached(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
