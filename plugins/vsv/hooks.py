"""Hook implementations of the vsv instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import Instrument, NavItem, Permission, Widget, db_session, hookimpl, lazy_gettext

from . import agreement, demo, figures, models, national, settings, sheets, views  # noqa: F401  (models: maps the vsv_ tables)
from . import deadlines as deadline_dates

KEY = "vsv"


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name=lazy_gettext("Voortijdig schoolverlaten"),
        description=lazy_gettext("Regionale afspraken en cijfers over nieuwe voortijdig schoolverlaters (vsv'ers) "
                                 "per gemeente en schooljaar."),
        order=10,
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
        Permission(f"{KEY}.view", lazy_gettext("Voortijdig schoolverlaten bekijken"),
                   {"viewer", "editor", "signatory", "admin"}),
        Permission(f"{KEY}.edit", lazy_gettext("Voortijdig schoolverlaten invoeren"), {"editor", "admin"},
                   region_wide=True),  # the RMC reports for every municipality of its region
    ]


@hookimpl
def region_settings_schema():
    return settings.VsvSettings


@hookimpl
def register_sheets():
    return sheets.sheets()


@hookimpl
def navigation_items(region, user):
    return [
        NavItem(lazy_gettext("Voortijdig schoolverlaten"), endpoint="regio.vsv.index", permission=f"{KEY}.view"),
        NavItem(lazy_gettext("Vsv-cijfers"), endpoint="regio.vsv.figures", permission=f"{KEY}.view", order=1),
    ]


@hookimpl
def dashboard_widgets(region):
    def context():
        kind = settings.VsvSettings.from_json(region.settings_for(KEY)).target_kind
        rows = [r for r in figures.year_rows(db_session(), region, kind) if r.reported]
        return {"latest": rows[-1] if rows else None, "absolute": kind == "absolute", "region": region}

    return [Widget(title=lazy_gettext("Voortijdig schoolverlaten"), template="vsv/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def agreement_templates():
    return [agreement.TEMPLATE]


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
