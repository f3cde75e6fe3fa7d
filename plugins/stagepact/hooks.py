"""Hook implementations of the stagepact instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import Instrument, NavItem, Permission, Widget, hookimpl, lazy_gettext

from . import agreement, demo, figures, models, national, settings, sheets, views  # noqa: F401  (models: maps the table)
from . import deadlines as deadline_dates

KEY = "stagepact"


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name=lazy_gettext("Stagepact mbo"),
        description=lazy_gettext("Rapportage van mbo-instellingen over stagediscriminatie: meldpunt, procedure, "
                                 "meldingen en maatregelen."),
        order=30,
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
        Permission(f"{KEY}.view", lazy_gettext("Stagepact mbo bekijken"), {"viewer", "editor", "signatory", "admin"}),
        Permission(f"{KEY}.edit", lazy_gettext("Stagepact mbo invoeren"), {"editor", "admin"}),
    ]


@hookimpl
def region_settings_schema():
    return settings.StagepactSettings


@hookimpl
def register_sheets():
    return [sheets.SPEC]


@hookimpl
def agreement_templates():
    return [agreement.TEMPLATE]


@hookimpl
def navigation_items(region, user):
    return [NavItem(lazy_gettext("Stagepact mbo"), endpoint="regio.stagepact.index", permission=f"{KEY}.view")]


@hookimpl
def dashboard_widgets(region):
    def context():
        schema = settings.StagepactSettings.from_json(region.settings_for(KEY))
        shown, _held = figures.shown_years(figures.region_totals(region.id, figures.expected_institutions(region)),
                                           schema.minimum_reports)
        return {"latest": shown[-1] if shown else None}

    return [Widget(title=lazy_gettext("Stagepact mbo"), template="stagepact/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def deadlines(region):
    return deadline_dates.deadlines(region)


@hookimpl
def demo_data(session, regions):
    return demo.demo_data(session, regions)


@hookimpl
def register_aggregates():
    return national.aggregates()


@hookimpl
def national_overview():
    return national.sections()


@hookimpl
def public_figures(region):
    return national.public_figures(region)
