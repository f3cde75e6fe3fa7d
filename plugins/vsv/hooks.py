"""Hook implementations of the vsv instrument; the entry point names this module."""
from __future__ import annotations

from core.plugin_api import Instrument, NavItem, Permission, hookimpl

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
