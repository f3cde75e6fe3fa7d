"""Hook implementations of the kwaliteitsagenda instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import Instrument, NavItem, Permission, hookimpl, lazy_gettext

from . import agreement, demo, models, settings, sheets, views  # noqa: F401  (models: maps the tables)
from . import deadlines as deadline_dates
from .views import national

# No dashboard card: the region overview has a statement budget (tests/core/perf) that a card's query would
# exceed; the region menu links the dashboard (index), which shows the region's figures.

KEY = "kwaliteitsagenda"
READERS = {"viewer", "editor", "signatory", "admin"}


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name=lazy_gettext("Kwaliteitsagenda"),
        description=lazy_gettext("De kwaliteitsagenda's van de mbo-instellingen: opgesteld met de regio, "
                                 "beoordeeld door de commissie en per doel gevolgd tegen het richtpunt."),
        order=50,
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
        # the commission (platform_role "assessor") reads every agenda to assess it
        Permission(f"{KEY}.view", lazy_gettext("Kwaliteitsagenda's bekijken"), READERS, platform_roles={"assessor"}),
        Permission(f"{KEY}.edit", lazy_gettext("Kwaliteitsagenda opstellen en realisatie invoeren"),
                   {"editor", "admin"}),
        Permission(f"{KEY}.consent", lazy_gettext("Instemming van de raden vastleggen en ter ondertekening "
                                                  "aanbieden"), {"signatory", "admin"}),
        Permission(f"{KEY}.respond", lazy_gettext("Op een kwaliteitsagenda reageren"), {"editor", "signatory", "admin"}),
        Permission(f"{KEY}.assess", lazy_gettext("Kwaliteitsagenda's beoordelen (commissie)"), frozenset(),
                   platform_roles={"assessor"}),
    ]


@hookimpl
def region_settings_schema():
    return settings.KwaliteitsagendaSettings


@hookimpl
def register_sheets():
    return [sheets.SPEC]


@hookimpl
def agreement_templates():
    return [agreement.AGENDA, agreement.OUTFLOW]


@hookimpl
def navigation_items(region, user):
    return [NavItem(lazy_gettext("Kwaliteitsagenda"), endpoint="regio.kwaliteitsagenda.index",
                    permission=f"{KEY}.view")]


@hookimpl
def national_overview():
    return national.sections()


@hookimpl
def deadlines(region):
    return deadline_dates.deadlines(region)


@hookimpl
def demo_data(session, regions):
    return demo.demo_data(session, regions)
