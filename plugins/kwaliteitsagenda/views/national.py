"""The sectorbeeld for the national overview: per period and priority, how many goals are on track.

Each institution is counted once, whichever regions it serves: an agenda is one row per institution and
period, wherever it was drafted. One query reads every goal with its realisations. The core's maintained
aggregates (plugin_api.Aggregate: SQL sums of one model's rows per region and period) cannot hold these counts:
a goal's status compares its latest realisation (another table) with that year's richtpunt in the goal's JSON
targets, and institutions are counted distinct, not summed.
"""
from __future__ import annotations

from core.plugin_api import NationalSection, NationalTable, Series, _, bar_chart, lazy_gettext

from .. import figures



def sections() -> list[NationalSection]:
    picture = []

    def rows():
        if not picture:
            picture.append(figures.sector_picture())
        return picture[0]

    def table():
        return NationalTable(
            caption=lazy_gettext("Doelen van de kwaliteitsagenda's per periode en prioriteit"),
            headers=(lazy_gettext("Periode en prioriteit"), lazy_gettext("Instellingen"), lazy_gettext("Doelen"),
                     lazy_gettext("Op koers"), lazy_gettext("Niet op koers"), lazy_gettext("Nog geen realisatie"),
                     lazy_gettext("Investeringsbudget"), lazy_gettext("Resultaatafhankelijk budget")),
            kinds=("text", "count", "count", "count", "count", "count", "money", "money"),
            rows=tuple((f"{period}: {priority}", len(t.institutions), t.goals, t.on_track, t.off_track, t.no_data,
                        t.investment, t.result_dependent) for period, priority, t in rows()),
            note=lazy_gettext("Elke instelling telt één keer, ook als zij meerdere regio's bedient. Een doel is op "
                              "koers als de laatste realisatie het richtpunt van dat jaar haalt."))

    def context():
        found = rows()
        chart = None
        if found:
            chart = bar_chart(
                _("Doelen op koers per prioriteit"),
                _("Per periode en prioriteit het aantal doelen op koers, niet op koers en nog zonder realisatie, "
                  "over alle kwaliteitsagenda's. De tabel eronder geeft dezelfde aantallen."),
                [f"{period}: {priority}" for period, priority, _t in found],
                [Series(_("Op koers"), tuple(t.on_track for _p, _q, t in found)),
                 Series(_("Niet op koers"), tuple(t.off_track for _p, _q, t in found)),
                 Series(_("Nog geen realisatie"), tuple(t.no_data for _p, _q, t in found))])
        return {"chart": chart, "institutions": figures.sector_institutions(),
                "demo": any(t.is_demo for _p, _q, t in found)}

    return [NationalSection(title=lazy_gettext("Sectorbeeld kwaliteitsagenda"),
                            template="kwaliteitsagenda/national.html", table=table, context=context)]
