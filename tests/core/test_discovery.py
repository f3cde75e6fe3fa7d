"""Plugin discovery warns, and the app still starts, for the two packaging mistakes of docs/plugins.md.

* an installed entry point whose module cannot be found (a stale install);
* a plugin folder with a hooks.py that no installed entry point names (pip install -e . not rerun).
A plugin whose module is found but fails to import is a bug: the app refuses to start.
"""
from __future__ import annotations

import logging
import sys

import pytest

from core import create_app, discovery
from core.plugins import PluginError
from core.testing import TEST_CONFIG, fake_distribution

WARNINGS = "regioplatform.plugins"


def make_app(tmp_path):
    regions = tmp_path / "regions"
    regions.mkdir(exist_ok=True)
    return create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "REGIONS_DIR": str(regions)})


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == WARNINGS and r.levelno == logging.WARNING]


def test_installed_built_ins_start_without_warnings(tmp_path, caplog):
    caplog.set_level(logging.WARNING, WARNINGS)
    app = make_app(tmp_path)
    assert warnings_of(caplog) == []
    # Every folder under plugins/ with a hooks.py is named by an installed entry point.
    installed = {ep.module for ep in discovery.installed_entry_points()}
    folders = discovery.plugin_folders()
    assert folders and set(folders) <= installed
    assert {ep.name for ep in discovery.installed_entry_points()} <= set(app.extensions["regioplatform"].entries)


def test_a_plugin_folder_without_an_entry_point_is_reported(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.WARNING, WARNINGS)
    plugins = tmp_path / "extra_plugins"
    (plugins / "vergeten").mkdir(parents=True)
    (plugins / "vergeten" / "hooks.py").write_text("")
    (plugins / "geen_plugin").mkdir()  # no hooks.py: not a plugin folder
    monkeypatch.setattr(discovery, "PLUGIN_FOLDERS", (*discovery.PLUGIN_FOLDERS, plugins))
    app = make_app(tmp_path)
    (message,) = warnings_of(caplog)
    assert str(plugins / "vergeten") in message
    assert 'vergeten = "extra_plugins.vergeten.hooks"' in message and "pip install -e ." in message
    assert "vergeten" not in app.extensions["regioplatform"].entries


def test_an_entry_point_whose_module_is_gone_is_left_out_with_a_warning(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.WARNING, WARNINGS)
    site = tmp_path / "site"
    fake_distribution(site, "regio-spook", {"regioplatform.plugins": {"spook": "regio_spook_verhuisd.hooks"}})
    monkeypatch.syspath_prepend(str(site))
    app = make_app(tmp_path)
    (message,) = warnings_of(caplog)
    assert message.startswith("plugin 'spook': the entry point names module regio_spook_verhuisd.hooks, which cannot")
    assert "spook" not in app.extensions["regioplatform"].entries
    assert "pip install -e ." in message


def test_a_plugin_that_fails_to_import_stops_the_app(tmp_path, monkeypatch):
    site = tmp_path / "site"
    package = site / "regio_kapot"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "hooks.py").write_text("import regio_bestaat_niet_xyz\n")
    fake_distribution(site, "regio-kapot", {"regioplatform.plugins": {"kapot": "regio_kapot.hooks"}})
    monkeypatch.syspath_prepend(str(site))
    try:
        with pytest.raises(PluginError, match=r"^plugin 'kapot', hook entry point: cannot import regio_kapot.hooks"):
            make_app(tmp_path)
    finally:
        for name in ("regio_kapot.hooks", "regio_kapot"):
            sys.modules.pop(name, None)
