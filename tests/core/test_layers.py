"""Layers visible in folders: pages in `views` modules, models below pages, route families mounted by the factory.

* A module that defines routes (a Blueprint, `.route`, `add_url_rule`) in a
  core package is that package's `views.py` (or a module of a `views`
  package); the exceptions are listed with their reason.
* A models module never imports a page module, directly or through the
  modules it imports (models sit below pages; the import graph points down).
* The region blueprint imports no other route family: the app factory mounts
  the Excel, agreement and consortium pages on it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = [ROOT / "core", ROOT / "plugins", ROOT / "tests" / "plugins"]

# Page modules outside the `views` convention, each with its reason.
NAMING_EXCEPTIONS = {
    "core.home": "site-wide pages (start page, accessibility statement, language switch, /gezondheid)",
    "core.identity.account": "the signed-in user's own account pages, beside identity.views (sign-in)",
    "core.signing": "one route: the published public key (/.well-known), beside the key it publishes",
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, tuple[Path, str]]:
    found = {}
    for base in SOURCE_DIRS:
        for path in base.rglob("*.py"):
            if "migrations" in path.parts or "translations" in path.parts:
                continue
            found[_module(path)] = (path, path.read_text(encoding="utf-8"))
    return found


SOURCES = _sources()


def _top_level(tree: ast.Module):
    """The statements that run when the module is imported (not those inside functions or classes)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            stack.extend(ast.iter_child_nodes(node))


def _imports(module: str, *, anywhere: bool = False) -> set[str]:
    """Project modules `module` imports (relative imports resolved): when it is imported, or `anywhere`."""
    path, text = SOURCES[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(text)
    names: set[str] = set()
    for node in (ast.walk(tree) if anywhere else _top_level(tree)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - (node.level - 1)]) if node.level else ""
            target = ".".join(part for part in (base, node.module or "") if part)
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in names if name in SOURCES}


def _defines_routes(text: str) -> bool:
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("Blueprint", "route", "add_url_rule"):
                return True
    return False


PAGE_MODULES = sorted(m for m, (_p, text) in SOURCES.items() if _defines_routes(text))
MODEL_MODULES = sorted(m for m in SOURCES if m.split(".")[-1] == "models" or ".models." in m)


def _is_views(module: str) -> bool:
    return "views" in module.split(".")[-2:]


def test_the_scan_finds_the_pages_and_models():
    assert {"core.regions.views", "core.agreements.views", "core.consortia.views", "core.excel.views"} <= set(PAGE_MODULES)
    assert {"core.regions.models", "core.consortia.models", "core.agreements.models"} <= set(MODEL_MODULES)


def test_page_modules_are_named_views():
    wrong = [m for m in PAGE_MODULES if not _is_views(m) and m not in NAMING_EXCEPTIONS]
    assert not wrong, f"page modules must be a package's views.py (or be listed with a reason): {wrong}"
    assert all(m in PAGE_MODULES for m in NAMING_EXCEPTIONS), "an exception that is no page module any more"


def _reachable(start: str) -> dict[str, str]:
    """Every project module reachable from `start` -> the module that imports it first (breadth first).

    All of `start`'s own imports count (a lazy import in a function too); beyond
    it, what runs on import (the app factory imports its pages when called, not
    when the `core` package is imported).
    """
    seen = {start: ""}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for name in sorted(_imports(module, anywhere=module == start)):
            if name not in seen:
                seen[name] = module
                queue.append(name)
    return seen


def _path(seen: dict[str, str], end: str) -> str:
    chain = [end]
    while seen[chain[-1]]:
        chain.append(seen[chain[-1]])
    return " -> ".join(reversed(chain))


@pytest.mark.parametrize("module", MODEL_MODULES)
def test_models_import_no_page_module(module):
    seen = _reachable(module)
    pages = [m for m in seen if m in PAGE_MODULES]
    assert not pages, f"{module} reaches page modules: {[_path(seen, p) for p in pages]}"


def test_the_region_blueprint_imports_no_other_route_family():
    others = [m for m in _imports("core.regions.views", anywhere=True) if m in PAGE_MODULES]
    assert not others, f"core.regions.views imports {others}; the app factory mounts route families"


def test_the_checks_would_fail(monkeypatch):
    """The scan sees a route in a misnamed module and a model reaching a page."""
    fake = {"core.fake.models": (ROOT / "core/fake/models.py", "from core.fake import pages\n"),
            "core.fake.pages": (ROOT / "core/fake/pages.py", "from flask import Blueprint\nbp = Blueprint('x', 'y')\n")}
    monkeypatch.setattr(f"{__name__}.SOURCES", {**SOURCES, **fake})
    assert _defines_routes(fake["core.fake.pages"][1]) and not _is_views("core.fake.pages")
    assert "core.fake.pages" in _reachable("core.fake.models")
