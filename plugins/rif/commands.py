"""`regio rif ...`: the platform-wide RIF overview on the command line (platform admins find it, with
charts, per sector and per project, on the page /regio/<region>/rif/landelijk)."""
from __future__ import annotations

import click

from core.plugin_api import db_session

from .figures import platform_totals
from .rules import euro

group = click.Group("rif", help="Regionaal Investeringsfonds mbo")


@group.command("overzicht")
def overview():
    """Per region: submitted applications, granted subsidy and pledged co-financing of granted projects."""
    rows = platform_totals(db_session())
    if not rows:
        click.echo("Nog geen ingediende RIF-aanvragen.")
        return
    for row in rows:
        demo = " (demogegevens)" if row["demo"] else ""
        click.echo(f"{row['name']}: {row['applications']} aanvragen, toegekend {euro(row['granted'])}, "
                   f"cofinanciering {euro(row['pledged'])}{demo}")
