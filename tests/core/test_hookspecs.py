"""Meta-tests on core/hookspecs.py: every hook is documented and has its own test.

The hookspec docstrings are the only reference a plugin author gets, so each
one must say when the hook is called, what it receives and what it returns.
Every hook must also be exercised by a `test_hook_<name>` in test_hooks.py,
through the test-only plugin in tests/plugins/hello.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from core import hookspecs

HOOKS_TEST_FILE = Path(__file__).with_name("test_hooks.py")


def _hookspec_names() -> list[str]:
    marker = f"{hookspecs.hookspec.project_name}_spec"
    return sorted(
        name for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and hasattr(obj, marker)
    )


HOOKS = _hookspec_names()


def test_the_spec_module_declares_the_documented_hooks():
    # Guards the two tests below against passing on an empty list, and makes
    # adding or removing a hook a visible change.
    assert HOOKS == sorted([
        "agreement_templates", "dashboard_widgets", "deadlines", "demo_data", "instrument_info", "migration_location",
        "national_overview", "navigation_items", "public_figures", "region_settings_schema", "register_aggregates",
        "register_blueprint",
        "register_commands",
        "register_permissions", "register_sheets", "retention_rules",
    ])


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_docstring_says_called_receives_returns(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    summary = doc.splitlines()[0] if doc else ""
    assert summary.strip(), f"hookspec {name} has no docstring"
    for section in ("Called:", "Receives:", "Returns:"):
        assert section in doc, f"hookspec {name}: docstring lacks '{section}'"
    # The sections come in the documented order, after a one-line summary.
    positions = [doc.index(s) for s in ("Called:", "Receives:", "Returns:")]
    assert positions == sorted(positions), f"hookspec {name}: sections out of order"
    assert doc.index("Called:") > len(summary), f"hookspec {name}: first line must be a summary"


def _test_function_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")}


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_a_test_hook_function(name):
    assert f"test_hook_{name}" in _test_function_names(HOOKS_TEST_FILE), (
        f"add a test_hook_{name} to {HOOKS_TEST_FILE.name} that uses tests/plugins/hello"
    )


def test_no_test_hook_function_for_a_hook_that_does_not_exist():
    # A renamed or removed hook must not leave a test behind that tests nothing.
    names = {n[len("test_hook_"):] for n in _test_function_names(HOOKS_TEST_FILE) if n.startswith("test_hook_")}
    assert names <= set(HOOKS), f"test_hook_* for unknown hooks: {sorted(names - set(HOOKS))}"
