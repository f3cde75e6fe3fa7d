"""`regio backup FILE` and `regio restore FILE`: the whole database in one file, and back.

SQLite: the online backup API (a consistent copy while the app keeps
running; restoring copies the file's pages back in one step). PostgreSQL:
`pg_dump --format=custom` and `pg_restore --clean --if-exists
--single-transaction` (the binaries must be installed and not older than the
server); the restore either completes or changes nothing. The audit chain
travels with the data: `regio audit verify` after a restore checks it.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why (in Dutch, for the command line)."""


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("een database in het geheugen kan niet worden geback-upt")
    return database


def _pg_env(engine: Engine) -> dict[str, str]:
    """libpq's environment for the engine's database (the password stays out of the process list)."""
    url = engine.url
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value not in (None, ""):
            env[name] = str(value)
    return env


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore, or a BackupError saying it is missing."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is niet geïnstalleerd (Debian: apt-get install postgresql-client)")
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} mislukte: {result.stderr.strip() or result.returncode}")


def backup(engine: Engine, target: Path) -> None:
    """Write the whole database to `target` (SQLite file, or pg_dump's custom format)."""
    target = Path(target)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    if engine.dialect.name == "postgresql":
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"], _pg_env(engine))
        return
    raise BackupError(f"geen back-up voor {engine.dialect.name}")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup in `source`; all of it or nothing."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: bestand niet gevonden")
    engine.dispose()  # no pooled connection keeps the old contents
    if engine.dialect.name == "sqlite":
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup_db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source}: geen SQLite-back-up ({exc})") from exc
        live = sqlite3.connect(_sqlite_path(engine))
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    if engine.dialect.name == "postgresql":
        _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={engine.url.database}", str(source)], _pg_env(engine))
        return
    raise BackupError(f"geen herstel voor {engine.dialect.name}")
