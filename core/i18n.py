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

from babel import Locale, dates as babel_dates, numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, g, has_request_context, request
from jinja2 import pass_eval_context
from markupsafe import Markup
from flask_babel import (Babel, Domain, format_currency, format_date, format_datetime, format_decimal, get_locale,
                         get_timezone)

SOURCE_LANGUAGE = "nl"
LANGUAGES = {"nl": "Nederlands", "en": "English"}
COOKIE = "taal"
COOKIE_MAX_AGE = 365 * 24 * 3600
CATALOGUE = Path("translations")
TEXTS_KEPT = 20_000  # translated template texts kept per app (a bound: a template may translate data)
NO_TRANSLATION = NullTranslations()  # Dutch: the text as written (one object, not one per call)


class SourceCatalogues(Domain):
    """A translation domain that reads the .po catalogues of the core and of every plugin.

    Dutch is the source language, so Dutch requests use the text as written.
    """

    def __init__(self, directories: list[Path]):
        super().__init__()
        self.directories = directories
        self.loaded: dict[str, Translations | NullTranslations] = {}

    def get_translations(self):
        return self.translations_of(language_tools())

    def translations_of(self, tools: LanguageTools | None) -> Translations | NullTranslations:
        """The catalogues of `tools`' language (none without a locale)."""
        if tools is None:
            return NO_TRANSLATION
        found = self.loaded.get(tools.language)
        return found if found is not None else self.for_language(tools.language)

    def for_language(self, language: str) -> Translations | NullTranslations:
        """The merged catalogues of `language` (none for Dutch, the source), compiled once."""
        if language not in self.loaded:
            self.loaded[language] = (NO_TRANSLATION if language == SOURCE_LANGUAGE
                                     else load_catalogues(self.directories, language))
        return self.loaded[language]


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
    tools = language_tools()
    return tools.language if tools is not None else SOURCE_LANGUAGE


class LanguageTools:
    """What translating and formatting need for one locale, built once per locale and kept for the process:
    babel's `Locale` and its parsed number and date patterns, which babel's `format_*` functions would look up
    and parse again on every call. Applying them is exactly what those functions do (same text, same rounding)."""

    def __init__(self, locale: Locale):
        self.locale = locale
        self.language = str(locale)
        self.decimal = locale.decimal_formats[None]
        self.currency = locale.currency_formats["standard"]
        self.long_date = locale.date_formats["long"]
        self.day_month_year = babel_dates.parse_pattern("d MMMM y")
        self.moment = babel_dates.parse_pattern("d MMMM y HH:mm")
        self.fixed: dict[int, babel_numbers.NumberPattern] = {}
        # Numbers, amounts and dates already written: a number's text depends only on its type and exact `str`
        # (babel makes a Decimal of `str(value)`; a Decimal's `str` keeps its sign and digits), a date's on the
        # date (and the time zone), so a page shown again formats its cells once. Emptied when it holds
        # NUMBERS_KEPT texts.
        self.written: dict[tuple, str] = {}

    def keep(self, key: tuple, text: str) -> str:
        """Remember `text` as the way `key` is written; returns it."""
        if len(self.written) >= NUMBERS_KEPT:
            self.written.clear()
        self.written[key] = text
        return text

    def with_digits(self, digits: int) -> babel_numbers.NumberPattern:
        """The pattern of a number with exactly `digits` decimals (`#,##0.00` for 2)."""
        pattern = self.fixed.get(digits)
        if pattern is None:
            pattern = self.fixed[digits] = babel_numbers.parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))
        return pattern


NUMBERS_KEPT = 50_000
_TOOLS: dict[str, LanguageTools] = {}
_MEMO = "_regio_language_tools"


def language_tools() -> LanguageTools | None:
    """The `LanguageTools` of the current locale (`flask_babel.get_locale()`), or None where there is none.

    Called for every translated text and formatted cell, so it is cheap: one look-up of the app context's `g`
    (not the three of `get_locale`), the locale flask_babel keeps there, and this request's tools remembered
    next to it. `force_locale` and `refresh` replace that locale object, so they are followed.
    """
    try:
        state = g._get_current_object()
    except RuntimeError:  # outside an app context
        return None
    babel_state = state.__dict__.get("_flask_babel")
    locale = getattr(babel_state, "babel_locale", None)  # flask_babel's per-request choice, once made
    if locale is None:
        locale = get_locale()  # make the choice (selector), as flask_babel would
        if locale is None:
            return None
    memo = state.__dict__.get(_MEMO)
    if memo is not None and memo[0] is locale:
        return memo[1]
    key = str(locale)
    tools = _TOOLS.get(key)
    if tools is None:
        tools = _TOOLS[key] = LanguageTools(locale)
    setattr(state, _MEMO, (locale, tools))
    return tools


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
    tools = language_tools()
    if tools is None:  # no locale: babel's defaults, as flask_babel gives them
        if digits is None:
            return format_decimal(value)
        return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))
    key = (digits, type(value), str(value))
    text = tools.written.get(key)
    if text is None:
        pattern = tools.decimal if digits is None else tools.with_digits(digits)
        text = tools.keep(key, pattern.apply(value, tools.locale))
    return text


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
    tools = language_tools()
    if tools is None:
        return format_currency(Decimal(value), "EUR")
    key = ("EUR", type(value), str(value))
    text = tools.written.get(key)
    if text is None:
        text = tools.keep(key, tools.currency.apply(Decimal(value), tools.locale, currency="EUR"))
    return text


def long_date(value) -> str:
    """A date in words: `3 maart 2025` (nl), `March 3, 2025` (en)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return _moment(value, "d MMMM y", "day_month_year")
    if isinstance(value, date):
        tools = language_tools()
        if tools is None:
            return format_date(value, "long")
        key = ("date", type(value), value)
        text = tools.written.get(key)
        if text is None:
            text = tools.keep(key, tools.long_date.apply(value, tools.locale))
        return text
    return str(value)


def date_time(value) -> str:
    """A moment with date and time in the platform's time zone: `3 maart 2025 14:05`."""
    if value is None:
        return "–"
    return _moment(value, "d MMMM y HH:mm", "moment")


def _moment(value: datetime, pattern: str, parsed: str) -> str:
    """`value` in the platform's time zone (flask_babel's `format_datetime`, with the pattern parsed once)."""
    tools = language_tools()
    if tools is None:
        return format_datetime(value, pattern)
    zone = get_timezone()
    key = (parsed, type(value), value, zone)  # equal aware moments are one instant: the same local time
    text = tools.written.get(key)
    if text is None:
        text = tools.keep(key, babel_dates.format_datetime(value, getattr(tools, parsed), tzinfo=zone,
                                                           locale=tools.locale))
    return text


FILTERS = {"getal": number, "procent": percentage, "bedrag": euro, "datum": long_date, "datumtijd": date_time}


def template_gettext(domain: SourceCatalogues):
    """`_()` and `gettext()` in templates: Jinja's "newstyle" gettext (the text is always a format string,
    Markup when autoescaping) in one call, not three (Jinja's `_` alias resolves `gettext`, which calls the
    translation function, each through the template context). A text without variables is the same every
    time in a language, so its result is kept (per language and autoescaping; at most TEXTS_KEPT texts)."""
    kept: dict[tuple, str] = {}

    @pass_eval_context
    def gettext(eval_ctx, __string: str, **variables) -> str:
        tools = language_tools()
        key = None
        if not variables and type(__string) is str:
            key = (tools.language if tools is not None else None, eval_ctx.autoescape, __string)
            found = kept.get(key)
            if found is not None:
                return found
        text = domain.translations_of(tools).ugettext(__string)
        if eval_ctx.autoescape:
            text = Markup(text)
        text = text % variables
        if key is not None:
            if len(kept) >= TEXTS_KEPT:
                kept.clear()
            kept[key] = text
        return text

    return gettext


def install(app: Flask, registry) -> None:
    """Set up Flask-Babel with the catalogues of the core and the plugins, and the filters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    babel = Babel(app, locale_selector=select_language)
    domain = babel.domain_instance = SourceCatalogues(catalogue_directories(registry))
    app.jinja_env.filters.update(FILTERS)
    # Templates translate through the app's domain directly (flask_babel's callables look the domain up in
    # the request context for every text first); the same catalogues, the same result.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = template_gettext(domain)

    @app.context_processor
    def language_context():
        return {"current_language": current_language(), "LANGUAGES": LANGUAGES}
