"""axe-core in the browser: the WCAG 2.0/2.1 A and AA rules, and a readable report of violations.

axe-core comes from PyPI inside axe-playwright-python (its bundled axe.min.js).
"""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Also checked: target size (WCAG 2.2 AA 2.5.8, at least 24 by 24 CSS pixels), asked for by our own standard.
EXTRA_RULES = {"target-size": {"enabled": True}}
_axe = Axe()


def violations(page) -> list[dict]:
    """Run axe on the page as it is now; the WCAG A/AA violations it finds."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "rules": EXTRA_RULES,
                                      "resultTypes": ["violations"]})
    return results.response["violations"]


def report(page, found: list[dict]) -> str:
    """One paragraph per violated rule: id, impact, help, and the first nodes with what fails."""
    lines = [f"{len(found)} axe violation(s) on {page.url}:"]
    for rule in found:
        lines.append(f"- {rule['id']} ({rule.get('impact')}): {rule['help']} [{rule['helpUrl']}]")
        for node in rule["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)
