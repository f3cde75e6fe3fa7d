"""Issue 19: `.ci/run` audits the pinned dependencies with pip-audit and fails on a known, fixable vulnerability.

The verdict is tested on pip-audit's JSON report format (a network-free test: the vulnerability service is not
reachable from every machine, and there the run says SKIPPED instead of a false "no known vulnerabilities").
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "audit_dependencies.py"


def audit_module():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_vulnerability_with_a_fixed_version_fails_the_run():
    audit = audit_module()
    verdict = audit.judge({"dependencies": [
        {"name": "flask", "version": "2.2.0", "vulns": [{"id": "PYSEC-2023-62", "fix_versions": ["2.2.5", "2.3.2"]}]},
        {"name": "babel", "version": "2.19.0", "vulns": []},
    ]})
    assert verdict.exit_code == 1
    assert "VULNERABLE, upgrade the pin: flask 2.2.0: PYSEC-2023-62 (fixed in 2.2.5, 2.3.2)" in audit.report_lines(verdict)


def test_a_vulnerability_without_a_fix_is_shown_but_does_not_fail():
    audit = audit_module()
    verdict = audit.judge({"dependencies": [
        {"name": "ecdsa", "version": "0.19.1", "vulns": [{"id": "GHSA-wj6h-64fc-37mp", "fix_versions": []}]}]})
    assert verdict.exit_code == 0
    assert any("without a fix" in line and "GHSA-wj6h-64fc-37mp" in line for line in audit.report_lines(verdict))


def test_packages_that_could_not_be_audited_are_reported_as_skipped_not_as_clean():
    audit = audit_module()
    verdict = audit.judge({"dependencies": [
        {"name": "alembic", "skip_reason": "Dependency not found on PyPI and could not be audited: alembic (1.20.1)"},
        {"name": "babel", "version": "2.19.0", "vulns": []}]})
    lines = audit.report_lines(verdict)
    assert verdict.exit_code == 0
    assert lines[0].startswith("== Dependency audit SKIPPED for 1 of 2 packages")
    assert "1 packages checked" in lines[1]


def test_every_pin_in_the_constraints_file_is_exact():
    """pip-audit --no-deps audits exactly the pinned versions: every line must pin one with ==."""
    constraints = SCRIPT.parents[1] / "constraints.txt"
    pins = [line for line in constraints.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert pins and all("==" in line for line in pins), [line for line in pins if "==" not in line]
