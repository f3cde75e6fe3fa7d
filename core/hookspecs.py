"""The hooks an instrument plugin implements: the one reference for plugin authors.

Plugins are found through the entry-point group ``regioplatform.plugins``; the
entry-point name is the instrument key and the pluggy plugin name. A worked
example that implements every hook lives in ``tests/plugins/hello``.

There are two phases:

* Declarations (``instrument_info``, ``register_*``, ``migration_location``,
  ``region_settings_schema``, ``agreement_templates``) are called once while
  the app is created, for each plugin separately, so the core knows which
  instrument returned what. The core validates them and refuses to start
  with a one-line error that names the plugin and the hook.
* Contributions (``navigation_items``, ``dashboard_widgets``, ``deadlines``) are
  called per request (``deadlines`` also by `regio reminders send` and the iCal
  feed), only for the instruments enabled in the region at hand.

House rules: return data and let the core apply it; never touch the Flask
``app``; return ``None`` (or an empty list) to mean "nothing to add". Types
come from ``core.plugin_api``. Hooks may gain arguments, never lose them.
"""
from __future__ import annotations

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("regioplatform")
hookimpl = HookimplMarker("regioplatform")


@hookspec
def instrument_info():
    """Describe the instrument this plugin provides.

    Called:   once, while the app is created. Required: every plugin implements it.
    Receives: nothing.
    Returns:  one plugin_api.Instrument. Its key must equal the entry-point
              name (the core refuses to start otherwise); its name and
              description are Dutch and shown in menus and region pages.
    """


@hookspec
def register_blueprint():
    """Provide the instrument's pages.

    Called:   once, while the app is created.
    Receives: nothing.
    Returns:  a flask.Blueprint without url_prefix, or None. The core mounts it
              at /regio/<region>/<key>/ behind the region guard, which answers
              404 when the instrument is not enabled there. Every view must
              call plugin_api.authorize (the route-matrix test checks).
    """


@hookspec
def migration_location():
    """Point to the directory with this instrument's alembic revisions.

    Called:   once, while the app is created and whenever `regio db` builds its config.
    Receives: nothing.
    Returns:  a pathlib.Path to an existing directory, or None for "no tables".
              Its first revision has branch_labels = ("<key>",) and
              depends_on the core revision that created the tables it references.
    """


@hookspec
def register_permissions():
    """Declare the actions this instrument adds to the authorization function.

    Called:   once, while the app is created.
    Receives: nothing.
    Returns:  a list of plugin_api.Permission, or None. Names must start with
              "<key>." and be unique; default_roles are a subset of
              viewer, editor, signatory, admin. Labels are Dutch, marked
              with lazy_gettext (shown in the reader's language).
    """


@hookspec
def region_settings_schema():
    """Give the schema of this instrument's table in regions/*.toml.

    Called:   once, while the app is created; the region loader validates
              every [instruments.<key>] table against it.
    Receives: nothing.
    Returns:  a dataclass subclassing plugin_api.RegionSettings, or None for
              "no settings". Errors are reported as "file: instruments.<key>.<setting>: reason".
    """


@hookspec
def register_sheets():
    """Declare the Excel sheets this instrument imports and exports.

    Called:   once, while the app is created.
    Receives: nothing.
    Returns:  a list of plugin_api.SheetSpec, or None for "no sheets". Sheet
              names must be unique across instruments and permissions must be
              "<key>."-prefixed and registered; column kinds come from
              plugin_api.Kind; the model needs a region_id column and a unique
              constraint on region_id + the natural key. The core refuses to
              start otherwise. For every sheet the core serves template, export
              and upload at /regio/<region>/<key>/excel/<name>/ and the CLI's
              `regio import|export <key> <name>`; the plugin never reads or
              writes Excel itself. Headers, help texts and the description
              stay Dutch in the workbook (mark help texts and the
              description with plugin_api.N_ for the sheet's page); the
              messages of rules and screens are Dutch, marked with
              plugin_api._ (made in the uploader's language). Row rules
              (`check(values, labels, context)`) and screens
              (`screen(value, is_header, context)`) receive a
              plugin_api.RuleContext from the core: the region imported into,
              the acting user, today, the instrument's settings and look-ups,
              the same on the web and with `regio import`; they never read
              request state.
    """


@hookspec
def agreement_templates():
    """Offer agreement (convenant) templates for this instrument.

    Called:   once, while the app is created.
    Receives: nothing.
    Returns:  a list of plugin_api.AgreementTemplate, or None. Template keys
              must be unique within the instrument. A template has a Dutch
              title, a default Markdown text and its structured terms as
              plugin_api.AgreementTerm items (integer, decimal, text, boolean
              or date; optionally one value per key, e.g. per school year).
              The core builds the form from the terms, validates what is
              entered and refuses to start when a declaration is invalid. An
              instrument without templates gets a text-only one. A check
              across terms is `check(terms, context)`: it receives the cleaned
              terms and the agreement's plugin_api.RuleContext (region,
              instrument, the acting user, today) and returns {term path: Dutch
              message}. Read the terms in force with
              plugin_api.agreement_in_force(region, key).
    """


@hookspec
def register_commands():
    """Add command-line commands for this instrument.

    Called:   once, while the app is created.
    Receives: nothing.
    Returns:  a click.Group, or None. The core mounts it as `regio <key> ...`
              whatever the group's own name is.
    """


@hookspec
def register_aggregates():
    """Declare the sums of this instrument's rows the core keeps per region and period.

    Called:   once, while the app is created.
    Receives: nothing.
    Returns:  a list of plugin_api.Aggregate ([] or None for none). The core recomputes a region's
              sums in the same transaction as every write of the model's rows (form, import,
              deletion); read them with plugin_api.aggregate_table (the national overview does).
              Names must be unique within the instrument; the model needs a region_id column.
    """


@hookspec
def retention_rules():
    """Declare which of this instrument's rows are detail that goes after the region's retention period.

    Called:   once, while the app is created; `regio purge` applies the rules per region.
    Receives: nothing.
    Returns:  a list of plugin_api.RetentionRule ([] or None for none): the model (with a region_id
              column), the date a row ages from (a date column, or a period column with a function
              giving the period's end date) and optionally which rows are detail (`where`). The period is
              the instrument's `retention_months` or `retention_days` region setting (add the field to
              its RegionSettings), else the platform's INSTRUMENT_RETENTION_MONTHS; absent: nothing goes.
              `regio purge` deletes older rows in one transaction per region and instrument, keeps the
              maintained aggregates as they were and writes one audit entry with the counts.
    """


@hookspec
def navigation_items(region, user):
    """Offer links for the region menu.

    Called:   on every region page, only for instruments enabled in `region`.
    Receives: region (plugin_api.Region), user (the signed-in user); you may accept any subset.
    Returns:  a list of plugin_api.NavItem, or None. Items whose permission
              the user lacks are dropped by the core; the core sorts by
              instrument order, then item order.
    """


@hookspec
def dashboard_widgets(region, user):
    """Offer cards for the region dashboard.

    Called:   when the region overview is shown, only for instruments enabled in `region`.
    Receives: region (plugin_api.Region), user (the signed-in user); you may accept any subset.
    Returns:  a list of plugin_api.Widget, or None. Widgets whose permission
              the user lacks are dropped by the core.
    """


@hookspec
def national_overview(user):
    """Offer this instrument's part of the national overview (/landelijk/): every region side by side.

    Called:   when the national overview or one of its .xlsx exports is requested (by the
              ministry or a platform admin); once per instrument, whatever the regions.
    Receives: user (the reader; platform_role "ministry", or a platform admin); you may accept none.
    Returns:  a list of plugin_api.NationalSection, or None. Read maintained aggregates, not the
              rows: the page must not slow down with the number of figures. Apply the
              instrument's own small-number suppression across regions. Sections whose
              permission the reader lacks are dropped by the core.
    """


@hookspec
def public_figures(region):
    """Offer this instrument's school years for the region's public page (/openbaar/<region>/).

    Called:   on the coordinators' publish page and when a coordinator publishes a year; only for
              instruments enabled in `region`.
    Receives: region (plugin_api.Region); you may accept none.
    Returns:  a list of plugin_api.PublicFigures (one per school year or period with figures), or None.
              The core refuses to publish a year that is not `complete` (showing `reason`) and stores
              the table it returns as published: suppress small numbers by the instrument's own rule
              there; the public page never shows anything else.
    """


@hookspec
def deadlines(region):
    """Declare this instrument's dates in `region`: what is due, for whom, and whether it locks.

    Called:   for the region calendar, the home page's task list, the iCal feed and
              `regio reminders send`; only for instruments enabled in `region`; also
              outside a request (read the region, not request state).
    Receives: region (plugin_api.Region).
    Returns:  a list of plugin_api.Deadline, or None. kind is one of report, sign,
              assess, midterm, end; organisations (ids) and roles say who must act,
              and people (e-mail addresses, any case) names more; members of the
              excluded organisations (ids) never act (a conflict of interest);
              link names the instrument's own endpoint (link_args without the region);
              ref is stable (reminders go once per ref, date, recipient and offset).
              Past dates stay in the list (the calendar shows them). The core adds its
              own: agreement end dates (a date term named "end"), signatures awaited
              and mandates ending. Wrong items are left out with a logged warning.
    """


@hookspec
def demo_data(session, regions):
    """Add this instrument's demo records (realistic figures for real organisations).

    Called:   by `regio demo` and `regio demo --load-only`, after the regions,
              demo users and consortia are loaded; once per instrument.
    Receives: session (the database session; add objects, do not commit),
              regions (the plugin_api.Region objects where this instrument is
              enabled); you may accept any subset.
    Returns:  None, or a list of plugin_api.DemoConsortiumMember (seats in the
              instrument's consortium, added when missing) and
              plugin_api.DemoAgreement (agreements the core drafts from the
              instrument's template and has signed by the demo users of their
              parties, only when the region has none from that template yet). Must be idempotent: add only what is missing, so
              that a second run changes nothing. Mark generated figures as demo data.
    """
