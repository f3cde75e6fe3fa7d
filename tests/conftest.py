"""Shared fixtures: an app whose database is built by running the migrations.

The backend is SQLite unless TEST_DATABASE_URL points at PostgreSQL. The
schema is migrated once per session; each test starts from a copy (SQLite) or
from truncated tables (PostgreSQL), with the fixture regions synced.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from jinja2 import BytecodeCache
from sqlalchemy import text

from core import create_app
from core.testing import DEFAULT_PASSWORD, TEST_CONFIG, login, make_user  # noqa: F401
from tests.plugin_matrix import only_these_plugins, write_fixture_regions
from tests.plugins.hello import hooks as hello_hooks

only_these_plugins()  # REGIO_TEST_PLUGINS (see tests/plugin_matrix.py)


def _fixture_regions() -> Path:
    """tests/fixtures/regions plus the tables every registered instrument's tests contribute (REGIONS in its
    matrix.py; default: enabled in rmc-19 and rmc-29), written once per test process."""
    target = Path(tempfile.mkdtemp(prefix="regio-fixture-regions-"))
    atexit.register(shutil.rmtree, target, True)
    return write_fixture_regions(target / "regions")


FIXTURE_REGIONS = _fixture_regions()


def _test_database_url() -> None:
    """Rewrite TEST_DATABASE_URL for this test process before any test module reads it.

    * Under pytest-xdist each worker gets its own PostgreSQL database (`<name>_gw0`, `<name>_gw1`, ...),
      created next to the given one on first use: the suite drops and recreates the schema of the
      database it is given, so two workers on one database would destroy each other's tables. SQLite
      needs nothing: each worker has its own temporary directory.
    * Commits do not wait for the WAL to reach the disk (`synchronous_commit=off`, a per-session
      setting): the test data need not survive a crash, and the suite spent most of its PostgreSQL
      time waiting for fsync. Durability of the server itself is untouched.
    """
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return
    from sqlalchemy.engine import make_url

    base = make_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker:
        import psycopg

        name = f"{base.database}_{worker}"
        admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
        base = base.set(database=name)
    if "options" not in base.query:
        base = base.update_query_dict({"options": "-csynchronous_commit=off"})
    os.environ["TEST_DATABASE_URL"] = base.render_as_string(hide_password=False)


_test_database_url()
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


def _parse_each_url_rule_once() -> None:
    """Test-run speed: werkzeug parses every rule's path into regex parts for every app (about 40% of
    create_app once the builders were lazy). The parts depend only on the rule's text and the map's
    settings, so a rule seen before in this process gets a copy of them; its URL builders are still its
    own (the lazy ones above). Skipped, with the plain behaviour kept, if Rule's private layout changed.
    """
    from werkzeug.routing import Rule

    original = Rule.compile
    if getattr(original, "cached", False) or not all(hasattr(Rule, name) for name in ("_compile_builder", "_parse_rule")):
        return
    parsed: dict = {}

    def compile_once(self) -> None:
        mapping = self.map
        key = (self.rule, self.host if mapping.host_matching else self.subdomain, self.merge_slashes,
               mapping.host_matching, frozenset(self.arguments), frozenset(mapping.converters.items()))
        seen = parsed.get(key)
        if seen is None:
            original(self)
            parsed[key] = (list(self._parts), list(self._trace), dict(self._converters), set(self.arguments))
            return
        parts, trace, converters, arguments = seen
        self._parts, self._trace, self._converters, self.arguments = list(parts), list(trace), dict(converters), set(arguments)
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    compile_once.cached = True
    Rule.compile = compile_once


_parse_each_url_rule_once()


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (set TEST_DATABASE_URL for PostgreSQL)'}"


class _SharedTemplateCode(BytecodeCache):
    """Test-run speed: Jinja compiles every template again for every new app (one app per test), about
    an eighth of a test's time. The compiled code is kept per template name and source checksum, as
    Jinja's own file cache would, and shared by every app of this test process."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key + bucket.checksum)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key + bucket.checksum] = bucket.bytecode_to_string()


TEMPLATE_CODE = _SharedTemplateCode()


def build_app(db_url: str, instance: Path, **overrides):
    config = {**TEST_CONFIG, "DATABASE_URL": db_url, "REGIONS_DIR": str(FIXTURE_REGIONS), **overrides}
    os.environ["INSTANCE_PATH"] = str(instance)
    app = create_app(config, extra_plugins=[hello_hooks])
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    return app


BASELINE_SCHEMA = "test_baseline"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Run the migrations once: a template SQLite file, or the PostgreSQL test database.

    Both start each test from the migrated schema with the fixture regions synced: SQLite copies the
    template file; PostgreSQL restores a snapshot of the synced rows (see `_reset_postgres`).
    """
    from core import migrate
    from core.db import db_session
    from core.regions.sync import sync_regions

    instance = tmp_path_factory.mktemp("instance")
    if PG_URL:
        app = build_app(PG_URL, instance)
        with app.app_context():
            engine = app.extensions["regioplatform.db"].engine
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {BASELINE_SCHEMA} CASCADE"))
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            migrate.upgrade(app)
            sync_regions(db_session(), app.extensions["regioplatform.regions"])
            _snapshot_postgres(engine)
        app.extensions["regioplatform.db"].dispose()
        return PG_URL
    path = instance / "template.db"
    url = f"sqlite:///{path}"
    app = build_app(url, instance)
    with app.app_context():
        migrate.upgrade(app)
        sync_regions(db_session(), app.extensions["regioplatform.regions"])
        with app.extensions["regioplatform.db"].engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    app.extensions["regioplatform.db"].dispose()
    return path


_BASELINE: dict = {}


def _filled_tables(conn, tables: list[str]) -> set[str]:
    probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM public.\"{name}\")" for name in tables)
    return {row[0] for row in conn.execute(text(probe))}


def _snapshot_postgres(engine) -> None:
    """Copy the rows of the freshly synced database (regions, organisations, ...) into a side schema.

    The side schema is not the app's (`public`), so the migrated-schema-equals-models check never sees it.
    """
    from core.db import Base

    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        filled = _filled_tables(conn, tables)
        conn.execute(text(f"CREATE SCHEMA {BASELINE_SCHEMA}"))
        for name in filled:
            conn.execute(text(f'CREATE TABLE {BASELINE_SCHEMA}."{name}" AS SELECT * FROM public."{name}"'))
        sequences = conn.execute(text("SELECT sequencename, last_value FROM pg_sequences "
                                      "WHERE schemaname = 'public' AND last_value IS NOT NULL")).all()
    _BASELINE.update(tables=[name for name in tables if name in filled], sequences=dict(sequences))


def _reset_postgres(app, snapshot: dict | None = None, schema: str = BASELINE_SCHEMA):
    """Bring the test database back to a snapshot: by default the one taken after migrating and syncing.

    TRUNCATE of every table plus a new region sync took 0.7-1.2 s a test (TRUNCATE makes a new file per
    table). A test fills few tables: find them in one statement, DELETE children first, put the snapshot's
    rows back and set every sequence to where the snapshot had it.
    """
    from core.db import Base

    snapshot = snapshot or _BASELINE
    tables = [t.name for t in Base.metadata.sorted_tables]
    statements = []
    with app.extensions["regioplatform.db"].engine.begin() as conn:
        filled = _filled_tables(conn, tables)
        statements += [f'DELETE FROM public."{name}"' for name in reversed(tables) if name in filled]
        statements += [f'INSERT INTO public."{name}" SELECT * FROM {schema}."{name}"'
                       for name in snapshot["tables"]]
        statements.append("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE c.relkind = 'S' AND n.nspname = 'public'")
        statements += [f"SELECT setval('public.\"{name}\"', {value}, true)"
                       for name, value in snapshot["sequences"].items()]
        conn.exec_driver_sql("; ".join(statements))


# --- data built once per test process ---------------------------------------------------------------

_BUILT: dict[str, tuple[object, object]] = {}  # name -> (what the builder returned, the database snapshot)


def built_once(app, name: str, build):
    """`build(app)` in the first test that asks for `name`; later tests of the same process get a copy of
    the database exactly as that build left it (and the same returned value) instead of building again.

    For expensive shared worlds (users, agreements, staged imports) that tests read but do not keep
    changes to: every test still starts from its own copy. SQLite keeps a copy of the file; PostgreSQL a
    copy of the filled tables in a side schema, restored like the baseline.
    """
    if name in _BUILT:
        result, snapshot = _BUILT[name]
        _restore(app, snapshot)
        return result
    result = build(app)
    _BUILT[name] = (result, _snapshot(app, name))
    return result


def _snapshot(app, name: str):
    engine = app.extensions["regioplatform.db"].engine
    if engine.dialect.name == "postgresql":
        from core.db import Base

        schema = "test_built_" + re.sub(r"\W", "_", name)
        tables = [t.name for t in Base.metadata.sorted_tables]
        with engine.begin() as conn:
            filled = _filled_tables(conn, tables)
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
            for table in filled:
                conn.execute(text(f'CREATE TABLE {schema}."{table}" AS SELECT * FROM public."{table}"'))
            sequences = conn.execute(text("SELECT sequencename, last_value FROM pg_sequences "
                                          "WHERE schemaname = 'public' AND last_value IS NOT NULL")).all()
        return {"schema": schema, "tables": [t for t in tables if t in filled], "sequences": dict(sequences)}
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = Path(tempfile.mkdtemp(prefix="regio-built-")) / "built.db"
    shutil.copy(engine.url.database, copy)
    return copy


def _restore(app, snapshot) -> None:
    store = app.extensions["regioplatform.db"]
    if isinstance(snapshot, dict):
        _reset_postgres(app, snapshot, snapshot["schema"])
        return
    store.dispose()
    database = Path(store.engine.url.database)
    for leftover in (database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(snapshot, database)


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


DATABASE_MENTIONS = ("TEST_DATABASE_URL", "PG_URL")
# Test modules about the language and structure of pages: they read from the database, but what they
# check (translations, headings) is the same on any backend. The PostgreSQL run renders every page anyway
# (the route matrix), so they run in the SQLite run only.
PRESENTATION_ONLY = ("test_language.py", "test_english_pages.py", "test_page_structure.py")


def _names_the_database(path: Path, tests_root: Path, seen: dict) -> bool:
    """Whether a test module, or a conftest.py between it and tests/, reads the test database setting."""
    files = [path] + [d / "conftest.py" for d in path.parents if d != tests_root and tests_root in d.parents]
    for file in files:
        if file not in seen:
            seen[file] = file.exists() and any(m in file.read_text(encoding="utf-8") for m in DATABASE_MENTIONS)
        if seen[file]:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    """Two adjustments to the collected tests.

    * The PostgreSQL run (TEST_DATABASE_URL set) leaves out the tests that cannot depend on the backend:
      they use no migrated database and neither they nor a conftest.py above them read the test
      database setting (import-boundary and catalogue checks, pure rules, the served demo). They ran
      in the SQLite run of the same CI; running them twice only doubled CI's time. The same for the
      modules in PRESENTATION_ONLY. pytest reports them as deselected.
    * Under pytest-xdist (`--dist loadgroup`) the browser tests share one worker: one served demo, one
      Chromium.
    """
    if PG_URL:
        tests_root = Path(__file__).parent
        seen: dict = {}
        keep, independent = [], []
        for item in items:
            uses_database = "migrated_template" in getattr(item, "fixturenames", ())
            if Path(str(item.fspath)).name in PRESENTATION_ONLY:
                independent.append(item)
            elif uses_database or _names_the_database(Path(str(item.fspath)), tests_root, seen):
                keep.append(item)
            else:
                independent.append(item)
        if independent and keep:
            config.hook.pytest_deselected(items=independent)
            items[:] = keep
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if "browser" in item.nodeid.split("/")[:2]:
            item.add_marker(pytest.mark.xdist_group("browser"))
