"""Is this app server ready to serve: database reachable, schema at head, Redis reachable?

Readiness answers the load balancer (`/readyz`); the schema gate (`install`)
makes the server itself refuse pages with a 503 while the database schema is
behind the code (a deploy whose `regio db upgrade` has not run yet), and logs
why. A database that is *ahead* of the code (migrated for a newer release
during a rolling deploy) counts as ready: migrations are written to be
backward compatible, and taking the old servers out would take the site down.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from flask import Flask, current_app, request
from sqlalchemy import text

log = logging.getLogger("regioplatform.readiness")

GATE_RECHECK_SECONDS = 5.0  # while the schema is behind, look again at most this often
OPEN_ENDPOINTS = frozenset({"operations.healthz", "operations.readyz", "home.health", "operations.metrics",
                            "static"})


@dataclass
class SchemaStatus:
    """Where the database's schema stands against this code's migration heads."""

    missing: list[str] = field(default_factory=list)  # heads of the code the database has not reached
    unknown: list[str] = field(default_factory=list)  # revisions in the database this code does not know

    @property
    def behind(self) -> bool:
        return bool(self.missing)

    def describe(self) -> str:
        if self.missing:
            return "behind: " + ", ".join(self.missing)
        if self.unknown:
            return "ahead of this code: " + ", ".join(self.unknown)
        return "ok"


_SCRIPTS: dict[str, object] = {}


def _script(app: Flask):
    """The migration scripts of the core and every plugin (read once per process and set of directories)."""
    from alembic.script import ScriptDirectory

    from core.migrate import alembic_config

    cfg = alembic_config(app)
    key = cfg.get_main_option("version_locations")
    if key not in _SCRIPTS:
        _SCRIPTS[key] = ScriptDirectory.from_config(cfg)
    return _SCRIPTS[key]


def code_heads(app: Flask) -> dict[str, str]:
    """revision -> its line ("core" or a plugin key) for every head this code has."""
    script = _script(app)
    heads = {}
    for rev in script.get_heads():
        labels = sorted(script.get_revision(rev).branch_labels or ()) or ["?"]
        heads[rev] = labels[0]
    return heads


def schema_status(app: Flask, connection) -> SchemaStatus:
    """Compare the database's alembic versions with this code's heads (every line: core and plugins)."""
    from alembic.runtime.migration import MigrationContext

    script = _script(app)
    current = set(MigrationContext.configure(connection).get_current_heads())
    known = {rev for rev in current if _known(script, rev)}
    applied = {r.revision for r in script.iterate_revisions(tuple(known), "base")} if known else set()
    heads = code_heads(app)
    missing = sorted(f"{line}@{rev}" for rev, line in heads.items() if rev not in applied)
    return SchemaStatus(missing=missing, unknown=sorted(current - known))


def _known(script, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises for a revision it has never heard of
        return False


def check_redis(url: str) -> str:
    """'ok', or why Redis does not answer."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
        return "ok"
    except Exception as exc:  # any failure means: not ready
        return f"unreachable: {type(exc).__name__}"


def readiness(app: Flask) -> tuple[bool, dict[str, str]]:
    """(ready, checks): each check says 'ok' or what is wrong; nothing here raises."""
    checks: dict[str, str] = {}
    engine = app.extensions["regioplatform.db"].engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
            status = schema_status(app, connection)
            checks["migrations"] = status.describe()
            ready = not status.behind
    except Exception as exc:  # unreachable, refused, timed out: not ready
        checks["database"] = f"unreachable: {type(exc).__name__}"
        ready = False
    if app.config.get("REDIS_URL"):
        checks["redis"] = check_redis(app.config["REDIS_URL"])
        ready = ready and checks["redis"] == "ok"
    if not ready:
        _log_not_ready(checks)
    return ready, checks


_last_logged = {"at": 0.0}
NOT_READY_LOG_SECONDS = 60.0  # a load balancer asks every few seconds; say it once a minute


def _log_not_ready(checks: dict[str, str]) -> None:
    now = time.monotonic()
    if now - _last_logged["at"] >= NOT_READY_LOG_SECONDS or _last_logged["at"] == 0.0:
        _last_logged["at"] = now
        log.error("not ready: %s", "; ".join(f"{name} {state}" for name, state in checks.items()),
                  extra={"checks": checks})


def install(app: Flask) -> None:
    """The schema gate: refuse pages (503) while the schema is behind this code, and log why.

    Once the schema has been seen at head it is not checked again (the gate
    costs nothing then); `/readyz` keeps checking on every call.
    """
    state = {"ok": False, "checked": 0.0, "behind": None}

    @app.before_request
    def schema_gate():
        if state["ok"] or request.endpoint in OPEN_ENDPOINTS:
            return None
        now = time.monotonic()
        if state["behind"] is None or now - state["checked"] >= GATE_RECHECK_SECONDS:
            state["checked"] = now
            engine = current_app.extensions["regioplatform.db"].engine
            with engine.connect() as connection:  # an unreachable database raises: the 503 page follows
                status = schema_status(current_app, connection)
            if not status.behind:
                state["ok"], state["behind"] = True, None
                if status.unknown:
                    log.warning("database schema is %s; serving (migrations are backward compatible)",
                                status.describe())
                return None
            state["behind"] = status.describe()
            log.error("database schema is %s: this server refuses requests until `regio db upgrade` has run",
                      state["behind"])
        if state["behind"] is not None:
            from core.errors import SchemaBehind

            raise SchemaBehind()
        return None
