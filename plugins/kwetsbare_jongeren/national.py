"""The kwetsbare-jongeren part of the national overview: counts per region and category, suppressed.

Reads the maintained sums (plugin_api.aggregate_table), never the counts. The table has one row per
region and one column per category with national totals, and the instrument's own rule
(suppression.suppress: small counts hidden, and complementary cells so that none can be derived from
the totals) is applied across the regions, with the strictest threshold any region set. The national
reader knows no cell of its own, so nothing small is shown.
"""
from __future__ import annotations

import functools

from sqlalchemy import distinct, func

from core.plugin_api import (Aggregate, NationalSection, NationalTable, PublicFigures, Series, aggregate_table,
                             bar_chart, completeness, lazy_gettext)

from .figures import counted
from .models import CATEGORIES, CATEGORY_LABELS, MonitorCount
from .settings import KwetsbareJongerenSettings
from .suppression import suppress

KEY = "kwetsbare_jongeren"


def aggregates() -> list[Aggregate]:
    """Per region and period: the count per category, and how many municipalities have counts.

    Only the reports that count are summed (figures.counted: one per municipality, period and category),
    so a cell that the municipality and the RMC both reported is in the sums once, as on the region page.
    """
    return [Aggregate(name="counts", model=MonitorCount, period="period", split_by="category",
                      measures={"count": func.sum(MonitorCount.count)}, where=counted()),
            Aggregate(name="reported", model=MonitorCount, period="period",
                      measures={"municipalities": func.count(distinct(MonitorCount.municipality))},
                      where=counted())]


def overview() -> dict:
    """The latest period any region reported, published across regions with the instrument's suppression."""
    sums = aggregate_table(KEY, "counts", latest_only=True)
    reported = aggregate_table(KEY, "reported", latest_only=True)
    periods = sums.periods()
    period = periods[-1] if periods else None
    names = [r.name for r in sums.regions]
    # the region's `threshold` setting (KwetsbareJongerenSettings.min_count: never below 2), the strictest wins
    threshold = max([int(r.settings.get("threshold", KwetsbareJongerenSettings.threshold)) for r in sums.regions]
                    + [KwetsbareJongerenSettings.threshold, 2])
    values = {}
    if period:
        for region in sums.regions:
            for category in CATEGORIES:
                value = sums.value(region.id, period, f"count:{category}")
                if value is not None:
                    values[(region.name, category)] = int(value)
    published = suppress(values, names, list(CATEGORIES), threshold=threshold)
    done = completeness({r.id: r.name for r in sums.regions}, sums.reported(period) if period else (), noun="regio")
    municipalities = {r.name: reported.value(r.id, period, "municipalities") for r in sums.regions} if period else {}
    return {"period": period, "published": published, "names": names, "threshold": threshold,
            "completeness": done, "municipalities": municipalities}


def _cell(shown):
    """A published figure as a table cell: the number, the text of a hidden one, or None (no figure)."""
    if shown.value is not None:
        return shown.value
    return None if shown.text == "–" else shown.text


def _table(data: dict) -> NationalTable:
    published = data["published"]
    rows = [(name, *(_cell(published.cell(name, c)) for c in CATEGORIES)) for name in data["names"]]
    if data["period"]:
        rows.append((str(lazy_gettext("Alle regio's samen")), *(_cell(published.totals[c]) for c in CATEGORIES)))
    return NationalTable(
        caption=lazy_gettext("Kwetsbare jongeren per regio en categorie, periode %(period)s",
                             period=data["period"] or "–"),
        headers=(lazy_gettext("Regio"), *(CATEGORY_LABELS[c] for c in CATEGORIES)),
        kinds=("text", *("count" for _c in CATEGORIES)), rows=tuple(rows),
        note=lazy_gettext("%(done)s hebben aantallen voor deze periode. Aantallen onder de %(threshold)s zijn "
                          "afgeschermd (\"<%(threshold)s\"), en waar nodig nog een getal (\"afgeschermd\"), zodat "
                          "geen afgeschermd aantal uit de totalen is af te leiden.",
                          done=data["completeness"].label, threshold=data["threshold"]))


def _context(data: dict) -> dict:
    chart = None
    if data["period"]:
        published = data["published"]
        chart = bar_chart(
            lazy_gettext("In beeld per regio, periode %(period)s", period=data["period"]),
            lazy_gettext("Per regio het aantal jongeren in beeld; afgeschermde en ontbrekende aantallen hebben "
                         "geen staaf. Alle categorieën staan in de tabel eronder."),
            data["names"], [Series(str(CATEGORY_LABELS[CATEGORIES[0]]),
                                   tuple(published.cell(n, CATEGORIES[0]).value for n in data["names"]))])
    return {**data, "chart": chart}


def sections() -> list[NationalSection]:
    """The section; its chart and its table share one overview (read once per request)."""
    once = functools.cache(overview)  # a new cache per call: the hook is called once per request

    return [NationalSection(title=lazy_gettext("Kwetsbare jongeren"), template="kwetsbare_jongeren/national.html",
                            table=lambda: _table(once()), context=lambda: _context(once()))]


def public_figures(region) -> list[PublicFigures]:
    """Every period of the region for its public page: municipalities x categories with region totals, suppressed
    as on the region's own pages for a reader who reported nothing (the region's own threshold); a period is
    complete when every municipality of the region has counts in it."""
    from .access import Viewer
    from .figures import by_period, municipalities, period_completeness, region_rows, table
    from .settings import settings_of

    rows = region_rows(region.id)
    names = municipalities(region)
    threshold = settings_of(region).min_count
    out = []
    grouped = by_period(rows)  # each period's rows once, not every row per period
    for period in sorted(grouped):
        done = period_completeness(grouped[period], period, names)

        def build(period=period):
            published = table(grouped[period], period, names, threshold=threshold, viewer=Viewer(frozenset(), False))
            body = [(names.get(m, m), *(_cell(published.cell(m, c)) for c in CATEGORIES)) for m in published.rows]
            body.append((str(lazy_gettext("Regio totaal")), *(_cell(published.totals[c]) for c in CATEGORIES)))
            return NationalTable(
                caption=lazy_gettext("Kwetsbare jongeren per gemeente en categorie, periode %(period)s",
                                     period=period),
                headers=(lazy_gettext("Gemeente"), *(CATEGORY_LABELS[c] for c in CATEGORIES)),
                kinds=("text", *("count" for _c in CATEGORIES)), rows=tuple(body),
                note=lazy_gettext("Aantallen onder de %(threshold)s zijn afgeschermd.", threshold=threshold))

        out.append(PublicFigures(school_year=period, complete=done.is_complete, table=build,
                                 reason=done.missing_text))
    return out
