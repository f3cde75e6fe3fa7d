"""The Excel sheet of the hello instrument: one sheet that uses every column kind of the core's engine.

tests/core/excel/ drive it. Its title, headers, help texts and description are written into the workbook: a
file format, so they stay Dutch there. Help texts and description are marked with N_: the sheet's page
translates them.
"""
from __future__ import annotations

import datetime as dt

from core.plugin_api import N_, Column, Kind, RowRule, SheetSpec, _, lazy_gettext, long_date

from . import models

# On the workbook's Toelichting sheet: stays Dutch there (N_), translated on the sheet's page.
SHEET_DESCRIPTION = N_("Groeten per organisatie en schooljaar.")


def _reply_rate(row):
    """Computed, not typed: answered as a percentage of sent."""
    if not row.get("sent") or row.get("answered") is None:
        return None
    return round(100 * row["answered"] / row["sent"], 1)


def sent_by_the_deadline(values, labels, context):
    """A row rule that reads the import's context (plugin_api.RuleContext), never request state: the region
    imported into and its hello settings, the same on the web and with `regio import`."""
    deadline = context.settings.deadline if context.settings is not None else None
    if deadline is not None and values["sent_on"] > deadline:
        return _("%(column)s (%(date)s) ligt na de deadline van regio %(region)s (%(deadline)s)",
                 column=labels["sent_on"], date=long_date(values["sent_on"]), region=context.region.name,
                 deadline=long_date(deadline))
    return None


GREETINGS = SheetSpec(
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
    rules=(RowRule.at_most("answered", "sent"), RowRule("sent_on", sent_by_the_deadline, needs=("sent_on",))),
)
