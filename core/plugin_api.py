"""The public surface for instrument plugins: the ONLY core module a plugin imports.

* Plugins import names from here and nowhere else in `core`; a test enforces it.
* Core code never imports this module (it is a facade for plugins only).
* Removing or renaming a name needs a deprecation period: third-party
  plugins depend on it. `tests/core/test_boundaries.py` holds the snapshot.

The hooks themselves are documented in `core/hookspecs.py`; the worked
example is `tests/plugins/hello`; the guide for a new instrument is docs/plugins.md.

Deprecated (still working, with a DeprecationWarning): `instrument_settings()`
without a region (write `instrument_settings(region)`), row rules
`check(values, labels)`, screens `screen(value, is_header)` and agreement-term
checks `check(terms)` without the `RuleContext` argument.

Templates: a plugin template may use from the core only the template contract
(`core/template_contract.py`, docs/plugins.md "Template contract"): the base
layout `core/base.html` (blocks `title`, `content`), the form macros of
`core/_forms.html` (`error_summary`, `field`, `field_errors`, `described_by`, `conflict_notice`),
the filters `getal`, `procent`, `bedrag`, `datum`, `datumtijd`, a few globals
(`_`, `ngettext`, `csrf_token`, `current_user`, `current_region`, `may`, ...) and
the URL helpers below, which are Jinja globals too: never a core endpoint name.
tests/core/test_template_contract.py enforces it.
"""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext, ngettext
from flask_login import current_user
from werkzeug.exceptions import Forbidden, NotFound

from core.agreements.models import Agreement
from core.agreements.service import agreement_in_force, consortium_organisations, draft_agreement
from core.orgs.search import OrganisationSearchForm, search_organisations
from core.agreements.templates import AgreementTemplate, AgreementTerm
from core.audit.models import Audited
from core.charts import Series, bar_chart
from core.concurrency import Conflict, Versioned, VersionField, add_new, digest, lock_for_update, save_edit
from core.completeness import Completeness, completeness
from core.authz import active_memberships, active_roles, authorize, may, scoped
from core.db import Base, db_session
from core.deadlines.model import Deadline
from core.demo import DemoAgreement, DemoConsortiumMember
from core.excel.spec import Column, Kind, RowRule, SheetSpec
from core.forms import DutchForm as Form, SchoolYearField
from core.i18n import N_, euro, long_date, number, percentage
from core.hookspecs import hookimpl
from core.aggregates.declare import Aggregate
from core.aggregates.read import aggregate_table
from core.public.declare import PublicFigures
from core.instruments import Instrument, NationalSection, NationalTable, NavItem, Permission, Widget
from core.orgs.models import Organisation
from core.pagination import Page, keyset_page
from core.regions.context import RuleContext, current_region, instrument_settings
from core.regions.models import Region
from core.regions.settings import RegionSettings
from core.retention.declare import RetentionRule
from core.school_years import InvalidSchoolYear, SchoolYears, SchoolYearSettings, normalise_school_year
from core.template_contract import (agreement_url, agreements_url, consortium_url, new_agreement_url, region_url,
                                    sheet_export_url, sheet_template_url, sheet_url)

__all__ = [
    # marker
    "hookimpl",
    # declarations
    "Instrument", "Permission", "NavItem", "Widget", "AgreementTemplate", "AgreementTerm", "RegionSettings",
    # the national overview (the national_overview hook): a section per instrument with its table per region
    "NationalSection", "NationalTable",
    # maintained aggregates (the register_aggregates hook): sums per region and period the core keeps in the
    # same transaction as the rows; aggregate_table reads them for the regions where the instrument is enabled
    "Aggregate", "aggregate_table",
    # retention (the retention_rules hook): detailed rows `regio purge` removes after the region's
    # retention_months / retention_days setting; the maintained sums and the audit chain stay whole
    "RetentionRule",
    # the opt-in public region page (the public_figures hook): a school year offered for publication
    "PublicFigures",
    # a date in the region calendar (the deadlines hook): reminders, the task list and the iCal feed follow from it
    "Deadline",
    # Excel declarations (the core reads, validates, writes and exports; plugins never touch Excel)
    "SheetSpec", "Column", "Kind", "RowRule",
    # data
    "Base", "db_session", "Audited", "Region", "Organisation",
    # request context
    "current_region", "current_user", "instrument_settings",
    # the explicit context the core hands to row rules, screens and agreement-term checks (web and CLI alike)
    "RuleContext",
    # agreements: the terms in force for (region, instrument); a concept drafted from an instrument's own
    # data (parties from its consortium); the Agreement model to link to and read (status, signatures)
    "agreement_in_force", "draft_agreement", "consortium_organisations", "Agreement",
    # the demo: demo_data may return consortium seats and signed agreements for the core to create
    "DemoAgreement", "DemoConsortiumMember",
    # authorization; a user's memberships and roles that apply today (an ended mandate grants nothing)
    "authorize", "may", "scoped", "active_memberships", "active_roles",
    # lists: one page of a query (keyset: a cursor, not an offset), its total count; at most LIST_PAGE_SIZE rows
    "keyset_page", "Page",
    # no lost update (core.concurrency): a Versioned model, the form's hidden VersionField, save_edit / add_new
    # that return a Conflict (shown with the form macro conflict_notice) instead of overwriting or a 500; a form
    # that saves a set of rows carries their digest and saves under lock_for_update of the row they belong to
    "Versioned", "VersionField", "Conflict", "save_edit", "add_new", "digest", "lock_for_update",
    # an organisation picker that works without JavaScript: the GET search form (name or identifier, kind) and
    # the filtered list (consortium first, at most 50 shown); core/_picker.html renders the search
    "OrganisationSearchForm", "search_organisations",
    # UI and errors
    "Form", "NotFound", "Forbidden", "bar_chart", "Series",
    # issue 18: school years are one closed set per instrument and region (settings derive from
    # SchoolYearSettings; RuleContext.school_years is the set on the context's day), one normalisation, one
    # message, one lock rule; the form field offers the set as a drop-down
    "SchoolYearSettings", "SchoolYears", "InvalidSchoolYear", "normalise_school_year", "SchoolYearField",
    # issue 18: how complete a region total is ("x van de y gemeenten"), judged against a target only when complete
    "Completeness", "completeness",
    # languages: Dutch source text marked for translation, numbers and dates the reader's way
    "_", "lazy_gettext", "ngettext", "number", "percentage", "euro", "long_date",
    # N_: marks Dutch text that stays Dutch in a file (a sheet's help texts and description on the workbook's
    # Toelichting) and is translated where a page shows it
    "N_",
    # links to the core's pages about the instrument (also Jinja globals): use these, never a core endpoint name
    "region_url", "sheet_url", "sheet_template_url", "sheet_export_url", "agreements_url", "agreement_url",
    "new_agreement_url", "consortium_url",
]
