"""core/audit has no import cycle; dead helpers of identity and audit stay gone."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _imports(path: Path, package: str) -> set[str]:
    """Modules of `package` that the file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(package + "."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith(package + ".")}
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_core_audit_imports_form_no_cycle():
    package = "core.audit"
    graph = {f"{package}.{p.stem}": _imports(p, package) for p in (ROOT / "core" / "audit").glob("*.py")}
    assert f"{package}.bulk" in graph and graph[f"{package}.bulk"], "the scan found the package's imports"
    assert _cycle(graph) is None, f"import cycle in core/audit: {' -> '.join(_cycle(graph))}"


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_dead_helpers_and_old_module_names_are_gone():
    sources = [p for folder in ("core", "plugins", "tests") for p in (ROOT / folder).rglob("*.py")]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources if p != Path(__file__).resolve())
    for name in ("values_text", "user_id_from_token", "core.identity.invites", "core.identity.inviting"):
        assert name not in text, name
    assert (ROOT / "core/identity/password_links.py").exists() and (ROOT / "core/identity/invite_mail.py").exists()
