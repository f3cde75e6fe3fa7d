"""The template contract: everything from the core that a plugin's Jinja template may use.

A plugin template may use exactly this from the core (plugin_api re-exports the
URL helpers; docs/plugins.md, "Template contract", explains them), and
tests/core/test_template_contract.py fails on anything else:

* the base layout `core/base.html` (`{% extends %}`), filling its blocks
  `title` and `content`;
* the form macros of `core/_forms.html` (`{% from ... import %}`): `error_summary`,
  `field`, `field_errors`, `described_by`, `conflict_notice` (a refused save, core.concurrency),
  `pager` (one page of a long list, core.pagination),
  `picker_search` (the search of an organisation picker);
* the URL helpers below for the core's pages about the instrument (its Excel
  sheets, its agreements, the region overview), instead of the core's endpoint
  names; `url_for` only for the plugin's own endpoints (`url_for('.index')`);
* the globals in TEMPLATE_GLOBALS and the filters in TEMPLATE_FILTERS.

The region comes from the page being shown (the URL's <region>); pass
`region=` (a slug or a Region) to link into another region.
"""
from __future__ import annotations

from flask import url_for

BASE_TEMPLATE = "core/base.html"
BASE_BLOCKS = ("title", "content")
FORMS_TEMPLATE = "core/_forms.html"
FORM_MACROS = ("error_summary", "field", "field_errors", "described_by", "conflict_notice", "pager",
               "picker_search")


def _region(region) -> dict:
    if region is None:
        return {}
    return {"region": getattr(region, "slug", region)}


def region_url(*, region=None) -> str:
    """The region's overview page (/regio/<region>/)."""
    return url_for("regio.overview", **_region(region))


def sheet_url(instrument: str, sheet: str, *, region=None) -> str:
    """The page of one of the instrument's Excel sheets: template, export and upload."""
    return url_for("regio.excel_sheet", instrument=instrument, sheet=sheet, **_region(region))


def sheet_template_url(instrument: str, sheet: str, *, region=None) -> str:
    """The empty workbook (with drop-downs) of one of the instrument's Excel sheets."""
    return url_for("regio.excel_template", instrument=instrument, sheet=sheet, **_region(region))


def sheet_export_url(instrument: str, sheet: str, *, region=None) -> str:
    """The export of one of the instrument's Excel sheets (what the user may see)."""
    return url_for("regio.excel_export", instrument=instrument, sheet=sheet, **_region(region))


def agreements_url(instrument: str, *, region=None) -> str:
    """The list of the instrument's agreements in the region."""
    return url_for("regio.agreements", instrument=instrument, **_region(region))


def agreement_url(instrument: str, agreement_id: int, *, region=None) -> str:
    """One agreement of the instrument (its latest version, parties and signatures)."""
    return url_for("regio.agreement", instrument=instrument, agreement_id=agreement_id, **_region(region))


def new_agreement_url(instrument: str, template: str | None = None, *, region=None) -> str:
    """The page that drafts a new agreement, from `template` (a key of the instrument's templates)."""
    extra = {"sjabloon": template} if template else {}
    return url_for("regio.agreement_new", instrument=instrument, **extra, **_region(region))


def consortium_url(instrument: str, *, region=None) -> str:
    """The instrument's consortium in the region (who takes part, in which role)."""
    return url_for("regio.consortium", instrument=instrument, **_region(region))


URL_HELPERS = {f.__name__: f for f in (region_url, sheet_url, sheet_template_url, sheet_export_url,
                                       agreements_url, agreement_url, new_agreement_url, consortium_url)}

# Names a plugin template may read from the core's context, besides the URL helpers.
TEMPLATE_GLOBALS = {
    "url_for": "only for the plugin's own endpoints: url_for('.index') or 'regio.<key>.<view>'",
    "_": "gettext: Dutch source text, translated through the plugin's catalogue",
    "gettext": "the same as _",
    "ngettext": "singular/plural text",
    "csrf_token": "the token every POST form sends as the hidden field csrf_token",
    "current_user": "the signed-in user (is_authenticated, name, is_platform_admin)",
    "current_region": "the region of the page (plugin_api.Region), or None",
    "may": "may(user, action, obj=None): the core's authorization check, to show or hide a link",
    "current_language": "'nl' or 'en'",
    "get_flashed_messages": "Flask's messages (the base layout already shows them)",
}
TEMPLATE_FILTERS = {
    "getal": "a number the reader's way (12.345 / 12,345)",
    "procent": "a percentage (4,2 %)",
    "bedrag": "money in euros (Decimal)",
    "datum": "a long date (3 maart 2025)",
    "datumtijd": "a date and time in the platform's time zone",
}


def allowed_names() -> set[str]:
    """Every core name a plugin template may use: the globals, the URL helpers and the form macros."""
    return set(TEMPLATE_GLOBALS) | set(URL_HELPERS) | set(FORM_MACROS)


def install(app) -> None:
    """Make the URL helpers Jinja globals of `app` (and its `url_for` the row-cheap one of core.row_urls)."""
    from core import row_urls

    app.jinja_env.globals.update(URL_HELPERS)
    row_urls.install(app)
