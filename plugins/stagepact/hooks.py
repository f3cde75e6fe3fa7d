"""Hook implementations of the stagepact instrument; the entry point names this module."""
from __future__ import annotations

from core.plugin_api import Instrument, NavItem, Permission, hookimpl

from . import views

KEY = "stagepact"


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name="Stagepact mbo",
        description="Rapportage van mbo-instellingen over stagediscriminatie: meldpunt, procedure, meldingen en maatregelen.",
        order=30,
    )


@hookimpl
def register_blueprint():
    return views.bp


@hookimpl
def register_permissions():
    return [
        Permission(f"{KEY}.view", "Stagepact mbo bekijken", {"viewer", "editor", "signatory", "admin"}),
        Permission(f"{KEY}.edit", "Stagepact mbo invoeren", {"editor", "admin"}),
    ]


@hookimpl
def navigation_items(region, user):
    return [NavItem("Stagepact mbo", endpoint="regio.stagepact.index", permission=f"{KEY}.view")]
