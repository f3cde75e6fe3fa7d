"""The app factory: test config honoured, built-ins found through entry points,
production refuses an unsafe secret key, instruments ordered by their declared order."""
from __future__ import annotations

import re
import tomllib
import types
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from core import create_app
from core.config import DEFAULT_SECRET_KEY, ConfigError
from core.hookspecs import hookimpl
from core.instruments import Instrument, NavItem
from core.plugins import ENTRY_POINT_GROUP
from core.testing import TEST_CONFIG, login, make_user
from tests.plugins.hello import hooks as hello_hooks

from tests.conftest import FIXTURE_REGIONS  # the fixture files plus what each instrument's tests add
from tests.core.instruments import enabled_in

ROOT = Path(__file__).resolve().parents[2]
# The built-ins: every folder under plugins/ with a hooks.py (the core's tests never name them).
BUILT_INS = {path.parent.name for path in (ROOT / "plugins").glob("*/hooks.py")}
INSTALLED = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}  # built-ins and any third-party package


def ordered_keys(app) -> list[str]:
    """The registered keys by Instrument.order (then key): the order the UI must show."""
    entries = app.extensions["regioplatform"].entries
    return sorted(entries, key=lambda key: (entries[key].info.order, key))


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path


def config_for(tmp_path, **overrides) -> dict:
    return {**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'factory.db'}",
            "REGIONS_DIR": str(FIXTURE_REGIONS), **overrides}


def write_region(directory: Path, instruments: str = "") -> Path:
    """A one-region directory (rmc-19 with only its RMC as member) for apps with fewer plugins."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "rmc-19.toml").write_text(
        'rmc_code = "MC19"\nname = "Utrecht"\ncoordinators = ["MC19"]\n\n[members]\nrmc = ["MC19"]\n\n'
        + instruments, encoding="utf-8")
    return directory


def test_test_config_is_honoured(app):
    assert app.config["TESTING"] is True
    assert app.config["WTF_CSRF_ENABLED"] is False
    assert app.config["REGIONS_DIR"] == str(FIXTURE_REGIONS)
    # The engine really talks to the configured database (not the default under instance/).
    engine = app.extensions["regioplatform.db"].engine
    configured = app.config["DATABASE_URL"]
    if configured.startswith("sqlite"):
        assert str(engine.url) == configured
    else:
        from sqlalchemy.engine import make_url

        expected = make_url(configured)
        assert (engine.url.host, engine.url.database) == (expected.host, expected.database)
    # The region files come from the configured directory.
    assert sorted(d.slug for d in app.extensions["regioplatform.regions"]) == ["rmc-12", "rmc-19", "rmc-29"]


def test_config_argument_wins_over_the_environment(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/from-env.db")
    monkeypatch.setenv("LOGIN_LIMIT", "3 per minute")
    app = create_app(config_for(instance), extra_plugins=[hello_hooks])
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'factory.db'}"
    assert app.config["LOGIN_LIMIT"] == "3 per minute"  # not overridden, so read from the environment


def test_built_in_instruments_are_declared_as_entry_points():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][ENTRY_POINT_GROUP]
    installed = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert len(BUILT_INS) >= 4 and set(declared) == BUILT_INS
    # The installed metadata matches pyproject.toml (else: pip install -e . again).
    assert {k: installed.get(k) for k in declared} == declared
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in BUILT_INS:
            module = ep.load()
            assert ep.value == f"plugins.{ep.name}.hooks"
            assert module.instrument_info().key == ep.name


def test_built_ins_are_in_the_app_registry_via_entry_points(app):
    registry = app.extensions["regioplatform"]
    assert BUILT_INS <= INSTALLED and set(registry.entries) == INSTALLED | {"hello"}
    for key in BUILT_INS:
        plugin = registry.pm.get_plugin(key)
        assert plugin is not None and plugin.__name__ == f"plugins.{key}.hooks"
        assert registry.entries[key].info.key == key
    assert registry.pm.get_plugin("hello") is hello_hooks


def test_without_entry_points_no_built_in_is_loaded(instance):
    regions = write_region(instance / "regions", "[instruments.hello]\nenabled = true\n")
    app = create_app(config_for(instance, REGIONS_DIR=str(regions)), extra_plugins=[hello_hooks],
                     load_entry_points=False)
    registry = app.extensions["regioplatform"]
    assert set(registry.entries) == {"hello"}
    assert not BUILT_INS & {name for name, _plugin in registry.pm.list_name_plugin()}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert "regio.hello.index" in endpoints
    assert not [e for e in endpoints if e.split(".")[1:2] and e.split(".")[1] in BUILT_INS]
    # And the region files may then not name them: a built-in is an unknown instrument.
    from core.regions.loader import RegionFileError

    built_in = sorted(BUILT_INS)[0]
    write_region(regions, f"[instruments.{built_in}]\nenabled = true\n")
    with pytest.raises(RegionFileError, match=rf"instruments\.{built_in}: onbekend instrument"):
        create_app(config_for(instance, REGIONS_DIR=str(regions)), extra_plugins=[hello_hooks],
                   load_entry_points=False)


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY, "too-short"])
def test_production_refuses_a_missing_or_default_secret_key(instance, monkeypatch, secret):
    monkeypatch.setenv("REGIO_ENV", "production")
    monkeypatch.setenv("REGIONS_DIR", str(FIXTURE_REGIONS))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{instance / 'prod.db'}")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(extra_plugins=[hello_hooks])


def test_production_starts_with_a_strong_secret_key(instance, monkeypatch):
    monkeypatch.setenv("REGIO_ENV", "production")
    monkeypatch.setenv("SECRETS_KEY", "Ai6Q9VfQp2M1x0wXy3J8ZkRrTtUuVvWwXxYyZz01234=")  # production requires one
    monkeypatch.setenv("AUDIT_KEY", "a" * 40)  # and an audit key
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("REGIONS_DIR", str(FIXTURE_REGIONS))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{instance / 'prod.db'}")
    app = create_app(extra_plugins=[hello_hooks])
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_tolerates_the_default_key(instance, monkeypatch):
    monkeypatch.delenv("REGIO_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app(config_for(instance, SECRET_KEY=DEFAULT_SECRET_KEY), extra_plugins=[hello_hooks])
    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_registry_orders_instruments_by_declared_order(app):
    registry = app.extensions["regioplatform"]
    registration = [name for name, _plugin in registry.pm.list_name_plugin()]
    ordered = [e.key for e in registry.ordered()]
    assert registration != ordered  # else this test would prove nothing
    orders = [(e.info.order, e.key) for e in registry.ordered()]
    assert orders == sorted(orders) and set(ordered) == set(registration)


def early_plugin() -> types.ModuleType:
    """A plugin registered after hello but declaring the lowest order."""
    module = types.ModuleType("fake_vroeg")
    module.KEY = "vroeg"
    module.instrument_info = hookimpl(lambda: Instrument(key="vroeg", name="Vroeg", order=1))
    module.navigation_items = hookimpl(lambda: [NavItem("Vroeg", endpoint="regio.overview")])
    return module


def test_ui_follows_declared_order_not_registration_order(app_factory, tmp_path):
    from core.db import db_session
    from core.regions.loader import load_regions
    from core.regions.sync import sync_regions

    # rmc-19 enables the extra plugin; it is registered last but sorts first.
    regions = tmp_path / "regions-vroeg"
    regions.mkdir()
    for path in FIXTURE_REGIONS.glob("*.toml"):
        extra = "\n[instruments.vroeg]\nenabled = true\n" if path.stem == "rmc-19" else ""
        (regions / path.name).write_text(path.read_text() + extra)
    base = app_factory()
    app = create_app({**TEST_CONFIG, "DATABASE_URL": base.config["DATABASE_URL"], "REGIONS_DIR": str(regions)},
                     extra_plugins=[hello_hooks, early_plugin()])
    try:
        registry = app.extensions["regioplatform"]
        assert [n for n, _p in registry.pm.list_name_plugin()][-1] == "vroeg"
        with app.app_context():
            schemas = {k: e.settings_schema for k, e in registry.entries.items()}
            sync_regions(db_session(), load_regions(regions, schemas))
        make_user(app, "coordinator@utrecht.example", org="MC19", role="admin")
        client = app.test_client()
        login(client, "coordinator@utrecht.example")
        page = client.get("/regio/rmc-19/").get_data(as_text=True)
        cards = re.findall(r'id="instrument-([a-z_]+)"', page)
        shown = enabled_in(app, "rmc-19")  # in Instrument.order: vroeg (order 1) first, though registered last
        assert shown[0] == "vroeg" and shown == [k for k in ordered_keys(app) if k in shown]
        assert cards == shown
        home = client.get("/").get_data(as_text=True)
        row = re.search(r"<td>MC19</td>\s*<td>(.*?)</td>", home, re.S).group(1)
        with app.test_request_context():
            names = [str(app.extensions["regioplatform"].entries[k].info.name) for k in shown]
        assert row.split(", ") == names and names[0] == "Vroeg"
    finally:
        app.extensions["regioplatform.db"].dispose()
