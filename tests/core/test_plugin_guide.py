"""docs/plugins.md works: its instrument, built from the guide alone, passes the core's checks untouched.

The test writes every code block of the guide that starts with a file name
(`# proef/models.py`, `{# proef/templates/proef/index.html #}`, ...) into a
temporary folder, installs it the way a third-party package is installed (a
distribution's metadata with entry points, on sys.path; nothing in this
repository changes), and runs the core's own tests on it in a fresh Python:
the route matrix, the hook meta-tests, the migration checks (one head per
line, schema == models) and the i18n checks. No core test knows the
instrument: they find it through its entry points. REGIO_TEST_PLUGINS keeps
that run to the new instrument and the test plugin, so it stays fast.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from core.testing import fake_distribution

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "plugins.md"
KEY = "proef"
BLOCK = re.compile(r"^```[a-z]*\n(.*?)^```", re.S | re.M)
NAMED = re.compile(r"^(?:#|\{#)\s*((?:proef|proef_tests)/[\w./-]+)")
CHECKS = [
    "tests/core/test_route_matrix.py::test_matrix_knows_every_rule_and_every_public_endpoint",
    "tests/core/test_route_matrix.py::test_anonymous_is_sent_to_login_on_every_guarded_rule",
    "tests/core/test_route_matrix.py::test_user_of_another_region_gets_404_on_every_region_rule",
    "tests/core/test_route_matrix.py::test_viewer_post_is_refused_everywhere_and_writes_nothing",
    "tests/core/test_route_matrix.py::test_allowed_user_gets_200_on_every_get_rule",
    "tests/core/test_route_matrix.py::test_every_instrument_rule_is_404_where_the_instrument_is_disabled",
    "tests/core/test_hookspecs.py",
    "tests/core/test_migrations.py::test_every_line_has_exactly_one_head_and_they_are_all_the_heads",
    "tests/core/test_migrations.py::test_every_revision_lives_in_the_directory_of_its_line",
    "tests/core/test_migrations.py::test_the_database_is_at_the_effective_heads",
    "tests/core/test_migrations.py::test_migrated_schema_equals_the_models",
    f"tests/core/i18n/test_language.py::test_every_marked_text_has_an_english_translation[{KEY}]",
    f"tests/core/i18n/test_marked_text.py::test_template_text_is_marked_for_translation[{KEY}/templates/{KEY}/index.html]",
    *(f"tests/core/i18n/test_marked_text.py::test_python_ui_text_is_marked_for_translation[{KEY}/{name}.py]"
      for name in ("hooks", "views", "sheets", "settings", "models", "demo")),
    "tests/core/test_template_contract.py::test_every_plugin_template_keeps_to_the_contract",
]


def guide_files() -> dict[str, str]:
    """Relative path -> content, for every code block of the guide that names its file on its first line."""
    files = {}
    for body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        match = NAMED.match(body)
        if match:
            files[match.group(1)] = body
    return files


def build_from_the_guide(site: Path) -> dict[str, str]:
    files = guide_files()
    for package in (KEY, f"{KEY}_tests"):  # step 1: the folder, with an empty __init__.py
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").write_text("")
    for relative, content in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    # Step 8, as a third-party package: its entry points (in this repository: a line in pyproject.toml).
    fake_distribution(site, f"regio-{KEY}", {"regioplatform.plugins": {KEY: f"{KEY}.hooks"},
                                             "regioplatform.route_matrix": {KEY: f"{KEY}_tests.matrix"}})
    return files


def test_the_guide_gives_every_file_of_its_instrument():
    files = guide_files()
    expected = {f"{KEY}/{name}" for name in ("hooks.py", "models.py", "views.py", "settings.py", "sheets.py",
                                              "demo.py", f"templates/{KEY}/index.html",
                                              "translations/en/LC_MESSAGES/messages.po")}
    assert expected <= set(files), sorted(expected - set(files))
    (migration,) = [name for name in files if name.startswith(f"{KEY}/migrations/")]
    assert 'depends_on = "c0de00000001"' in files[migration]
    assert (ROOT / "migrations" / "versions" / "c0de00000001_core_tables.py").exists()  # the revision it names
    assert f"{KEY}_tests/matrix.py" in files
    guide = GUIDE.read_text(encoding="utf-8")
    assert "pip install -e ." in guide and "depends_on" in guide
    assert "docs/plugins.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_an_instrument_built_from_the_guide_passes_the_core_checks(tmp_path):
    site = tmp_path / "site"
    build_from_the_guide(site)
    env = {k: v for k, v in os.environ.items()
           if k not in {"TEST_DATABASE_URL", "REDIS_URL", "REGIO_ENV", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER"}}
    env.update(PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]), REGIO_TEST_PLUGINS=KEY,
               INSTANCE_PATH=str(tmp_path / "instance"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:randomly", "-p", "no:cacheprovider", "-x",
         "-o", "addopts=", *CHECKS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[:8000] + done.stderr[-3000:]
    passed = done.stdout
    assert f"PASSED tests/core/i18n/test_language.py::test_every_marked_text_has_an_english_translation[{KEY}]" in passed
    for check in CHECKS[:6]:
        assert f"PASSED {check}" in passed, check
    # The guide's instrument was really in the walk: its pages, its sheet and its migration line.
    assert "failed" not in passed.splitlines()[-1]
