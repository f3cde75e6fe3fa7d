"""Hook implementations of the vsv instrument; the entry point names this module."""
from __future__ import annotations

from core.plugin_api import AgreementTemplate, AgreementTerm, Instrument, NavItem, Permission, hookimpl

from . import views, settings

KEY = "vsv"


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
def register_permissions():
    return [
        Permission(f"{KEY}.view", "Voortijdig schoolverlaten bekijken", {"viewer", "editor", "signatory", "admin"}),
        Permission(f"{KEY}.edit", "Voortijdig schoolverlaten invoeren", {"editor", "admin"}),
    ]


@hookimpl
def region_settings_schema():
    return settings.VsvSettings


@hookimpl
def navigation_items(region, user):
    return [NavItem("Voortijdig schoolverlaten", endpoint="regio.vsv.index", permission=f"{KEY}.view")]


@hookimpl
def agreement_templates():
    years = ("2025-2026", "2026-2027", "2027-2028")
    return [AgreementTemplate(
        key="vsv-regionale-afspraak",
        title="Regionale afspraak voortijdig schoolverlaten",
        description="Streefwaarden voor het aantal nieuwe vsv'ers per schooljaar.",
        text=(
            "# Regionale afspraak voortijdig schoolverlaten\n\n"
            "De ondergetekende partijen werken samen om te voorkomen dat jongeren zonder startkwalificatie "
            "het onderwijs verlaten.\n\n"
            "1. Partijen streven naar ten hoogste het aantal nieuwe voortijdig schoolverlaters per schooljaar "
            "dat hieronder is afgesproken.\n"
            "2. Gemeenten en de RMC-functie leveren per schooljaar de cijfers aan via het Regioplatform.\n"
            "3. Partijen bespreken de voortgang ten minste eenmaal per schooljaar.\n"
        ),
        terms=(
            AgreementTerm("max_new_early_school_leavers", "Ten hoogste nieuwe vsv'ers", kind="integer",
                          keys=years, minimum=0, unit="jongeren",
                          hint="Het streefgetal per schooljaar: het aantal nieuwe vsv'ers blijft hieronder."),
        ),
    )]
