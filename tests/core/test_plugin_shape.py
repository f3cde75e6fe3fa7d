"""One shape per plugin, and models that import no pages.

Every registered instrument (the built-ins and the test plugin hello, as the registry lists them) is a
package with the same file names for the same roles:

    required  __init__.py (empty), hooks.py, models.py, views.py or views/ (a package whose __init__ defines
              `bp`), settings.py, migrations/ (revision files only), templates/<key>/, translations/
              (translations/en/LC_MESSAGES/messages.po)
    optional  forms.py, sheets.py, agreement.py, figures.py, demo.py, access.py, commands.py, rules.py,
              privacy.py, suppression.py, deadlines.py (the dates of the deadlines hook), national.py (the
              national_overview sections and the aggregates they read), retention.py (the rules of the
              retention_rules hook), data/ (with SOURCES.md)

Anything else is an unknown name. Layering: no models.py (core or plugin) imports a page module (views,
forms, or any module that defines a Blueprint), and a plugin's pages (its Blueprint) live in views.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_FILES = ("__init__.py", "hooks.py", "models.py", "settings.py")
REQUIRED_DIRS = ("migrations", "templates", "translations")
OPTIONAL_FILES = ("forms.py", "sheets.py", "agreement.py", "figures.py", "demo.py", "access.py", "commands.py",
                  "rules.py", "privacy.py", "suppression.py", "deadlines.py", "national.py",
                  "retention.py")
OPTIONAL_DIRS = ("data",)
IGNORED = ("__pycache__",)


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name not in IGNORED and not p.name.startswith("."))


def shape_problems(folder: Path, key: str) -> list[str]:
    """Everything about `folder` (the package of instrument `key`) that breaks the plugin shape."""
    problems = []
    names = {p.name: p for p in _visible(folder)}
    for name in REQUIRED_FILES:
        if not (folder / name).is_file():
            problems.append(f"missing {name}")
    for name in REQUIRED_DIRS:
        if not (folder / name).is_dir():
            problems.append(f"missing {name}/")
    views_file, views_dir = (folder / "views.py").is_file(), (folder / "views").is_dir()
    if views_file == views_dir:
        problems.append("needs exactly one of views.py and views/" if views_file else "missing views.py or views/")
    if views_dir:
        init = folder / "views" / "__init__.py"
        if not init.is_file():
            problems.append("views/ is not a package (no __init__.py)")
        elif "bp" not in _assigned_names(init):
            problems.append("views/__init__.py does not define bp")
    known = set(REQUIRED_FILES) | set(REQUIRED_DIRS) | set(OPTIONAL_FILES) | set(OPTIONAL_DIRS) | {"views.py", "views"}
    for name, path in names.items():
        if name not in known:
            problems.append(f"unknown name {name}{'/' if path.is_dir() else ''} (see the plugin shape)")
        elif name.endswith(".py") and not path.is_file() or name in REQUIRED_DIRS + OPTIONAL_DIRS and not path.is_dir():
            problems.append(f"{name} has the wrong type")
    init = folder / "__init__.py"
    if init.is_file() and init.read_text(encoding="utf-8").strip():
        problems.append("__init__.py is not empty")
    if (folder / "migrations").is_dir():
        others = [p.name for p in _visible(folder / "migrations") if not (p.is_file() and p.suffix == ".py")]
        if others:
            problems.append(f"migrations/ holds more than revision files: {', '.join(others)}")
    if (folder / "templates").is_dir():
        inside = [p.name for p in _visible(folder / "templates")]
        if inside != [key]:
            problems.append(f"templates/ must hold exactly templates/{key}/ (found {', '.join(inside) or 'nothing'})")
    if (folder / "translations").is_dir() and not (folder / "translations/en/LC_MESSAGES/messages.po").is_file():
        problems.append("missing translations/en/LC_MESSAGES/messages.po")
    if (folder / "data").is_dir() and not (folder / "data" / "SOURCES.md").is_file():
        problems.append("data/ without SOURCES.md")
    return problems


def _assigned_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}


def registered_packages(app) -> dict[str, Path]:
    """instrument key -> the folder of its package, from the app's registry (whatever is installed)."""
    registry = app.extensions["regioplatform"]
    out = {}
    for key in registry.entries:
        hooks = registry.pm.get_plugin(key)
        out[key] = Path(hooks.__file__).resolve().parent
    return out


def test_the_registry_names_the_packages(app):
    packages = registered_packages(app)
    assert "hello" in packages and len(packages) >= 2  # hello plus the installed instruments
    for key, folder in packages.items():
        assert app.extensions["regioplatform"].pm.get_plugin(key).__name__.endswith(".hooks"), key


def test_every_registered_instrument_has_the_plugin_shape(app):
    problems = {key: shape_problems(folder, key) for key, folder in registered_packages(app).items()}
    assert {key: found for key, found in problems.items() if found} == {}


def test_hook_implementations_live_in_hooks_py(app):
    """hooks.py holds every @hookimpl of the instrument (the entry point names it); no other module has one."""
    elsewhere = []
    for key, folder in registered_packages(app).items():
        for path in folder.rglob("*.py"):
            if path.name == "hooks.py" and path.parent == folder or "__pycache__" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                        "hookimpl" in ast.unparse(d) for d in node.decorator_list):
                    elsewhere.append(f"{key}: {path.relative_to(folder)}: {node.name}")
    assert elsewhere == []


def _good_plugin(folder: Path, key: str = "demo_key") -> Path:
    folder.mkdir()
    for name in ("__init__.py", "settings.py", "models.py", "hooks.py", "views.py"):
        (folder / name).write_text("" if name == "__init__.py" else "x = 1\n", encoding="utf-8")
    (folder / "migrations").mkdir()
    (folder / "migrations" / "0001_first.py").write_text("revision = '0001'\n", encoding="utf-8")
    (folder / "templates" / key).mkdir(parents=True)
    (folder / "translations/en/LC_MESSAGES").mkdir(parents=True)
    (folder / "translations/en/LC_MESSAGES/messages.po").write_text("", encoding="utf-8")
    return folder


def test_the_shape_check_passes_a_minimal_plugin_and_reports_each_break(tmp_path):
    folder = _good_plugin(tmp_path / "one")
    assert shape_problems(folder, "demo_key") == []
    (folder / "dashboard.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "data").mkdir()
    (folder / "models.py").unlink()
    (folder / "__init__.py").write_text('"""A docstring is code here."""\n', encoding="utf-8")
    (folder / "views").mkdir()
    (folder / "views" / "__init__.py").write_text("from flask import Blueprint\n", encoding="utf-8")
    (folder / "migrations" / "notes.txt").write_text("", encoding="utf-8")
    found = shape_problems(folder, "demo_key")
    for expected in ("missing models.py", "unknown name dashboard.py", "data/ without SOURCES.md",
                     "__init__.py is not empty", "needs exactly one of views.py and views/",
                     "views/__init__.py does not define bp", "migrations/ holds more than revision files"):
        assert any(expected in problem for problem in found), (expected, found)


def test_a_views_package_with_bp_is_the_shape_too(tmp_path):
    folder = _good_plugin(tmp_path / "two")
    (folder / "views.py").unlink()
    (folder / "views").mkdir()
    (folder / "views" / "__init__.py").write_text("bp = object()\n", encoding="utf-8")
    (folder / "views" / "pages.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "data").mkdir()
    (folder / "data" / "SOURCES.md").write_text("# Sources\n", encoding="utf-8")
    assert shape_problems(folder, "demo_key") == []
    (folder / "templates" / "other").mkdir()
    assert shape_problems(folder, "demo_key") == ["templates/ must hold exactly templates/demo_key/ "
                                                  "(found demo_key, other)"]


# --- layering: models import no page module -----------------------------------------------------------

PAGE_NAMES = ("views", "forms")


def module_file(name: str) -> Path | None:
    """The source file of an importable module name under the repository, or None (third-party, missing)."""
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def is_page_module(name: str) -> bool:
    """A page module: named views or forms (or inside a views package), or one that defines a Blueprint."""
    if any(part in PAGE_NAMES for part in name.split(".")):
        return True
    path = module_file(name)
    return path is not None and "Blueprint(" in path.read_text(encoding="utf-8")


def imported_names(source: str, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source` (of the module named `module`), relative
    imports resolved; `from a import b` yields a.b too (b may be a module)."""
    package = module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{a.name}") for a in node.names if a.name != "*"]
    return found


def layering_problems(source: str, module: str) -> list[str]:
    """The page modules that the models module `module` imports."""
    problems = []
    for line, name in imported_names(source, module):
        if name.split(".")[0] in sys.stdlib_module_names or module_file(name) is None:
            continue
        if is_page_module(name):
            problems.append(f"line {line}: imports the page module {name}")
    return problems


MODEL_FILES = sorted(p for d in (ROOT / "core", ROOT / "plugins", ROOT / "tests" / "plugins")
                     for p in d.rglob("models.py") if "__pycache__" not in p.parts)


def test_the_walk_sees_core_and_plugin_models():
    names = {str(p.relative_to(ROOT)) for p in MODEL_FILES}
    assert "tests/plugins/hello/models.py" in names
    assert sum(1 for n in names if n.startswith("core/")) >= 3
    assert sum(1 for n in names if n.startswith("plugins/")) >= 1


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_models_import_no_page_module(path):
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    assert layering_problems(path.read_text(encoding="utf-8"), module) == []


def test_the_layering_check_reports_a_page_import():
    models = ROOT / "tests" / "plugins" / "hello" / "models.py"
    source = models.read_text(encoding="utf-8") + "\nfrom .views import bp\nfrom core.identity import forms\n"
    found = layering_problems(source, "tests.plugins.hello.models")
    assert any("tests.plugins.hello.views" in p for p in found), found
    assert any("core.identity.forms" in p for p in found), found
    assert layering_problems(models.read_text(encoding="utf-8"), "tests.plugins.hello.models") == []


@pytest.mark.parametrize("path", sorted(p for d in (ROOT / "plugins", ROOT / "tests" / "plugins")
                                        for p in d.rglob("*.py") if "__pycache__" not in p.parts),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_pages_live_in_views(path):
    """A plugin's Blueprint (its pages) is defined in views.py or views/__init__.py, nowhere else."""
    rel = path.relative_to(ROOT).parts
    in_views = "views" in rel[-2:-1] or path.name == "views.py"
    defines = any(isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Blueprint"
                  for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    assert in_views or not defines, f"{'/'.join(rel)} defines a Blueprint: pages live in views.py or views/"
