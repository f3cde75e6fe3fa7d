"""Hook implementations of the vsv instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import (AgreementTemplate, AgreementTerm, Instrument, NavItem, Permission, Widget, db_session,
                             hookimpl, lazy_gettext)

from . import dashboard, demo, models, settings, sheets, views  # noqa: F401  (models: maps the vsv_ tables)

KEY = "vsv"
TARGET_YEARS = dashboard.TARGET_YEARS


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
        rows = [r for r in dashboard.year_rows(db_session(), region, kind) if r.reported]
        return {"latest": rows[-1] if rows else None, "absolute": kind == "absolute", "region": region}

    return [Widget(title=lazy_gettext("Voortijdig schoolverlaten"), template="vsv/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def agreement_templates():
    return [AgreementTemplate(
        key=dashboard.TEMPLATE_KEY,
        # title and text are copied into the agreement (stored, signed): they stay Dutch. The description and
        # the terms' labels, units and hints are shown on the pages.
        title="Regionale afspraak voortijdig schoolverlaten",
        description=lazy_gettext("Streefwaarden per schooljaar: een maximum aantal en/of een maximum percentage "
                                 "nieuwe vsv'ers voor de regio, en desgewenst per mbo-instelling."),
        text=(
            "# Regionale afspraak voortijdig schoolverlaten\n\n"
            "De ondergetekende partijen werken samen om te voorkomen dat jongeren zonder startkwalificatie "
            "het onderwijs verlaten.\n\n"
            "1. Partijen streven ernaar dat het aantal en/of het percentage nieuwe voortijdig schoolverlaters "
            "per schooljaar ten hoogste het hieronder afgesproken maximum is.\n"
            "2. Waar hieronder een maximum per mbo-instelling is afgesproken, geldt dat voor de nieuwe vsv'ers van "
            "die instelling uit de gemeenten van de regio.\n"
            "3. Gemeenten en de RMC-functie leveren per schooljaar de cijfers aan via het Regioplatform, "
            "uiterlijk op de deadline die de regio vaststelt.\n"
            "4. Partijen bespreken de voortgang ten minste eenmaal per schooljaar.\n"
        ),
        terms=(
            AgreementTerm(dashboard.ABSOLUTE_TERM, lazy_gettext("Ten hoogste nieuwe vsv'ers"), kind="integer",
                          keys=TARGET_YEARS, minimum=0, unit=lazy_gettext("jongeren"), required=False,
                          hint=lazy_gettext("Het maximum aantal nieuwe vsv'ers in de regio per schooljaar "
                                            "(leeg: geen).")),
            AgreementTerm(dashboard.PERCENTAGE_TERM, lazy_gettext("Ten hoogste percentage nieuwe vsv'ers"),
                          kind="decimal", keys=TARGET_YEARS, minimum=0, maximum=100, places=2, unit="%",
                          required=False,
                          hint=lazy_gettext("Het maximum percentage nieuwe vsv'ers (van de deelnemers) per "
                                            "schooljaar (leeg: geen).")),
            AgreementTerm(dashboard.INSTITUTION_TERM, lazy_gettext("Ten hoogste per mbo-instelling"), kind="text",
                          keys=TARGET_YEARS, required=False,
                          hint=lazy_gettext("Eén mbo-instelling van de regio per regel: de BRIN-code, dan het "
                                            "maximum aantal nieuwe vsv'ers en/of het maximum percentage, zoals "
                                            "'25LH 150 2,5%' of '01OE 3%' (leeg: geen afspraak per "
                                            "instelling).")),
        ),
        check=dashboard.check_targets,
    )]


@hookimpl
def demo_data(session, regions):
    demo.add_demo_figures(session, regions)
    return demo.demo_agreements(session, regions)
