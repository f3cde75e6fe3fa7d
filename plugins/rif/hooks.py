"""Hook implementations of the rif instrument; the entry point names this module."""
from __future__ import annotations

from decimal import Decimal

from core.plugin_api import AgreementTemplate, AgreementTerm, Instrument, NavItem, Permission, hookimpl

from . import views

KEY = "rif"


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
def register_permissions():
    return [
        Permission(f"{KEY}.view", "Regionaal Investeringsfonds mbo bekijken", {"viewer", "editor", "signatory", "admin"}),
        Permission(f"{KEY}.edit", "Regionaal Investeringsfonds mbo invoeren", {"editor", "admin"}),
    ]


@hookimpl
def navigation_items(region, user):
    return [NavItem("Regionaal Investeringsfonds mbo", endpoint="regio.rif.index", permission=f"{KEY}.view")]


def _subsidy_at_most_a_third(terms: dict) -> dict[str, str]:
    costs, subsidy = Decimal(terms["project_costs"]), Decimal(terms["subsidy"])
    if subsidy * 3 > costs:
        return {"subsidy": "mag hoogstens een derde van de totale projectkosten zijn"}
    return {}


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
            AgreementTerm("project_costs", "Totale projectkosten", kind="decimal", minimum=0, unit="euro"),
            AgreementTerm("subsidy", "Aangevraagde subsidie", kind="decimal", minimum=0, unit="euro",
                          hint="Ten hoogste een derde van de projectkosten."),
            AgreementTerm("cofinancing_cash", "Cofinanciering in geld", kind="decimal", minimum=0, unit="euro"),
            AgreementTerm("cofinancing_in_kind", "Cofinanciering in natura", kind="decimal", minimum=0, unit="euro"),
            AgreementTerm("start", "Startdatum project", kind="date", required=False),
        ),
        check=_subsidy_at_most_a_third,
    )]
