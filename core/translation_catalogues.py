"""Keeping the English catalogues in step with the Dutch source text (Babel's extractor and updater).

Every package with UI text has its own catalogue next to its code: the core
(`core/translations`) and each plugin (`plugins/<key>/translations`), so an
instrument brings its own translations.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

TRANSLATED_LANGUAGES = ("en",)
METHODS = [
    ("**/translations/**", "ignore"),
    ("**/migrations/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


@dataclass(frozen=True)
class Package:
    """A directory with UI text and its own catalogue."""

    name: str
    root: Path

    def po(self, language: str) -> Path:
        return self.root / "translations" / language / "LC_MESSAGES" / "messages.po"


def packages(project_root: Path) -> list[Package]:
    """The core and every plugin package (plus the test plugin that serves as the worked example)."""
    found = [Package("core", project_root / "core")]
    for parent in (project_root / "plugins", project_root / "tests" / "plugins"):
        for path in sorted(parent.iterdir()) if parent.is_dir() else ():
            if (path / "__init__.py").is_file():
                found.append(Package(path.name, path))
    return found


def extract(package: Package) -> Catalog:
    """All marked Dutch strings of one package, with where they occur."""
    catalog = Catalog(project="regioplatform", locale="nl", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            package.root, METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update(package: Package, language: str) -> tuple[int, int]:
    """Bring `language`'s catalogue of `package` in step with the source.

    Returns (messages, untranslated). New messages get an empty translation;
    messages no longer in the source become obsolete (kept at the end, not used).
    """
    template = extract(package)
    po = package.po(language)
    if po.is_file():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
    else:
        catalog = Catalog(locale=language, project="regioplatform")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.fuzzy = False
    if not len(template):
        return 0, 0
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False, ignore_obsolete=True)
    untranslated = sum(1 for m in catalog if m.id and not _translated(m))
    return len(template), untranslated


def missing(package: Package, language: str) -> list[str]:
    """Source messages without a (non-fuzzy) translation in `language`, as `file:line: text`."""
    template = extract(package)
    known = {}
    po = package.po(language)
    if po.is_file():
        with po.open("rb") as handle:
            known = {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(handle, locale=language) if m.id}
    problems = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = known.get(key)
        if found is None or not _translated(found):
            where = ", ".join(f"{f}:{n}" for f, n in message.locations[:1])
            problems.append(f"{package.name}/{where}: {key!r}")
    return problems


def _translated(message) -> bool:
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)
