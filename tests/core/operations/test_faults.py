"""Faults end in the app's own page and heal themselves.

The database down: every page answers 503 with Retry-After from the static
layout (the app's page in the reader's language, never the server's bare
500), for anonymous and signed-in readers alike. A database restart (the
pool's connections killed) costs no request: connections are pinged first.
"""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from core.testing import login, make_user
from tests.core.operations.conftest import postgres_or_skip

UNREACHABLE = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/regio",  # nothing listens on port 1: refused at once
    "sqlite": "sqlite:////nonexistent-directory/regio.db",  # cannot be opened
}


def assert_unavailable_page(response, language="nl"):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in page and 'class="site-header"' in page  # the app's layout
    title = "Tijdelijk niet beschikbaar" if language == "nl" else "Temporarily unavailable"
    assert f"<h1>{title}</h1>" in page
    assert "Traceback" not in page and "Internal Server Error" not in page
    return page


@pytest.mark.parametrize("backend", sorted(UNREACHABLE))
def test_a_page_that_needs_the_database_answers_503_with_the_apps_page(app_on, backend, caplog):
    app = app_on(UNREACHABLE[backend])
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="regioplatform.errors"):
        response = client.get("/afspraken/verifieren?vingerafdruk=" + "a" * 64)  # public, queries the database
    assert_unavailable_page(response)
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("backend", sorted(UNREACHABLE))
def test_a_signed_in_reader_gets_the_same_page_without_the_user_being_loaded(app_on, backend):
    app = app_on(UNREACHABLE[backend])
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1"  # Flask-Login would load user 1 from the (unreachable) database
        cookie["_fresh"] = True
    page = assert_unavailable_page(client.get("/regio/rmc-19/"))
    assert "Uitloggen" not in page  # nothing of a signed-in layout


def test_the_page_follows_the_language_cookie(app_on):
    client = app_on(UNREACHABLE["sqlite"]).test_client()
    client.set_cookie("taal", "en")
    assert_unavailable_page(client.get("/afspraken/verifieren?vingerafdruk=" + "a" * 64), language="en")


def test_liveness_needs_no_database_and_readiness_says_it_is_down(app_on):
    client = app_on(UNREACHABLE["postgresql"]).test_client()
    live = client.get("/healthz")
    assert (live.status_code, live.get_json()) == (200, {"status": "ok"})
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["status"] == "not ready"
    assert ready.get_json()["checks"]["database"].startswith("unreachable")


def test_a_page_is_served_again_once_the_database_is_back(app_factory, tmp_path):
    """The same app: first its database file is unreachable, then it is there (no restart of the app)."""
    import shutil

    app = app_factory()
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("moves the SQLite file away and back; the PostgreSQL case is the pre-ping test")
    path = url.removeprefix("sqlite:///")
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    client = app.test_client()
    assert login(client, "lezer@example.nl").status_code == 302
    app.extensions["regioplatform.db"].dispose()
    shutil.move(path, tmp_path / "away.db")
    (tmp_path / "blocked").mkdir()
    shutil.move(str(tmp_path / "blocked"), path)  # a directory where the file was: cannot be opened
    page = assert_unavailable_page(client.get("/regio/rmc-19/"))  # the user loader failed, not the gate
    assert "Uitloggen" not in page
    shutil.rmtree(path)
    shutil.move(tmp_path / "away.db", path)
    assert client.get("/regio/rmc-19/").status_code == 200  # the same cookie, the same app: healed


def test_after_a_database_restart_the_next_request_succeeds(app_factory):
    """PostgreSQL: the backend of the pool's connection is terminated (as by a restart); pre-ping replaces it."""
    postgres_or_skip()
    app = app_factory()
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    client = app.test_client()
    assert login(client, "lezer@example.nl").status_code == 302
    engine = app.extensions["regioplatform.db"].engine
    engine.dispose()
    assert client.get("/regio/rmc-19/").status_code == 200  # one pooled connection now
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    assert engine.pool.checkedin() == 1

    import psycopg

    with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]

    assert client.get("/regio/rmc-19/").status_code == 200  # no failed request


def test_without_pre_ping_the_same_restart_fails_a_request():
    """The counter-check: terminating the pooled backend breaks the next use when nothing pings first."""
    url = postgres_or_skip()
    import psycopg
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=False)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(OperationalError), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def test_an_error_page_whose_layout_fails_falls_back_to_the_static_layout(app, monkeypatch):
    """A 404 whose normal layout raises (as when it loads the user from a failing database): still the app's page."""
    import core.errors

    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT user", {}, Exception("connection lost"))

    monkeypatch.setattr(core.errors, "render_template", broken)
    response = app.test_client().get("/bestaat-niet")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<h1>Niet gevonden</h1>" in page and 'class="site-header"' in page
    assert "Retry-After" not in response.headers
