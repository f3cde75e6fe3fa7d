"""Import boundaries between core and plugins, and the snapshot of the public surface.

* A plugin (built-in under plugins/, or the test-only tests/plugins/hello)
  imports from `core` only through `core.plugin_api`, and never another plugin.
* The core never imports a plugin, and never imports `core.plugin_api`
  (a facade for plugins only).
* `core.plugin_api.__all__` equals the reviewed list below: adding a name is
  a visible change; removing one breaks third-party plugins.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import core.plugin_api as plugin_api
from core import discovery

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_DIRS = [ROOT / "plugins", ROOT / "tests" / "plugins"]
CORE_DIR = ROOT / "core"
FACADE = "core.plugin_api"

PLUGIN_API_SNAPSHOT = sorted([
    "AgreementTemplate", "AgreementTerm", "Audited", "Base", "Column", "Forbidden", "Form", "Instrument", "NationalSection", "NationalTable", "NavItem",
    "NotFound", "Organisation", "Permission", "Region", "RegionSettings", "SheetSpec", "Widget",
    "Kind", "RowRule",  # Excel engine: column kinds and cross-column rules of a SheetSpec
    "Series", "bar_chart",  # accessible SVG charts, shown beside a table with the same numbers
    "DemoAgreement",  # demo_data may ask the core for a signed agreement in the demo
    "Deadline",  # issue 24: a date an instrument declares through the deadlines(region) hook
    "Aggregate", "aggregate_table",  # issue 20: maintained sums per region and period, and their reader
    "RetentionRule",  # issue 19: detailed rows removed after a region's retention period, sums kept
    "PublicFigures",  # issue 20: a school year an instrument offers for the region's public page
    "DemoConsortiumMember",  # issue 16: demo_data seats the instrument's demo consortium (core names no instrument)
    "agreement_in_force", "authorize", "current_region", "current_user", "db_session", "hookimpl", "instrument_settings",
    "may", "scoped",
    "_", "lazy_gettext", "ngettext",  # UI text in Dutch, translated through the plugin's own catalogue
    "N_",  # Dutch text that stays Dutch in a workbook (help texts) and is translated on the sheet's page
    "euro", "long_date", "number", "percentage",  # Dutch (or English) formatting of numbers, money and dates
    # issue 8: an instrument's own record (a funding application) becomes an agreement its partners co-sign
    "Agreement", "consortium_organisations", "draft_agreement",
    # issue 16: rules, screens and term checks get an explicit context instead of request state; plugins read
    # memberships through these (an ended mandate grants nothing) instead of user.memberships
    "RuleContext", "active_memberships", "active_roles",
    # issue 16: the template contract's URL helpers (also Jinja globals), instead of core endpoint names
    "agreement_url", "agreements_url", "consortium_url", "new_agreement_url", "region_url", "sheet_export_url",
    "sheet_template_url", "sheet_url",
    # issue 17: no lost update; a form-edited model is Versioned, its form carries a VersionField, and a save
    # that another person's save beat becomes a Conflict shown with the stored values
    "Conflict", "VersionField", "Versioned", "add_new", "save_edit", "digest", "lock_for_update",
    # issue 18: one closed set of school years (settings, value, message, form field) and completeness of totals
    "SchoolYearSettings", "SchoolYears", "InvalidSchoolYear", "normalise_school_year", "SchoolYearField",
    "Completeness", "completeness",
    # issue 21: keyset pagination of long lists (a page of rows, its total, the cursor of the next page)
    "Page", "keyset_page",
    # issue 20: organisation pickers as a search that works without JavaScript
    "OrganisationSearchForm", "search_organisations",
])


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in `source`, relative imports resolved.

    `from a import b` yields both `a` and `a.b` (b may be a submodule), so that
    `from core import plugin_api` counts as importing core.plugin_api.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names if alias.name != "*")
    return found


def python_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


def plugin_package(name: str) -> str | None:
    """'plugins.alfa.models' -> 'plugins.alfa'; 'tests.plugins.hello.x' -> 'tests.plugins.hello'."""
    parts = name.split(".")
    if parts[0] == "plugins" and len(parts) >= 2:
        return ".".join(parts[:2])
    if parts[:2] == ["tests", "plugins"] and len(parts) >= 3:
        return ".".join(parts[:3])
    return None


def plugin_violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """Imports of `core` other than core.plugin_api, and imports of another plugin."""
    own = plugin_package(module)
    problems = []
    for line, name in imported_modules(source, module, is_package):
        if name.startswith("core."):
            # `from core.plugin_api import X` also yields core.plugin_api.X, and
            # `from core import plugin_api` yields core.plugin_api: both pass.
            if name != FACADE and not name.startswith(FACADE + "."):
                problems.append(f"line {line}: imports {name} (plugins may only import {FACADE})")
        other = plugin_package(name)
        if other is not None and other != own:
            problems.append(f"line {line}: imports another plugin ({name})")
    return first_per_line(problems)


def core_violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """Imports of a plugin, of the tests, or of the plugin facade from inside core."""
    problems = []
    for line, name in imported_modules(source, module, is_package):
        if name.split(".")[0] in ("plugins", "tests"):
            problems.append(f"line {line}: core imports {name}")
        if (name == FACADE or name.startswith(FACADE + ".")) and module != FACADE:
            problems.append(f"line {line}: core imports {FACADE} (it is for plugins only)")
    return first_per_line(problems)


def first_per_line(problems: list[str]) -> list[str]:
    """One report per import statement (`from a.b import c` yields a.b and a.b.c)."""
    seen: dict[str, str] = {}
    for problem in problems:
        seen.setdefault(problem.split(":", 1)[0], problem)
    return list(seen.values())


def check_file(check, path: Path) -> list[str]:
    return [f"{path.relative_to(ROOT)} {problem}" for problem in
            check(module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py")]


PLUGIN_FILES = [p for d in PLUGIN_DIRS for p in python_files(d)]
CORE_FILES = python_files(CORE_DIR)


def test_the_walk_sees_the_plugins_and_their_facade_imports():
    # Without this the boundary tests could pass on an empty file list.
    names = {str(p.relative_to(ROOT)) for p in PLUGIN_FILES}
    built_ins = {ep.module for ep in discovery.installed_entry_points() if ep.module.startswith("plugins.")}
    assert len(built_ins) >= 4
    for module in built_ins:  # every built-in's entry point module (plugins.<key>.hooks)
        assert module.replace(".", "/") + ".py" in names
    assert "tests/plugins/hello/hooks.py" in names
    hello = ROOT / "tests/plugins/hello/hooks.py"
    imports = {n for _l, n in imported_modules(hello.read_text(), module_name(hello))}
    assert FACADE in imports
    assert "tests.plugins.hello.models" in imports  # `from . import models` resolved
    assert len(CORE_FILES) > 20


@pytest.mark.parametrize("path", PLUGIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_import_core_only_through_plugin_api(path):
    assert check_file(plugin_violations, path) == []


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_plugin_and_not_the_facade(path):
    assert check_file(core_violations, path) == []


def test_migrations_env_imports_no_plugin():
    env = ROOT / "migrations" / "env.py"
    names = [n for _l, n in imported_modules(env.read_text(), "migrations.env")]
    assert not [n for n in names if n.startswith(("plugins", "tests", FACADE))]


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("plugins.alfa.views", "from core.db import db_session", "imports core.db"),
    ("plugins.alfa.views", "import core.authz", "imports core.authz"),
    ("plugins.alfa.views", "from core import authz", "imports core.authz"),
    ("plugins.alfa.views", "from plugins.beta import models", "another plugin"),
    ("tests.plugins.hello.views", "from plugins.alfa.models import X", "another plugin"),
    ("core.regions.web", "from plugins.alfa import hooks", "core imports plugins"),
    ("core.regions.web", "from ..plugin_api import authorize", "core.plugin_api (it is for plugins only)"),
    ("core.regions.web", "from core import plugin_api", "core.plugin_api (it is for plugins only)"),
    ("core.regions.web", "import tests.plugins.hello.hooks", "core imports tests"),
])
def test_the_checker_reports_forbidden_imports(module, source, expected):
    check = core_violations if module.startswith("core.") else plugin_violations
    problems = check(module, source)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(("module", "source"), [
    ("plugins.alfa.views", "from core.plugin_api import authorize, current_region"),
    ("plugins.alfa.views", "from core import plugin_api"),
    ("plugins.alfa.hooks", "from . import views, settings"),
    ("tests.plugins.hello.hooks", "from .models import Greeting"),
])
def test_the_checker_allows_the_facade_and_own_modules(module, source):
    assert plugin_violations(module, source) == []


def test_plugin_api_all_matches_the_reviewed_snapshot():
    assert sorted(plugin_api.__all__) == PLUGIN_API_SNAPSHOT, (
        "core.plugin_api.__all__ changed: update PLUGIN_API_SNAPSHOT in this test as a reviewed change "
        "(removing a name needs a deprecation period)"
    )
    assert len(plugin_api.__all__) == len(set(plugin_api.__all__)), "duplicate names in __all__"


@pytest.mark.parametrize("name", PLUGIN_API_SNAPSHOT)
def test_every_public_name_exists(name):
    assert getattr(plugin_api, name, None) is not None, f"core.plugin_api.{name} is listed but missing"


def test_plugin_api_only_re_exports():
    tree = ast.parse((CORE_DIR / "plugin_api.py").read_text(encoding="utf-8"))
    defined = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    assert defined == [], f"core.plugin_api defines classes {defined}; define them in core and re-export"
