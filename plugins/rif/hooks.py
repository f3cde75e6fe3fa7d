"""Hook implementations of the rif instrument; the entry point names this module."""
from __future__ import annotations

from core.plugin_api import Instrument, NavItem, Permission, hookimpl

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
