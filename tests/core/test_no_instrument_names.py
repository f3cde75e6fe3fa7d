"""The core, and the core's tests, never name an instrument.

Neither `core/` (code, templates, texts, comments) nor `tests/core/` imports a
plugin (`plugins.` / `import plugins`) or names an installed instrument: its
key as a word, also inside endpoints (regio.<key>.index), URLs (/<key>/) and
region-file tables ([instruments.<key>]). The keys come
from the installed entry points, so a future instrument is covered too.
Instrument lists in core tests derive from the registry; an instrument's own
behaviour is tested in tests/<key>/. The test-only plugin `hello` may be
named (it stands in for every instrument); fixture region files are data.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import discovery

ROOT = Path(__file__).resolve().parents[2]
SCANNED = (ROOT / "core", ROOT / "tests" / "core")
SUFFIXES = {".py", ".html", ".txt", ".po", ".toml", ".md", ".mako", ".css", ".js"}
PLUGIN_IMPORT = re.compile(r"^\s*(from\s+plugins(\.|\s)|import\s+plugins\b)", re.M)


def installed_keys() -> list[str]:
    return sorted({ep.name for ep in discovery.installed_entry_points()})


def pattern(keys) -> re.Pattern:
    # A key as a word of its own: "zeta", "regio.zeta.index", "/zeta/", "[instruments.zeta]", "zeta'ers" all
    # count; "zeta_figure" or "thezeta" do not (\b treats the underscore as a letter). Core Dutch text that
    # needs a generic word says "instrument".
    return re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b", re.I)


def files() -> list[Path]:
    return sorted(p for root in SCANNED for p in root.rglob("*")
                  if p.is_file() and p.suffix in SUFFIXES and "__pycache__" not in p.parts)


def offences(text: str, keys) -> list[str]:
    found = [f"imports a plugin: {m.group(0).strip()}" for m in PLUGIN_IMPORT.finditer(text)]
    words = pattern(keys)
    for number, line in enumerate(text.splitlines(), start=1):
        if words.search(line):
            found.append(f"line {number} names an instrument: {line.strip()[:100]}")
    return found


def test_the_installed_instruments_are_known():
    assert len(installed_keys()) >= 4  # the built-ins, found through their entry points


def test_core_and_core_tests_name_no_instrument():
    keys = installed_keys()
    wrong = [f"{path.relative_to(ROOT)}: {problem}" for path in files()
             for problem in offences(path.read_text(encoding="utf-8", errors="replace"), keys)]
    assert not wrong, ("the core (or a core test) names an instrument; derive it from the registry, or move the test "
                       "to tests/<key>/:\n" + "\n".join(wrong))


@pytest.mark.parametrize(("text", "hit"), [
    ("from plugins.zeta.models import X", True),
    ("import plugins.zeta", True),
    ("    from plugins import zeta", True),
    ('client.get("/regio/rmc-19/zeta/")', True),
    ('url_for("regio.zeta.index")', True),
    ("[instruments.zeta]", True),
    ("Nieuwe zeta'ers", True),
    ("ZETA-cijfers", True),
    ("zeta_figure = 1", False),
    ("the zetabyte", False),
    ("from core.plugins import build_registry", False),
    ("# plugins. never imported", False),
])
def test_the_check_finds_names_and_imports(text, hit):
    assert bool(offences(text, ["zeta"])) is hit
