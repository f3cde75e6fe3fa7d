"""Check the pinned dependencies (constraints.txt) for known vulnerabilities with pip-audit.

Run:  python .ci/audit_dependencies.py PIP_AUDIT [CONSTRAINTS]

Exit 1 when a pinned package has a known vulnerability for which a fixed version exists (upgrade the pin);
a vulnerability without a fix is printed but does not fail the run. pip-audit asks a vulnerability service
over the network. Where that service cannot be reached, pip-audit does not fail: it marks every package
"could not be audited" and says "No known vulnerabilities found". That would be a false pass, so this script
reads pip-audit's JSON, and when packages could not be audited it says SKIPPED with the reason, the way the
suite says SKIPPED where PostgreSQL or Redis does not answer.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


# What pip-audit's stderr holds when the network, not the input, stopped it.
UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "ConnectTimeout", "ReadTimeout")


@dataclass
class Verdict:
    """What one audit found: vulnerabilities with a fix (fail), without one (warn), packages not audited."""

    fixable: list[str] = field(default_factory=list)
    unfixed: list[str] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    audited: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.fixable else 0


def judge(report: dict) -> Verdict:
    """Sort pip-audit's JSON report (`-f json`) into a verdict."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):
        name = f"{dependency['name']} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            verdict.not_audited.append(f"{name}: {dependency['skip_reason']}")
            continue
        verdict.audited += 1
        for vuln in dependency.get("vulns", []):
            fixes = vuln.get("fix_versions") or []
            line = f"{name}: {vuln['id']}" + (f" (fixed in {', '.join(fixes)})" if fixes else " (no fix yet)")
            (verdict.fixable if fixes else verdict.unfixed).append(line)
    return verdict


def report_lines(verdict: Verdict) -> list[str]:
    """The lines the CI log shows for a verdict."""
    lines = []
    total = verdict.audited + len(verdict.not_audited)
    if verdict.not_audited:
        lines.append(f"== Dependency audit SKIPPED for {len(verdict.not_audited)} of {total} packages: the "
                     "vulnerability service could not be reached from this machine (pip-audit reports "
                     "these as 'could not be audited'); first: " + verdict.not_audited[0] + " ==")
    if verdict.audited:
        lines.append(f"== Dependency audit: {verdict.audited} packages checked ==")
    lines += [f"VULNERABLE, upgrade the pin: {line}" for line in verdict.fixable]
    lines += [f"known vulnerability without a fix (not failing): {line}" for line in verdict.unfixed]
    return lines


def main(argv: list[str]) -> int:
    pip_audit = argv[1]
    constraints = Path(argv[2] if len(argv) > 2 else "constraints.txt")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        run = subprocess.run([pip_audit, "-r", str(constraints), "--no-deps", "--disable-pip", "-f", "json",
                              "--progress-spinner", "off", "-o", str(out)], capture_output=True, text=True)
        if not out.exists():
            tail = (run.stderr.strip().splitlines() or ["no output"])[-1]
            if any(sign in run.stderr for sign in UNREACHABLE):
                print(f"== Dependency audit SKIPPED: the vulnerability service could not be reached: {tail} ==")
                return 0
            print(f"Dependency audit FAILED: pip-audit ended without a report (exit {run.returncode}): {tail}")
            return 1
        verdict = judge(json.loads(out.read_text()))
    print("\n".join(report_lines(verdict)))
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
