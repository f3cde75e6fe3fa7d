"""Hook implementations of the stagepact instrument; the entry point names this module."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import (AgreementTemplate, AgreementTerm, Instrument, NavItem, Permission, Widget,
                             hookimpl, lazy_gettext)

from . import demo, figures, models, settings, sheets, views  # noqa: F401  (models maps the stagepact_* table)

KEY = "stagepact"
TARGET_YEARS = ("2024-2025", "2025-2026", "2026-2027", "2027-2028")


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
    return [AgreementTemplate(
        key=views.TEMPLATE_KEY,
        title="Regionaal stagepact mbo",
        # title and text are copied into the agreement (stored, signed): they stay Dutch.
        description=lazy_gettext("Regionale afspraken tegen stagediscriminatie, met streefwaarden voor "
                                 "stagematching."),
        text=("# Regionaal stagepact mbo\n\n"
              "De ondergetekende partijen werken samen tegen stagediscriminatie, in lijn met het Stagepact mbo "
              "(2023):\n\n"
              "1. Elke mbo-instelling heeft een meldpunt en een procedure voor meldingen van stagediscriminatie.\n"
              "2. Meldingen worden opgevolgd en, waar nodig, doorgezet naar SBB.\n"
              "3. Opleidingsteams gaan met stagematching werken; de partijen spreken per schooljaar een "
              "streefwaarde af voor het aandeel teams dat dat doet.\n"
              "4. De instellingen rapporteren jaarlijks op het Regioplatform.\n"),
        terms=(
            AgreementTerm("target_matching_share", lazy_gettext("Streefwaarde aandeel teams met stagematching"),
                          kind="integer", keys=TARGET_YEARS, minimum=0, maximum=100, unit="%",
                          hint=lazy_gettext("Per schooljaar: welk percentage van de opleidingsteams met "
                                            "stagematching werkt.")),
            AgreementTerm("every_institution_desk", lazy_gettext("Elke instelling heeft een meldpunt en procedure"),
                          kind="boolean", required=False),
            AgreementTerm("report_deadline", lazy_gettext("Uiterste datum jaarlijkse rapportage"), kind="date",
                          required=False),
        ),
    )]


@hookimpl
def navigation_items(region, user):
    return [NavItem(lazy_gettext("Stagepact mbo"), endpoint="regio.stagepact.index", permission=f"{KEY}.view")]


@hookimpl
def dashboard_widgets(region):
    def context():
        schema = settings.StagepactSettings.from_json(region.settings_for(KEY))
        shown, _held = figures.shown_years(figures.region_totals(region.id), schema.minimum_reports)
        return {"latest": shown[-1] if shown else None}

    return [Widget(title=lazy_gettext("Stagepact mbo"), template="stagepact/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def demo_data(session, regions):
    demo.add_demo_reports(session, regions)
