"""Every hook, implemented once: the example third-party plugin (registered by tests only)."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from core.plugin_api import (AgreementTemplate, Column, Instrument, NavItem, Permission, SheetSpec,
                             Widget, db_session, hookimpl)

from . import models, settings, views

KEY = "hello"


@hookimpl
def instrument_info():
    return Instrument(key=KEY, name="Hallo", description="Voorbeeldinstrument voor tests", order=90)


@hookimpl
def register_blueprint():
    return views.bp


@hookimpl
def migration_location():
    return Path(__file__).parent / "migrations"


@hookimpl
def register_permissions():
    return [
        Permission("hello.view", "Groeten bekijken", {"viewer", "editor", "signatory", "admin"}),
        Permission("hello.post", "Groeten plaatsen", {"editor", "admin"}),
    ]


@hookimpl
def region_settings_schema():
    return settings.HelloSettings


@hookimpl
def register_sheets():
    return [SheetSpec(
        name="hello-groeten",
        title="Groeten",
        columns=(Column("organisation", "Organisatie", kind="organisation"), Column("text", "Groet")),
        natural_key=("organisation", "text"),
        model=models.Greeting,
        permission="hello.post",
    )]


@hookimpl
def agreement_templates():
    return [AgreementTemplate(key="hello-afspraak", title="Groetafspraak",
                              text="Wij groeten elkaar.", terms_schema={"greetings_per_year": "integer"})]


@hookimpl
def register_commands():
    group = click.Group("hello", help="Commands of the hello test instrument")

    @group.command("count")
    def count():
        """Print the number of greetings."""
        click.echo(f"{db_session().scalar(select(func.count(models.Greeting.id)))} groeten")

    return group


@hookimpl
def navigation_items(region, user):
    return [
        NavItem("Groeten", endpoint="regio.hello.index", permission="hello.view"),
        NavItem("Groet plaatsen", endpoint="regio.hello.new", permission="hello.post", order=1),
    ]


@hookimpl
def dashboard_widgets(region):
    def context():
        n = db_session().scalar(select(func.count(models.Greeting.id)).where(models.Greeting.region_id == region.id))
        return {"count": n}

    return [Widget(title="Groeten", template="hello/widget.html", context=context, permission="hello.view")]
