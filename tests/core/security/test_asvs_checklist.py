"""docs/asvs.md stays current: every test it names exists, every path it names exists, every line has a status."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHECKLIST = (ROOT / "docs" / "asvs.md").read_text(encoding="utf-8")
STATUSES = {"met", "partly", "not", "n/a"}


def test_every_named_test_exists():
    files = {path.name: path for path in (ROOT / "tests").rglob("test_*.py")}
    missing = []
    for name, test in re.findall(r"([\w/]*test_\w+\.py)::(test_\w+)", CHECKLIST):
        path = ROOT / name if "/" in name else files.get(name)
        if path is None or not path.exists() or f"def {test}(" not in path.read_text(encoding="utf-8"):
            missing.append(f"{name}::{test}")
    assert not missing, f"docs/asvs.md names tests that do not exist: {missing}"


def test_every_named_path_exists():
    paths = [p for p in re.findall(r"`((?:tests|core|docs)/[\w/.]+)`", CHECKLIST) if "..." not in p]
    assert paths
    assert [p for p in paths if not (ROOT / p.rstrip("/")).exists()] == []


def test_every_requirement_line_has_a_status():
    rows = [line.split("|") for line in CHECKLIST.splitlines()
            if re.match(r"\| (\d+\.\d+|\(formula)", line)]
    assert len(rows) > 150
    assert [row[1] for row in rows if row[3].strip() not in STATUSES] == []
