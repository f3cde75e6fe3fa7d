"""The alembic configuration, built in code: core versions plus every plugin's location."""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask

from core.config import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
CORE_VERSIONS = MIGRATIONS_DIR / "versions"
# pg_advisory_lock key of schema changes: any 64-bit number no other code of this database uses.
ADVISORY_LOCK_KEY = 0x7265_6769_6F2D_6462  # "regio-db"

log = logging.getLogger("regioplatform.migrate")


@contextlib.contextmanager
def migration_lock(app: Flask):
    """Hold the database's migration lock: concurrent `regio db upgrade` runs go one after another.

    PostgreSQL: a session-level advisory lock on a connection of its own (the
    migrations run on another). SQLite: an exclusive lock on a file beside the
    database file. The second run waits, then finds the schema at head and
    changes nothing.
    """
    engine = app.extensions["regioplatform.db"].engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.exec_driver_sql("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).scalar():
                log.warning("another schema change holds the migration lock; waiting for it")
                conn.exec_driver_sql("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield  # an in-memory database belongs to one process
        return
    import fcntl

    with open(f"{database}.migrate-lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another schema change holds the migration lock; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alembic_config(app: Flask) -> Config:
    """An alembic Config whose env.py uses this app's engine and models."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    dirs = [CORE_VERSIONS] + [
        Path(e.migrations) for e in app.extensions["regioplatform"].ordered() if e.migrations is not None
    ]
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(d) for d in dirs))
    cfg.attributes["app"] = app
    return cfg


def script_directory(app: Flask) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(app))


def upgrade(app: Flask, target: str = "heads") -> None:
    """Apply every core and plugin revision (`upgrade heads`), under the migration lock."""
    with migration_lock(app):
        command.upgrade(alembic_config(app), target)


def downgrade(app: Flask, target: str) -> None:
    """Revert to `target` (e.g. `<key>@base`), under the migration lock."""
    with migration_lock(app):
        command.downgrade(alembic_config(app), target)


def revision(app: Flask, label: str, message: str, autogenerate: bool = False) -> None:
    """Create a revision on the line `label` ("core" or an instrument key)."""
    cfg = alembic_config(app)
    cfg.attributes["autogenerate_label"] = label
    script = ScriptDirectory.from_config(cfg)
    has_line = any(label in (rev.branch_labels or ()) for rev in script.walk_revisions())
    if has_line:
        command.revision(cfg, message=message, autogenerate=autogenerate, head=f"{label}@head")
    else:
        entry = app.extensions["regioplatform"].entries.get(label)
        location = CORE_VERSIONS if label == "core" else (entry.migrations if entry else None)
        if location is None:
            raise RuntimeError(f"'{label}' has no migration location")
        command.revision(cfg, message=message, autogenerate=autogenerate, head="base",
                         branch_label=label, version_path=str(location))
