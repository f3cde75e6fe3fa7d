"""`regio backup FILE` / `regio restore FILE`: a round trip brings back the data and an audit chain that verifies.

SQLite through the online backup API (always tested); PostgreSQL through
pg_dump / pg_restore on a database of its own (skipped, saying why, when
PostgreSQL does not answer or the binaries are missing).
"""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from core.cli import main
from core.testing import make_user


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(main, list(args), input=input)


def _users(app) -> list[str]:
    from core.db import db_session
    from core.identity.models import User

    with app.app_context():
        return sorted(db_session().scalars(select(User.email)))


def _audit_count(app) -> int:
    from core.audit.models import AuditEntry
    from core.db import db_session

    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(AuditEntry))


def _round_trip(app, tmp_path):
    """Users and their audit entries, a backup, more changes, a restore: the backup's state, chain intact."""
    make_user(app, "eerste@example.nl", org="MC19", role="viewer")
    make_user(app, "tweede@example.nl", org="MC19", role="editor")
    before_users, before_audit = _users(app), _audit_count(app)
    assert before_audit > 0
    target = tmp_path / "regio.backup"

    result = cli(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    make_user(app, "later@example.nl", org="MC19", role="viewer")  # after the backup: must disappear
    assert _audit_count(app) > before_audit

    refused = cli(app, "restore", str(target), input="n\n")
    assert refused.exit_code != 0 and "later@example.nl" in _users(app)  # no confirmation, nothing changed

    result = cli(app, "restore", str(target), "--yes")
    assert result.exit_code == 0, result.output
    assert "regio audit verify" in result.output
    assert _users(app) == before_users
    assert _audit_count(app) == before_audit
    verified = cli(app, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert f"{before_audit} regels" in verified.output
    make_user(app, "daarna@example.nl", org="MC19", role="viewer")  # the restored database takes new writes
    assert cli(app, "audit", "verify").exit_code == 0


def test_sqlite_backup_and_restore_round_trip(app_factory, tmp_path):
    app = app_factory()
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the SQLite round trip runs in the SQLite suite")
    _round_trip(app, tmp_path)


def test_postgresql_backup_and_restore_round_trip(fresh_postgres, app_on, tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: postgresql-client)")
    from core import migrate
    from core.db import db_session
    from core.regions.sync import sync_regions

    app = app_on(fresh_postgres)
    with app.app_context():
        migrate.upgrade(app)
        sync_regions(db_session(), app.extensions["regioplatform.regions"])
    _round_trip(app, tmp_path)


def test_a_file_that_is_no_backup_is_refused_and_changes_nothing(app, tmp_path):
    make_user(app, "blijft@example.nl", org="MC19", role="viewer")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database backup" * 100)
    result = cli(app, "restore", str(junk), "--yes")
    assert result.exit_code == 1
    assert "Herstel mislukt" in result.output
    assert "blijft@example.nl" in _users(app)
    assert cli(app, "audit", "verify").exit_code == 0
