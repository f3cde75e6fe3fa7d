"""Hook implementations of the vsv instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import (AgreementTemplate, AgreementTerm, Instrument, NavItem, Permission, Widget, db_session,
                             hookimpl)

from . import dashboard, demo, models, settings, sheets, views  # noqa: F401  (models: maps the vsv_ tables)

KEY = "vsv"
TARGET_YEARS = ("2024-2025", "2025-2026", "2026-2027", "2027-2028")


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name="Voortijdig schoolverlaten",
        description="Regionale afspraken en cijfers over nieuwe voortijdig schoolverlaters (vsv'ers) per gemeente en schooljaar.",
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
        Permission(f"{KEY}.view", "Voortijdig schoolverlaten bekijken", {"viewer", "editor", "signatory", "admin"}),
        Permission(f"{KEY}.edit", "Voortijdig schoolverlaten invoeren", {"editor", "admin"},
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
        NavItem("Voortijdig schoolverlaten", endpoint="regio.vsv.index", permission=f"{KEY}.view"),
        NavItem("Vsv-cijfers", endpoint="regio.vsv.figures", permission=f"{KEY}.view", order=1),
    ]


@hookimpl
def dashboard_widgets(region):
    def context():
        kind = settings.VsvSettings.from_json(region.settings_for(KEY)).target_kind
        rows = [r for r in dashboard.year_rows(db_session(), region, kind) if r.reported]
        return {"latest": rows[-1] if rows else None, "absolute": kind == "absolute", "region": region}

    return [Widget(title="Voortijdig schoolverlaten", template="vsv/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def agreement_templates():
    return [AgreementTemplate(
        key=dashboard.TEMPLATE_KEY,
        title="Regionale afspraak voortijdig schoolverlaten",
        description="Streefwaarden per schooljaar: een maximum aantal en/of een maximum percentage nieuwe vsv'ers.",
        text=(
            "# Regionale afspraak voortijdig schoolverlaten\n\n"
            "De ondergetekende partijen werken samen om te voorkomen dat jongeren zonder startkwalificatie "
            "het onderwijs verlaten.\n\n"
            "1. Partijen streven ernaar dat het aantal en/of het percentage nieuwe voortijdig schoolverlaters "
            "per schooljaar ten hoogste het hieronder afgesproken maximum is.\n"
            "2. Gemeenten en de RMC-functie leveren per schooljaar de cijfers aan via het Regioplatform, "
            "uiterlijk op de deadline die de regio vaststelt.\n"
            "3. Partijen bespreken de voortgang ten minste eenmaal per schooljaar.\n"
        ),
        terms=(
            AgreementTerm(dashboard.ABSOLUTE_TERM, "Ten hoogste nieuwe vsv'ers", kind="integer",
                          keys=TARGET_YEARS, minimum=0, unit="jongeren", required=False,
                          hint="Het maximum aantal nieuwe vsv'ers in de regio per schooljaar (leeg: geen)."),
            AgreementTerm(dashboard.PERCENTAGE_TERM, "Ten hoogste percentage nieuwe vsv'ers", kind="decimal",
                          keys=TARGET_YEARS, minimum=0, maximum=100, places=2, unit="%", required=False,
                          hint="Het maximum percentage nieuwe vsv'ers (van de deelnemers) per schooljaar (leeg: geen)."),
        ),
        check=dashboard.check_targets,
    )]


@hookimpl
def demo_data(session, regions):
    demo.add_demo_figures(session, regions)
