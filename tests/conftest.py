"""Shared fixtures: an app whose database is built by running the migrations.

The backend is SQLite unless TEST_DATABASE_URL points at PostgreSQL. The
schema is migrated once per session; each test starts from a copy (SQLite) or
from truncated tables (PostgreSQL), with the fixture regions synced.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from core import create_app
from core.testing import DEFAULT_PASSWORD, TEST_CONFIG, login, make_user  # noqa: F401
from tests.plugins.hello import hooks as hello_hooks

FIXTURE_REGIONS = Path(__file__).parent / "fixtures" / "regions"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _build_url_builders_on_first_use() -> None:
    """Test-run speed: werkzeug compiles two URL builders (Python code, via ast and compile) for every
    rule of every app, which was most of create_app's time (about 0.2 s per app, one app per test).
    A test builds few of them, so each is compiled when first used instead: same builder, same URLs.
    Skipped, with the eager behaviour kept, if werkzeug's Rule no longer has this private method.
    """
    from werkzeug.routing import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "lazy", False):
        return

    def lazy_compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = original(rule, append_unknown)
            return compiled(rule, *args, **kwargs)

        return build

    lazy_compile_builder.lazy = True
    Rule._compile_builder = lazy_compile_builder


_build_url_builders_on_first_use()


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (set TEST_DATABASE_URL for PostgreSQL)'}"


def build_app(db_url: str, instance: Path, **overrides):
    config = {**TEST_CONFIG, "DATABASE_URL": db_url, "REGIONS_DIR": str(FIXTURE_REGIONS), **overrides}
    os.environ["INSTANCE_PATH"] = str(instance)
    return create_app(config, extra_plugins=[hello_hooks])


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Run the migrations once: a template SQLite file, or the PostgreSQL test database."""
    from core import migrate
    from core.regions.sync import sync_regions

    instance = tmp_path_factory.mktemp("instance")
    if PG_URL:
        app = build_app(PG_URL, instance)
        with app.app_context():
            engine = app.extensions["regioplatform.db"].engine
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            migrate.upgrade(app)
        app.extensions["regioplatform.db"].dispose()
        return PG_URL
    path = instance / "template.db"
    url = f"sqlite:///{path}"
    app = build_app(url, instance)
    with app.app_context():
        migrate.upgrade(app)
        from core.db import db_session

        sync_regions(db_session(), app.extensions["regioplatform.regions"])
        with app.extensions["regioplatform.db"].engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    app.extensions["regioplatform.db"].dispose()
    return path


def _reset_postgres(app):
    from core.db import Base, db_session
    from core.regions.sync import sync_regions

    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with app.extensions["regioplatform.db"].engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with app.app_context():
        sync_regions(db_session(), app.extensions["regioplatform.regions"])


@pytest.fixture
def app_factory(migrated_template, tmp_path):
    """Build apps on a fresh copy of the migrated database; extra config per call."""
    apps = []

    def factory(*, reuse_db: bool = False, **overrides):
        if PG_URL:
            url = PG_URL
        elif reuse_db and apps:
            url = apps[-1].config["DATABASE_URL"]
        else:
            db = tmp_path / f"test{len(apps)}.db"
            shutil.copy(migrated_template, db)
            url = f"sqlite:///{db}"
        app = build_app(url, tmp_path, **overrides)
        if PG_URL and not apps:
            _reset_postgres(app)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["regioplatform.db"].dispose()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def csrf_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True)


# pytest-flask pushes one request context for the whole test, and its `client`
# keeps the context of its last request pushed (`with app.test_client()`). While
# such a context is pushed, every test-client request reuses its app context, so
# `g` leaks from one request into the next: Flask-Login's signed-in user (a second
# client appears signed in as the first), the database session (stale objects),
# the current region. The two overrides below give each request its own context,
# as in production. For `url_for` in a test, use `with app.test_request_context():`.

@pytest.fixture(autouse=True)
def _push_request_context():
    """Override pytest-flask's: push no context around the test (see above)."""


@pytest.fixture
def client(app):
    """A test client that keeps no request context between requests (see above)."""
    return app.test_client()
