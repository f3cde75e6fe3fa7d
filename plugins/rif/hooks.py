"""Hook implementations of the rif instrument; the entry point names this module."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.plugin_api import (AgreementTemplate, AgreementTerm, Instrument, NavItem, Permission, Widget, hookimpl)

from . import commands, demo, models, settings, sheets, views  # noqa: F401  (models: maps the tables)

KEY = "rif"
ALL_ROLES = {"viewer", "editor", "signatory", "admin"}


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name="Regionaal Investeringsfonds mbo",
        description="Subsidieaanvragen van publiek-private samenwerkingen met een mbo-instelling als penvoerder, cofinanciering en tussentijdse verantwoording.",
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
        Permission(f"{KEY}.view", "Regionaal Investeringsfonds mbo bekijken", ALL_ROLES),
        Permission(f"{KEY}.edit", "RIF-aanvraag opstellen namens de penvoerder", {"editor", "admin"}),
        Permission(f"{KEY}.submit", "RIF-aanvraag en verantwoording indienen namens de penvoerder",
                   {"signatory", "admin"}),
        Permission(f"{KEY}.cofinance", "Geleverde cofinanciering invullen namens de penvoerder", {"editor", "admin"},
                   region_wide=True),  # coordinators fill in midterm deliveries for the whole region
        # No membership role grants it: beoordelaars are appointed per region (table rif_assessor,
        # see plugins/rif/access.py); the core grants it to platform admins.
        Permission(f"{KEY}.assess", "RIF-aanvragen beoordelen", frozenset()),
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
    return [NavItem("Regionaal Investeringsfonds mbo", endpoint="regio.rif.index", permission=f"{KEY}.view")]


@hookimpl
def dashboard_widgets(region, user):
    def context():
        return {"summary": views.widget_summary(region)}

    return [Widget(title="Regionaal Investeringsfonds mbo", template="rif/widget.html", context=context,
                   permission=f"{KEY}.view")]


@hookimpl
def demo_data(session, regions):
    demo.load(session, regions)


def _subsidy_at_most_a_third(terms: dict) -> dict[str, str]:
    costs, subsidy = Decimal(terms["project_costs"]), Decimal(terms["subsidy"])
    problems = {}
    if subsidy * 3 > costs:
        problems["subsidy"] = "mag hoogstens een derde van de totale projectkosten zijn"
    cofinancing = Decimal(terms["cofinancing_cash"]) + Decimal(terms["cofinancing_in_kind"])
    if subsidy + cofinancing < costs:
        problems["cofinancing_in_kind"] = (
            "de cofinanciering in geld en in natura dekt samen met de subsidie de projectkosten niet")
    return problems


@hookimpl
def agreement_templates():
    return [AgreementTemplate(
        key="rif-samenwerking",
        title="Samenwerkingsovereenkomst RIF-project",
        description="Begroting, subsidie en cofinanciering (in geld en in natura) van de publiek-private samenwerking.",
        text=(
            "# Samenwerkingsovereenkomst RIF-project\n\n"
            "De ondergetekende partijen voeren samen het project uit waarvoor de mbo-instelling als penvoerder "
            "subsidie uit het Regionaal Investeringsfonds mbo aanvraagt.\n\n"
            "1. De subsidie bedraagt ten hoogste een derde van de projectkosten.\n"
            "2. De partners dragen de cofinanciering bij zoals hieronder afgesproken, in geld en in natura.\n"
            "3. Halverwege het project leggen partijen samen tussentijds verantwoording af.\n"
        ),
        terms=(
            AgreementTerm("application_ref", "Kenmerk van de aanvraag", kind="text", required=False,
                          hint="Zoals RIF-MC19-0001; zo hoort de overeenkomst bij de aanvraag."),
            AgreementTerm("project_costs", "Totale projectkosten", kind="decimal", minimum=0, unit="euro"),
            AgreementTerm("subsidy", "Aangevraagde subsidie", kind="decimal", minimum=0, unit="euro",
                          hint="Ten hoogste een derde van de projectkosten."),
            AgreementTerm("cofinancing_cash", "Cofinanciering in geld", kind="decimal", minimum=0, unit="euro"),
            AgreementTerm("cofinancing_in_kind", "Cofinanciering in natura", kind="decimal", minimum=0, unit="euro"),
            AgreementTerm("start", "Startdatum project", kind="date", required=False),
        ),
        check=_subsidy_at_most_a_third,
    )]
