"""What each plugin's test folder contributes to the core's tests: the route-matrix protocol.

The core's tests never name an instrument. Each instrument's test folder holds a
module `matrix.py`, found by the instrument's key:

* `tests/<key>/matrix.py` for an instrument of this repository (plugins/<key>), and for
  the test-only plugin tests/plugins/hello (tests/hello/matrix.py: the plugin folder
  itself keeps the plugin shape);
* for a third-party package: the module its distribution names in the entry-point
  group `regioplatform.route_matrix` under the instrument's key.

Every name in it is optional (an instrument whose pages take only <region> and
have no POST needs no matrix.py):

```
KEY = "<key>"
REGIONS = {"rmc-19": {"enabled": True, ...settings}, ...}   # its tables in the fixture region files
def build_world(session, world, regions): ...                # real objects its URLs point at
ARG_BUILDERS = {"<url argument>": lambda world, region, rule: id}
ARG_OVERRIDES = {("<endpoint>", "<url argument>"): lambda world, region, rule: id}
POST_PAYLOADS = {"<endpoint>": lambda world, who, rule: {form data an allowed user sends}}
CONTROL_USERS = {"<endpoint>": "<world user who may POST there>"}  # default: rmc-19's coordinator
PLATFORM_ADMIN_ONLY = {"<endpoint>"}            # pages only platform admins may open (403 for others)
MINISTRY_OWN = {"<endpoint>"}                   # the ministry's own writes (a permission with platform_roles
                                                # {"ministry"}): left out of "the ministry's POST is refused"
ADMIN_IMPORT_SHEETS = {("<key>", "<sheet>")}    # sheets only platform admins import
MAIN_PAGES = {"<path under /regio/<region>/>": <most statements>}  # pages counted (tests/core/perf)
def main_pages(app) -> dict: ...                # more MAIN_PAGES found in the demo data (ids), when loaded
def multiply_rows(conn, tables, factor): ...    # add (factor - 1) copies of its demo rows, in bulk
```

MAIN_PAGES and multiply_rows feed the statement-count test (issue 21): each main page of the
instrument is opened by rmc-19's coordinator with the demo data and again after multiply_rows; its
count must be the same at both sizes and at most 10, or the number given (a ceiling still to lower).
`main_pages` (optional) adds pages whose path names a demo row (an application's page), read after the
demo is loaded and counted the same way.

`build_world` runs after the core's world exists: `world.orgs` (identifier -> id),
`world.users` / `world.emails` (viewer, neighbour, coordinator, outsider, twente,
platform; see tests/core/test_route_matrix.py USERS), `regions` (slug -> id); keep
your ids in `world.of(KEY)` (a dict) and read them back in your builders.

REGIONS: the fixture region files (tests/fixtures/regions) are copied and each
instrument's tables that a file does not have yet are added from here (default:
`enabled = true` in rmc-19 and rmc-29), so a new instrument edits no fixture file;
tables of instruments that are not installed are left out. tests/conftest.py's
FIXTURE_REGIONS is that generated directory.

REGIO_TEST_PLUGINS=key1,key2 (environment) makes the test apps load only those
installed instruments (and the test plugins): tests/core/test_plugin_guide.py runs
the core's checks on its throwaway instrument that way, quickly.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import tomllib
from pathlib import Path
from types import ModuleType

from core import discovery

MATRIX_GROUP = "regioplatform.route_matrix"
SOURCE_REGIONS = Path(__file__).parent / "fixtures" / "regions"
DEFAULT_REGIONS = {"rmc-19": {"enabled": True}, "rmc-29": {"enabled": True}}
CONTRIBUTED = ("ARG_BUILDERS", "ARG_OVERRIDES", "POST_PAYLOADS", "CONTROL_USERS")
CONTRIBUTED_SETS = ("PLATFORM_ADMIN_ONLY", "ADMIN_IMPORT_SHEETS", "MINISTRY_OWN")


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def only_these_plugins() -> None:
    """Honour REGIO_TEST_PLUGINS: the app factory then finds only the listed entry points (tests only)."""
    only = os.environ.get("REGIO_TEST_PLUGINS")
    if not only or getattr(discovery.installed_entry_points, "filtered", False):
        return
    keep = set(only.split(","))
    everything = discovery.installed_entry_points

    def installed_entry_points():
        return [ep for ep in everything() if ep.name in keep]

    installed_entry_points.filtered = True
    discovery.installed_entry_points = installed_entry_points
    discovery.PLUGIN_FOLDERS = ()  # the plugin folders left out on purpose: no warning about them


def test_plugin_keys() -> list[str]:
    """The keys of every plugin the test apps register: installed entry points (whose module exists) and the
    test-only plugins of tests/plugins (the conftest registers them as extra plugins)."""
    keys = [ep.name for ep in discovery.installed_entry_points() if _exists(ep.module)]
    keys += sorted(p.parent.name for p in (Path(__file__).parent / "plugins").glob("*/hooks.py"))
    return list(dict.fromkeys(keys))


test_plugin_keys.__test__ = False  # a helper, not a test


def plugin_packages() -> dict[str, Path]:
    """key -> package folder of every plugin the tests register (wherever it is installed), for the checks
    that read a plugin's files (marked text, translations)."""
    found = {}
    for ep in discovery.installed_entry_points():
        spec = importlib.util.find_spec(ep.module) if _exists(ep.module) else None
        if spec is not None and spec.origin:
            found[ep.name] = Path(spec.origin).parent
    for hooks in sorted((Path(__file__).parent / "plugins").glob("*/hooks.py")):
        found.setdefault(hooks.parent.name, hooks.parent)
    return found


def matrix_module(key: str) -> ModuleType | None:
    """The instrument's matrix module, or None when it has none."""
    for ep in importlib.metadata.entry_points(group=MATRIX_GROUP):
        if ep.name == key:
            return ep.load()
    name = f"tests.{key}.matrix"
    return importlib.import_module(name) if _exists(name) else None


def matrix_modules() -> dict[str, ModuleType]:
    """key -> matrix module, for every plugin that has one."""
    found = {}
    for key in test_plugin_keys():
        module = matrix_module(key)
        if module is not None:
            found[key] = module
    return found


def merged(modules: dict[str, ModuleType], name: str, into: dict | set) -> dict | set:
    """`into` plus every module's `name` (a dict or set); the same key from two places fails loudly."""
    for key, module in modules.items():
        contribution = getattr(module, name, None) or ({} if isinstance(into, dict) else set())
        clash = set(contribution) & set(into)
        if clash:
            raise AssertionError(f"route matrix: {name} of '{key}' ({module.__name__}) repeats {sorted(clash)}")
        into.update(contribution)
    return into


def region_tables(key: str, module: ModuleType | None) -> dict[str, dict]:
    return getattr(module, "REGIONS", None) or DEFAULT_REGIONS


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {_toml_value(v)}' for k, v in value.items()) + " }"
    return str(value)  # int, Decimal, date


def write_fixture_regions(target: Path, keys: list[str] | None = None) -> Path:
    """Copy tests/fixtures/regions to `target`, adding each instrument's missing tables (see above)."""
    shutil.copytree(SOURCE_REGIONS, target, dirs_exist_ok=True)
    keys = test_plugin_keys() if keys is None else keys
    for path in target.glob("*.toml"):  # tables of instruments that are not installed: left out
        source = path.read_text(encoding="utf-8")
        for key in set(tomllib.loads(source).get("instruments", {})) - set(keys):
            source = re.sub(rf"(?ms)^\[instruments\.{re.escape(key)}\]\n.*?(?=^\[|\Z)", "", source)
        path.write_text(source, encoding="utf-8")
    for key in keys:
        tables = region_tables(key, matrix_module(key))
        for slug, settings in tables.items():
            path = target / f"{slug}.toml"
            if not path.exists():
                continue
            source = path.read_text(encoding="utf-8")
            if key in tomllib.loads(source).get("instruments", {}):
                continue
            settings = {"enabled": True, **settings}  # enabled first: tests switch it off in place
            lines = ["\n# from the instrument's tests (tests/plugin_matrix.py)", f"[instruments.{key}]"]
            lines += [f"{name} = {_toml_value(value)}" for name, value in settings.items()]
            path.write_text(source.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return target
