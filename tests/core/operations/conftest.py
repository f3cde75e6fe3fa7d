"""Helpers for the operations tests: PostgreSQL databases of their own, Redis, an app on any URL."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy.engine import make_url

from tests import services
from tests.conftest import PG_URL, build_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def postgres_or_skip() -> str:
    """TEST_DATABASE_URL when it points at a PostgreSQL that answers, else skip saying why."""
    if not PG_URL:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql://…")
    import psycopg

    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at {PG_URL} does not answer ({exc})")
    return PG_URL


@pytest.fixture
def fresh_postgres():
    """A new, empty PostgreSQL database beside the test database (`<name>_ops_<random>`), dropped afterwards."""
    import psycopg

    base = make_url(postgres_or_skip())
    name = f"{base.database}_ops_{uuid.uuid4().hex[:8]}"
    admin = base.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_or_skip(url: str = REDIS_URL):
    return services.redis_or_skip(url)


@pytest.fixture
def app_on(tmp_path):
    """Build apps on any database URL (the fixture regions, the hello plugin); disposed afterwards."""
    apps = []

    def factory(url: str, **overrides):
        app = build_app(url, tmp_path, **overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["regioplatform.db"].dispose()
