"""Finding installed plugins: entry points, with a warning (not a failure) for what does not add up.

Two mistakes a plugin author easily makes are reported as a logging warning
when the app starts (docs/plugins.md, "Install"):

* an entry point whose module cannot be found (the package was moved or
  removed after `pip install`): the instrument is left out, the app starts;
* a plugin folder (a folder with a `hooks.py` under one of the plugin
  folders, `plugins/` in this repository) that no installed entry point
  names: the entry point was not added to pyproject.toml, or
  `pip install -e .` was not run again after adding it.
"""
from __future__ import annotations

import importlib.metadata
import logging
import sys
from collections.abc import Iterable
from pathlib import Path

import pluggy

from core.config import PROJECT_ROOT

ENTRY_POINT_GROUP = "regioplatform.plugins"
PLUGIN_FOLDERS = (PROJECT_ROOT / "plugins",)
log = logging.getLogger("regioplatform.plugins")


class EntryPointError(RuntimeError):
    """An entry point's module was found but failed to import (a bug in the plugin, not a stale install)."""

    def __init__(self, key: str, reason: str):
        self.key = key
        super().__init__(reason)


_scanned: dict[tuple[str, ...], list[importlib.metadata.EntryPoint]] = {}


def installed_entry_points() -> list[importlib.metadata.EntryPoint]:
    """Every entry point of the plugin group, in the order the distributions are found.

    The installed distributions are read once per `sys.path` (reading them takes longer than the
    rest of building an app); `forget_installed()` reads them again.
    """
    key = tuple(sys.path)
    if key not in _scanned:
        _scanned[key] = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    return list(_scanned[key])


def forget_installed() -> None:
    """Read the installed distributions again on the next call: a package was installed in this process."""
    _scanned.clear()


def _missing_module(exc: ModuleNotFoundError, module: str) -> bool:
    """True when the entry point's own module (or a package above it) does not exist."""
    missing = exc.name or ""
    return bool(missing) and (module == missing or module.startswith(missing + "."))


def load_entry_points(pm: pluggy.PluginManager) -> list[str]:
    """Register every installed plugin under its entry-point name; returns the names registered.

    A module that cannot be found is skipped with a warning; any other import
    error raises EntryPointError (the plugin is broken, the app must not start).
    """
    loaded = []
    for ep in installed_entry_points():
        if pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except ModuleNotFoundError as exc:
            if not _missing_module(exc, ep.module):
                raise EntryPointError(ep.name, f"cannot import {ep.value}: {exc}") from exc
            log.warning("plugin '%s': the entry point names module %s, which cannot be found; the instrument is "
                        "left out. Was its package moved or removed? Run `pip install -e .` again "
                        "(docs/plugins.md, Install).", ep.name, ep.module)
            continue
        except AttributeError as exc:
            log.warning("plugin '%s': the entry point %s cannot be found (%s); the instrument is left out.",
                        ep.name, ep.value, exc)
            continue
        pm.register(plugin, name=ep.name)
        loaded.append(ep.name)
    return loaded


def plugin_folders(folders: Iterable[Path] | None = None) -> dict[str, Path]:
    """Module name of each plugin folder's hooks (`plugins.x.hooks`) -> its hooks.py."""
    found = {}
    for folder in PLUGIN_FOLDERS if folders is None else folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for hooks in sorted(folder.glob("*/hooks.py")):
            module = ".".join((*hooks.parent.relative_to(folder.parent).parts, "hooks"))
            found[module] = hooks
    return found


def warn_unregistered_folders(folders: Iterable[Path] | None = None) -> list[str]:
    """Warn for each plugin folder whose hooks no installed entry point names; returns those folders."""
    named = {ep.module for ep in installed_entry_points()}
    lonely = []
    for module, hooks in plugin_folders(folders).items():
        if module in named:
            continue
        key = hooks.parent.name
        lonely.append(str(hooks.parent))
        log.warning("plugin folder %s has a hooks.py but no installed entry point, so the instrument is not "
                    "loaded: add `%s = \"%s\"` under [project.entry-points.\"%s\"] in pyproject.toml and run "
                    "`pip install -e .` (docs/plugins.md, Install).", hooks.parent, key, module, ENTRY_POINT_GROUP)
    return lonely
