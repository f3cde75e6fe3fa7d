"""Hook implementations of the kwetsbare_jongeren instrument; the entry point names this module."""
from __future__ import annotations

from core.plugin_api import Instrument, NavItem, Permission, hookimpl

from . import views

KEY = "kwetsbare_jongeren"


@hookimpl
def instrument_info():
    return Instrument(
        key=KEY,
        name="Kwetsbare jongeren",
        description="Wie doet wat in de regionale aanpak voor jongeren in een kwetsbare positie, gevolgd met geaggregeerde aantallen.",
        order=40,
    )


@hookimpl
def register_blueprint():
    return views.bp


@hookimpl
def register_permissions():
    return [
        Permission(f"{KEY}.view", "Kwetsbare jongeren bekijken", {"viewer", "editor", "signatory", "admin"}),
        Permission(f"{KEY}.edit", "Kwetsbare jongeren invoeren", {"editor", "admin"}),
    ]


@hookimpl
def navigation_items(region, user):
    return [NavItem("Kwetsbare jongeren", endpoint="regio.kwetsbare_jongeren.index", permission=f"{KEY}.view")]
