"""Hook implementations of the rif instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import Instrument, NavItem, Permission, Widget, hookimpl, lazy_gettext

from . import agreement, commands, demo, figures, models, settings, sheets, views  # noqa: F401  (models: maps the tables)
from . import deadlines as deadline_dates

KEY = "rif"
ALL_ROLES = {"viewer", "editor", "signatory", "admin"}


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name=lazy_gettext("Regionaal Investeringsfonds mbo"),
        description=lazy_gettext("Subsidieaanvragen van publiek-private samenwerkingen met een mbo-instelling als "
                                 "penvoerder, cofinanciering en tussentijdse verantwoording."),
        order=20,
    )


@hookimpl
def register_blueprint():
    return views.bp


@hookimpl
def migration_location():
    return Path(__file__).parent / "migrations"


@hookimpl
def register_permissions():
    return [
        # the national committee (platform role "assessor") reads the submitted applications of every region
        Permission(f"{KEY}.view", lazy_gettext("Regionaal Investeringsfonds mbo bekijken"), ALL_ROLES,
                   platform_roles={"assessor"}),
        Permission(f"{KEY}.edit", lazy_gettext("RIF-aanvraag opstellen namens de penvoerder"), {"editor", "admin"}),
        Permission(f"{KEY}.submit", lazy_gettext("RIF-aanvraag en verantwoording indienen namens de penvoerder"),
                   {"signatory", "admin"}),
        # region-wide: coordinators fill in midterm deliveries for the whole region
        Permission(f"{KEY}.cofinance", lazy_gettext("Geleverde cofinanciering invullen namens de penvoerder"),
                   {"editor", "admin"}, region_wide=True),
        # No membership role grants it: the national committee (platform role "assessor") scores in every
        # region; a region's coordinator may appoint more beoordelaars there (table rif_assessor, see
        # plugins/rif/access.py); the core grants it to platform admins.
        Permission(f"{KEY}.assess", lazy_gettext("RIF-aanvragen beoordelen"), frozenset(),
                   platform_roles={"assessor"}),
        # The grant or refusal: the minister's (the platform role "ministry"), never a region's.
        Permission(f"{KEY}.decide", lazy_gettext("Over RIF-aanvragen besluiten (toekennen of afwijzen)"),
                   frozenset(), platform_roles={"ministry"}),
    ]


@hookimpl
def region_settings_schema():
    return settings.RifSettings


@hookimpl
def register_sheets():
    return [sheets.cofinancing_sheet()]


@hookimpl
def register_commands():
    return commands.group


@hookimpl
def navigation_items(region, user):
    # One entry: the overview, the Excel sheet and the assessors are linked from the index page.
    return [NavItem(lazy_gettext("Regionaal Investeringsfonds mbo"), endpoint="regio.rif.index",
                    permission=f"{KEY}.view")]


@hookimpl
def dashboard_widgets(region, user):
    def context():
        return {"summary": views.widget_summary(region)}

    return [Widget(title=lazy_gettext("Regionaal Investeringsfonds mbo"), template="rif/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def deadlines(region):
    return deadline_dates.deadlines(region)


@hookimpl
def demo_data(session, regions):
    return demo.demo_data(session, regions)


@hookimpl
def agreement_templates():
    return [agreement.TEMPLATE]


@hookimpl
def national_overview():
    return figures.national_sections()
