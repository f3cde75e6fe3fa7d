"""All UI text goes through gettext: no literal words in templates, flash messages, form labels or validators.

A text that is not marked cannot be translated, so it would stay Dutch on an
English page. These checks read the source: templates (text and the
attributes a screen reader speaks) and the Python calls that put text on a page.
"""
from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from tests.plugin_matrix import plugin_packages

# The core, every folder under plugins/, and every registered plugin wherever it is installed.
PACKAGES = sorted({PROJECT_ROOT / "core", *plugin_packages().values(),
                   *(p for p in (PROJECT_ROOT / "plugins").glob("*/") if p.name != "__pycache__")})
TEMPLATES = sorted(p for root in PACKAGES for p in root.rglob("templates/**/*.html"))
MODULES = sorted(p for root in PACKAGES for p in root.rglob("*.py")
                 if "migrations" not in p.parts and "translations" not in p.parts)
SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description"}
# The Excel engine's messages for the user, by the position of the message argument
ENGINE_MESSAGES = {"Problem": 1, "RefusedFile": 0, "Invalid": 0}
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
JINJA = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}|{{.*?}}|{%.*?%}|{#.*?#}", re.S)


def _blank(match: re.Match) -> str:
    """Replace a Jinja construct by a placeholder of the same number of lines."""
    return "\x00" + "\n" * match.group(0).count("\n")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value and WORD.search(value.replace("\x00", " ")):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data):
        text = data.replace("\x00", " ").strip()
        if not self.skip and WORD.search(text):
            self.found.append((self.getpos()[0], text))


def shown(path: Path) -> str:
    """A file's test id: relative to the project, or to its package's folder for a plugin installed elsewhere."""
    if path.is_relative_to(PROJECT_ROOT):
        return str(path.relative_to(PROJECT_ROOT))
    root = next((r for r in PACKAGES if path.is_relative_to(r)), None)
    return str(path.relative_to(root.parent)) if root else str(path)


def unmarked_template_text(path: Path) -> list[str]:
    """Literal words in a template outside `_()` / `{% trans %}`, as `file:line: text`."""
    source = JINJA.sub(_blank, path.read_text(encoding="utf-8"))
    parser = _Text()
    parser.feed(source)
    parser.close()
    rel = shown(path)
    return [f"{rel}:{line}: {text[:70]!r}" for line, text in parser.found]


def _literal(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and WORD.search(str(v.value)) for v in node.values)
    return False


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def unmarked_python_text(path: Path) -> list[str]:
    """Literal words in flash(), form field labels, validator messages and the Excel engine's messages
    (Problem, RefusedFile, Invalid), as `file:line: text`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = shown(path)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        suspects = []
        if name == "flash" and node.args:
            suspects.append(node.args[0])
        if name.endswith("Field") and node.args:
            suspects.append(node.args[0])
        if name in ENGINE_MESSAGES and len(node.args) > ENGINE_MESSAGES[name]:
            suspects.append(node.args[ENGINE_MESSAGES[name]])
        suspects += [kw.value for kw in node.keywords if kw.arg in ("label", "message", "description")
                     and (name.endswith("Field") or name[:1].isupper() or name == "flash")]
        for suspect in suspects:
            if _literal(suspect):
                found.append(f"{rel}:{suspect.lineno}: {ast.unparse(suspect)[:70]}")
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=shown)
def test_template_text_is_marked_for_translation(path):
    problems = unmarked_template_text(path)
    assert not problems, "wrap these in {{ _('…') }} and translate them:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", MODULES, ids=shown)
def test_python_ui_text_is_marked_for_translation(path):
    problems = unmarked_python_text(path)
    assert not problems, "wrap these in _() / lazy_gettext() and translate them:\n" + "\n".join(problems)


def test_the_checks_find_unmarked_text(tmp_path):
    """The checks above can fail: they see a literal word, and pass a marked one."""
    template = PROJECT_ROOT / "core" / "templates" / "core" / "_check_example.html"
    try:
        template.write_text('<p>{{ _("Opslaan") }}</p>\n<button aria-label="Sluiten">{{ x }}</button>\n<p>Opslaan</p>')
        assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in unmarked_template_text(template)] == ["2", "3"]
    finally:
        template.unlink()
    module = PROJECT_ROOT / "core" / "_check_example.py"
    try:
        module.write_text('flash("Opgeslagen.")\nflash(_("Opgeslagen."))\nx = StringField("Naam")\n'
                          'y = StringField(_l("Naam"))\nz = Length(max=3, message="Te lang")\n'
                          'raise RefusedFile(f"Te groot: {n}")\nraise RefusedFile(_("Leeg."))\n'
                          'p = Problem("C3", "dubbele rij")\nq = Problem("C3", _("dubbele rij"))\n')
        assert [int(line.split(":")[1]) for line in unmarked_python_text(module)] == [1, 3, 5, 6, 8]
    finally:
        module.unlink()
