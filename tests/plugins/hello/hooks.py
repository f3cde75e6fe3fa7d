"""Every hook, implemented once: the example third-party plugin, registered by tests only.

A third-party-style instrument that lives only in tests: the worked example of every hook, in the plugin
shape every instrument follows (hooks, models, views, forms, sheets, agreement, settings, migrations/,
templates/hello/, translations/).
"""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from core.plugin_api import (Deadline, DemoConsortiumMember, Instrument, NationalSection, NationalTable, NavItem,
                             Permission, Region, Widget, db_session, hookimpl, lazy_gettext)

from . import agreement, models, settings, sheets, views

KEY = "hello"


@hookimpl
def instrument_info():
    # UI text in module-level declarations is marked with lazy_gettext: it is translated per request.
    return Instrument(key=KEY, name=lazy_gettext("Hallo"), description=lazy_gettext("Voorbeeldinstrument voor tests"),
                      order=90)


@hookimpl
def register_blueprint():
    return views.bp


@hookimpl
def migration_location():
    return Path(__file__).parent / "migrations"


@hookimpl
def register_permissions():
    return [
        # a national assessor reads the greetings of every region (platform_roles), without a membership
        Permission("hello.view", lazy_gettext("Groeten bekijken"), {"viewer", "editor", "signatory", "admin"},
                   platform_roles={"assessor"}),
        Permission("hello.post", lazy_gettext("Groeten plaatsen"), {"editor", "admin"}),
        Permission("hello.moderate", lazy_gettext("Groeten van de hele regio beheren"), {"editor", "admin"},
                   region_wide=True),
    ]


@hookimpl
def region_settings_schema():
    return settings.HelloSettings


@hookimpl
def register_sheets():
    return [sheets.GREETINGS]


@hookimpl
def agreement_templates():
    return [agreement.TEMPLATE]


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
        NavItem(lazy_gettext("Groeten"), endpoint="regio.hello.index", permission="hello.view"),
        NavItem(lazy_gettext("Groet plaatsen"), endpoint="regio.hello.new", permission="hello.post", order=1),
    ]


@hookimpl
def dashboard_widgets(region):
    def context():
        n = db_session().scalar(select(func.count(models.Greeting.id)).where(models.Greeting.region_id == region.id))
        return {"count": n}

    return [Widget(title=lazy_gettext("Groeten"), template="hello/widget.html", context=context,
                   permission="hello.view")]


@hookimpl
def national_overview():
    """Greetings per region, every region side by side (a real instrument reads maintained aggregates)."""
    def table():
        counts = dict(db_session().execute(
            select(models.Greeting.region_id, func.count(models.Greeting.id)).group_by(models.Greeting.region_id)).all())
        regions = db_session().scalars(select(Region).order_by(Region.name)).all()
        rows = tuple((r.name, counts.get(r.id, 0)) for r in regions if r.has_instrument(KEY))
        return NationalTable(caption=lazy_gettext("Groeten per regio"),
                             headers=(lazy_gettext("Regio"), lazy_gettext("Groeten")), kinds=("text", "count"),
                             rows=rows, note=lazy_gettext("Alle regio's waar groeten aan staat."))

    return [NationalSection(title=lazy_gettext("Groeten"), template="hello/national.html", table=table,
                            context=lambda: {"total": db_session().scalar(select(func.count(models.Greeting.id)))})]


@hookimpl
def deadlines(region):
    """The region's greeting deadline (settings.deadline): every member organisation's editors post by then."""
    day = settings.HelloSettings.from_json(region.settings_for(KEY)).deadline
    if day is None:
        return []
    return [Deadline(kind="report", date=day, title=lazy_gettext("Groeten plaatsen"), ref=f"greetings:{day}",
                     organisations={m.organisation_id for m in region.members}, roles={"editor", "admin"},
                     link="regio.hello.new", locks=True)]


@hookimpl
def demo_data(session, regions):
    for region in regions:
        exists = session.scalar(select(models.Greeting.id).where(models.Greeting.region_id == region.id))
        if exists is None:
            coordinator = next(m.organisation_id for m in region.members if m.is_coordinator)
            session.add(models.Greeting(region_id=region.id, organisation_id=coordinator, text="Welkom (demo)"))
    # The core seats the demo consortium: every municipality of the region takes part.
    return [DemoConsortiumMember(region.rmc_code, "gemeente:*", "deelnemer") for region in regions]
