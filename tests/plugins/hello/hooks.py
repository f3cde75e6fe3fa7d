"""Every hook, implemented once: the example third-party plugin (registered by tests only)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy import func, select

from core.plugin_api import (N_, AgreementTemplate, AgreementTerm, Column, Instrument, Kind, NavItem, Permission,
                             RowRule, SheetSpec, Widget, db_session, hookimpl, lazy_gettext)

from . import models, settings, views

KEY = "hello"
# On the workbook's Toelichting sheet: stays Dutch there (N_), translated on the sheet's page.
SHEET_DESCRIPTION = N_("Groeten per organisatie en schooljaar.")


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
        Permission("hello.view", lazy_gettext("Groeten bekijken"), {"viewer", "editor", "signatory", "admin"}),
        Permission("hello.post", lazy_gettext("Groeten plaatsen"), {"editor", "admin"}),
        Permission("hello.moderate", lazy_gettext("Groeten van de hele regio beheren"), {"editor", "admin"},
                   region_wide=True),
    ]


@hookimpl
def region_settings_schema():
    return settings.HelloSettings


@hookimpl
def register_sheets():
    # One sheet that uses every column kind of the core's Excel engine (tests/core/excel/ drive it).
    # Its title, headers, help texts and description are written into the workbook: a file format, so they
    # stay Dutch there. Help texts and description are marked with N_: the sheet's page translates them.
    return [SheetSpec(
        name="hello-groeten",
        title="Groeten",
        model=models.Greeting,
        permission="hello.post",
        view_permission="hello.view",
        description=SHEET_DESCRIPTION,
        row_noun=lazy_gettext("groeten"),
        columns=(
            Column("organisation_id", "Organisatie", Kind.ORGANISATION,
                   help=N_("Code van uw organisatie: BRIN, CBS-code (GM0344), KvK- of RMC-code.")),
            Column("school_year", "Schooljaar", Kind.SCHOOL_YEAR, minimum="2015-2016"),
            Column("text", "Groet", help=N_("De groet zelf.")),
            Column("sent", "Verstuurd", Kind.INTEGER, required=False, minimum=0),
            Column("answered", "Beantwoord", Kind.INTEGER, required=False, minimum=0),
            Column("budget", "Budget", Kind.DECIMAL, required=False, minimum=0, maximum=1_000_000, places=2,
                   help=N_("In euro's, hoogstens twee decimalen.")),
            Column("sent_on", "Verstuurd op", Kind.DATE, required=False, minimum=dt.date(2000, 1, 1)),
            Column("public", "Openbaar", Kind.BOOLEAN, required=False),
            Column("mood", "Stemming", Kind.ENUM, required=False, choices=("blij", "neutraal", "somber")),
            Column("brin", "BRIN", Kind.BRIN, required=False),
            Column("municipality", "Gemeente", Kind.CBS_CODE, required=False, in_region=True),
            Column("reply_rate", "Antwoordpercentage", Kind.DECIMAL, required=False, computed=_reply_rate),
        ),
        natural_key=("organisation_id", "school_year", "text"),
        rules=(RowRule.at_most("answered", "sent"),),
    )]


def _reply_rate(row):
    """Computed, not typed: answered as a percentage of sent."""
    if not row.get("sent") or row.get("answered") is None:
        return None
    return round(100 * row["answered"] / row["sent"], 1)


@hookimpl
def agreement_templates():
    return [AgreementTemplate(
        key="hello-afspraak", title="Groetafspraak", text="Wij groeten elkaar.",
        terms=(
            AgreementTerm("greetings_per_year", "Groeten per jaar", kind="integer", minimum=0),
            AgreementTerm("target", "Streefwaarde groeten", kind="integer", keys=("2025-2026", "2026-2027"),
                          minimum=0),
            AgreementTerm("budget", "Budget", kind="decimal", unit="euro", minimum=0, required=False),
        ),
    )]


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
def demo_data(session, regions):
    for region in regions:
        exists = session.scalar(select(models.Greeting.id).where(models.Greeting.region_id == region.id))
        if exists is None:
            coordinator = next(m.organisation_id for m in region.members if m.is_coordinator)
            session.add(models.Greeting(region_id=region.id, organisation_id=coordinator, text="Welkom (demo)"))
