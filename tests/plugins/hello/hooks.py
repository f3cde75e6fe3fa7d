"""Every hook, implemented once: the example third-party plugin, registered by tests only.

A third-party-style instrument that lives only in tests: the worked example of every hook, in the plugin
shape every instrument follows (hooks, models, views, forms, sheets, agreement, settings, migrations/,
templates/hello/, translations/).
"""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from core.plugin_api import (Aggregate, Deadline, DemoConsortiumMember, Instrument, NationalSection, NationalTable,
                             NavItem, Permission, PublicFigures, RetentionRule, Widget, aggregate_table, consortium_organisations,
                             db_session, hookimpl, lazy_gettext)

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
def register_aggregates():
    """Greetings and greetings sent per region (all school years together): the national overview reads these."""
    return [Aggregate(name="greetings", model=models.Greeting, period=None,
                      measures={"greetings": func.count(models.Greeting.id), "sent": func.sum(models.Greeting.sent)}),
            # per school year and mood (greetings without a school year are left out): money and a split
            Aggregate(name="by_year", model=models.Greeting, period="school_year", split_by="mood",
                      measures={"sent": func.sum(models.Greeting.sent), "budget": func.sum(models.Greeting.budget)},
                      where=models.Greeting.public.is_not(False))]


@hookimpl
def retention_rules():
    """Greetings go once their sent_on date is older than the region's retention period (unsent ones stay)."""
    return [RetentionRule(model=models.Greeting, date="sent_on")]


@hookimpl
def national_overview():
    """Greetings per region, every region side by side, from the maintained aggregate (never the rows)."""
    def table():
        sums = aggregate_table(KEY, "greetings")
        rows = tuple((r.name, int(sums.value(r.id, "all", "greetings") or 0)) for r in sums.regions)
        return NationalTable(caption=lazy_gettext("Groeten per regio"),
                             headers=(lazy_gettext("Regio"), lazy_gettext("Groeten")), kinds=("text", "count"),
                             rows=rows, note=lazy_gettext("Alle regio's waar groeten aan staat."))

    return [NationalSection(title=lazy_gettext("Groeten"), template="hello/national.html", table=table,
                            context=lambda: {"total": int(aggregate_table(KEY, "greetings").total("all", "greetings")
                                                          or 0)})]


SMALL = 3  # hello's own small-number rule: a count of 1 or 2 greetings is shown as "<3"


@hookimpl
def public_figures(region):
    """Greetings per consortium organisation per school year; a year is complete when every organisation of
    hello's consortium in the region posted in it; counts below SMALL are suppressed."""
    session = db_session()
    members = consortium_organisations(session, region, KEY)
    counts = {}
    for org_id, year, n in session.execute(
            select(models.Greeting.organisation_id, models.Greeting.school_year, func.count(models.Greeting.id))
            .where(models.Greeting.region_id == region.id, models.Greeting.school_year.is_not(None))
            .group_by(models.Greeting.organisation_id, models.Greeting.school_year)):
        counts[(org_id, year)] = n
    out = []
    for year in sorted({y for _o, y in counts}):
        posted = {o for o, y in counts if y == year}
        missing = [m.name for m in members if m.id not in posted]

        def table(year=year):
            rows = tuple((m.name, (n if (n := counts.get((m.id, year), 0)) == 0 or n >= SMALL else f"<{SMALL}"))
                         for m in members)
            return NationalTable(caption=lazy_gettext("Groeten per organisatie, %(year)s", year=year),
                                 headers=(lazy_gettext("Organisatie"), lazy_gettext("Groeten")),
                                 kinds=("text", "count"), rows=rows)

        out.append(PublicFigures(school_year=year, complete=bool(members) and not missing, table=table,
                                 reason=lazy_gettext("nog geen groet van %(names)s", names=", ".join(missing))
                                 if members else lazy_gettext("er is geen consortium")))
    return out


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
