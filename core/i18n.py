"""Languages: Dutch source text, English catalogues, the language switch, Dutch formatting.

UI text is written in Dutch in the code and templates (`_("Opslaan")`); each
package that has UI text (the core and every plugin) keeps an English
catalogue in `<package>/translations/en/LC_MESSAGES/messages.po`. The
catalogues are compiled in memory from the .po sources when a language is
first used, so no compiled binaries live in the repository and no build step
can be forgotten. `regio translations update` refreshes the .po files from
the source.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, request
from flask_babel import Babel, Domain, format_currency, format_date, format_datetime, format_decimal, get_locale

SOURCE_LANGUAGE = "nl"
LANGUAGES = {"nl": "Nederlands", "en": "English"}
COOKIE = "taal"
COOKIE_MAX_AGE = 365 * 24 * 3600
CATALOGUE = Path("translations")



class SourceCatalogues(Domain):
    """A translation domain that reads the .po catalogues of the core and of every plugin.

    Dutch is the source language, so Dutch requests use the text as written.
    """

    def __init__(self, directories: list[Path]):
        super().__init__()
        self.directories = directories
        self.loaded: dict[str, Translations] = {}

    def get_translations(self):
        locale = get_locale()
        if locale is None or str(locale) == SOURCE_LANGUAGE:
            return NullTranslations()
        key = str(locale)
        if key not in self.loaded:
            self.loaded[key] = load_catalogues(self.directories, key)
        return self.loaded[key]


def load_catalogues(directories: list[Path], language: str) -> Translations | NullTranslations:
    """Compile and merge the `language` catalogues found in `directories` (later ones add to earlier)."""
    merged = None
    for directory in directories:
        po = directory / language / "LC_MESSAGES" / "messages.po"
        if not po.is_file():
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        translations = Translations(fp=buffer)
        if merged is None:
            merged = translations
        else:
            merged.merge(translations)
    return merged if merged is not None else NullTranslations()


def catalogue_directories(registry) -> list[Path]:
    """The core's catalogue directory, then each plugin's (its package's `translations/`)."""
    directories = [Path(__file__).parent / CATALOGUE]
    for entry in registry.ordered():
        module = registry.pm.get_plugin(entry.key)
        source = getattr(module, "__file__", None)
        if source:
            directories.append(Path(source).parent / CATALOGUE)
    return directories


def select_language() -> str:
    """The language of this request: the remembered choice, else (on the JSON API) the
    Accept-Language header, else Dutch."""
    if not has_request_context():
        return SOURCE_LANGUAGE
    chosen = request.cookies.get(COOKIE, "")
    if chosen not in LANGUAGES and request.path.startswith("/api/"):
        chosen = request.accept_languages.best_match(list(LANGUAGES), default=SOURCE_LANGUAGE)
    return chosen if chosen in LANGUAGES else SOURCE_LANGUAGE


def current_language() -> str:
    """The language of this request; Dutch in an app context without a request (the CLI) and outside any."""
    locale = get_locale()
    return str(locale) if locale is not None else SOURCE_LANGUAGE


def N_(text: str) -> str:
    """Mark Dutch text for the catalogue without translating it here (gettext_noop).

    For text that must stay Dutch in one place (a workbook's Toelichting) and
    is translated where it is shown (`_(text)` on a page).
    """
    return text


# --- formatting ------------------------------------------------------------------

def number(value, digits: int | None = None) -> str:
    """A number the reader's way: `1.234` (nl), `1,234` (en); `digits` fixes the decimals."""
    if value is None:
        return "–"
    if digits is None and type(value) is int:  # the common case, without Babel's pattern machinery (same text)
        return grouped(value)
    if digits is None:
        return format_decimal(value)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def grouped(value: int) -> str:
    """A whole number with the reader's thousands separator: `200.000` (nl), `200,000` (en).

    Unlike `number`, safe without an app context (then Dutch), as in the Excel engine's messages.
    """
    text = f"{value:,}"
    return text.replace(",", ".") if current_language() == SOURCE_LANGUAGE else text


def percentage(value, digits: int = 1) -> str:
    """A percentage given as a number of percent (12.5 -> `12,5%`)."""
    if value is None:
        return "–"
    return number(value, digits) + "%"


def euro(value) -> str:
    """An amount in euro with cents: `€ 1.234,50` (nl)."""
    if value is None:
        return "–"
    return format_currency(Decimal(value), "EUR")


def long_date(value) -> str:
    """A date in words: `3 maart 2025` (nl), `March 3, 2025` (en)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM y")
    if isinstance(value, date):
        return format_date(value, "long")
    return str(value)


def date_time(value) -> str:
    """A moment with date and time in the platform's time zone: `3 maart 2025 14:05`."""
    if value is None:
        return "–"
    return format_datetime(value, "d MMMM y HH:mm")


FILTERS = {"getal": number, "procent": percentage, "bedrag": euro, "datum": long_date, "datumtijd": date_time}


def install(app: Flask, registry) -> None:
    """Set up Flask-Babel with the catalogues of the core and the plugins, and the filters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    babel = Babel(app, locale_selector=select_language)
    babel.domain_instance = SourceCatalogues(catalogue_directories(registry))
    app.jinja_env.filters.update(FILTERS)

    @app.context_processor
    def language_context():
        return {"current_language": current_language(), "LANGUAGES": LANGUAGES}
