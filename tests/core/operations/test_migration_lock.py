"""Concurrent `regio db upgrade` runs on a fresh database all succeed: the migration lock serialises them.

Each run is its own process (`regio db upgrade`, as a deploy script on three
servers would start it) on a new database with no tables yet.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from core.config import PROJECT_ROOT

RUNS = 3


def _start_upgrades(url: str, instance) -> list[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(instance),
           "REGIONS_DIR": str(PROJECT_ROOT / "regions")}
    code = "from core.cli import main; main()"
    return [subprocess.Popen([sys.executable, "-c", code, "db", "upgrade"], env=env, cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(RUNS)]


def _finish(processes) -> list[subprocess.CompletedProcess]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _upgrade_concurrently(url: str, instance) -> list[subprocess.CompletedProcess]:
    return _finish(_start_upgrades(url, instance))


def _heads(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def _code_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    from core import create_app
    from core.migrate import alembic_config

    app = create_app({"REGIONS_DIR": str(PROJECT_ROOT / "regions"), "DATABASE_URL": "sqlite://"})
    return set(ScriptDirectory.from_config(alembic_config(app)).get_heads())


def _assert_all_succeeded(results, url):
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Database bijgewerkt" in result.stdout
    assert _heads(url) == _code_heads()


def test_three_concurrent_upgrades_on_a_fresh_postgresql_database(fresh_postgres, tmp_path):
    """The three runs are made to meet: the test holds the lock until all three wait for it, then lets go."""
    import time

    import psycopg

    from core.migrate import ADVISORY_LOCK_KEY

    with psycopg.connect(fresh_postgres, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        processes = _start_upgrades(fresh_postgres, tmp_path)
        deadline = time.monotonic() + 120
        waiting = 0
        while waiting < RUNS and time.monotonic() < deadline and all(p.poll() is None for p in processes):
            time.sleep(0.2)
            waiting = holder.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                                     "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                     ).fetchone()[0]
        holder.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
    results = _finish(processes)
    assert waiting == RUNS, [r.stderr[-1000:] for r in results]
    _assert_all_succeeded(results, fresh_postgres)
    assert all("holds the migration lock" in r.stderr for r in results)


def test_three_concurrent_upgrades_on_a_fresh_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    results = _upgrade_concurrently(url, tmp_path)
    _assert_all_succeeded(results, url)


def test_the_lock_is_held_during_an_upgrade(app_factory):
    """While one holder has the lock, a second attempt to take it does not get it."""
    from core.migrate import ADVISORY_LOCK_KEY, migration_lock

    app = app_factory()
    engine = app.extensions["regioplatform.db"].engine
    with migration_lock(app):
        if engine.dialect.name == "postgresql":
            import psycopg

            with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as other:
                assert other.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).fetchone()[0] is False
        else:
            import fcntl

            with open(f"{engine.url.database}.migrate-lock", "a+b") as handle, pytest.raises(BlockingIOError):
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
