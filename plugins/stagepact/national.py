"""The stagepact part of the national overview: every region's reports side by side.

Reads the maintained sums (plugin_api.aggregate_table), never the reports. A region where fewer
institutions reported than its own `minimum_reports` shows no figures (as on its own page), so that no
figure is one institution's numbers; the national totals add only the regions that are shown.
"""
from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func

from core.plugin_api import (Aggregate, NationalSection, NationalTable, PublicFigures, Series, aggregate_table,
                             bar_chart, completeness, lazy_gettext)

from .models import Report
from .settings import StagepactSettings

KEY = "stagepact"
AGGREGATE = "reports"
MEASURES = ("institutions", "with_desk", "received", "handled", "forwarded", "teams_matching", "teams_total")


def aggregates() -> list[Aggregate]:
    """Per region and school year: the reporting institutions and their summed reports."""
    return [Aggregate(name=AGGREGATE, model=Report, period="school_year", measures={
        "institutions": func.count(Report.id),
        "with_desk": func.sum(case((Report.has_desk.is_(True), 1), else_=0)),
        "received": func.sum(Report.reports_received),
        "handled": func.sum(Report.reports_handled),
        "forwarded": func.sum(Report.reports_forwarded),
        "teams_matching": func.sum(Report.teams_matching),
        "teams_total": func.sum(Report.teams_total),
    })]


def _share(part, whole) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), ROUND_HALF_UP)


def overview() -> dict:
    """The school year shown (the latest any region reported) with a row per region."""
    sums = aggregate_table(KEY, AGGREGATE, latest_only=True)
    periods = sums.periods()
    year = periods[-1] if periods else None
    rows, totals, shown = [], dict.fromkeys(MEASURES, 0), 0
    for region in sums.regions:
        values = {m: (int(v) if (v := sums.value(region.id, year, m)) is not None else None) for m in MEASURES} \
            if year else dict.fromkeys(MEASURES)
        minimum = int(region.settings.get("minimum_reports", StagepactSettings.minimum_reports))
        hidden = values["institutions"] is not None and values["institutions"] < minimum
        if values["institutions"] and not hidden:
            shown += 1
            for m in MEASURES:
                totals[m] += values[m] or 0
        rows.append({"name": region.name, "hidden": hidden, "minimum": minimum, **values})
    done = completeness({r.id: r.name for r in sums.regions}, sums.reported(year) if year else (), noun="regio")
    return {"year": year, "rows": rows, "totals": totals, "shown": shown, "completeness": done}


def _table(data: dict) -> NationalTable:
    hidden = str(lazy_gettext("afgeschermd"))
    rows = []
    for r in data["rows"]:
        if r["hidden"]:
            rows.append((r["name"], r["institutions"], hidden, hidden, hidden, hidden, hidden))
        else:
            rows.append((r["name"], r["institutions"], _share(r["with_desk"], r["institutions"]), r["received"],
                         r["handled"], r["forwarded"], _share(r["teams_matching"], r["teams_total"])))
    return NationalTable(
        caption=lazy_gettext("Stagediscriminatie: meldingen per regio, schooljaar %(year)s", year=data["year"] or "–"),
        headers=(lazy_gettext("Regio"), lazy_gettext("Instellingen met een rapportage"),
                 lazy_gettext("Instellingen met een meldpunt"), lazy_gettext("Meldingen ontvangen"),
                 lazy_gettext("Meldingen afgehandeld"), lazy_gettext("Meldingen doorverwezen"),
                 lazy_gettext("Teams met stagematching")),
        kinds=("text", "count", "percent", "count", "count", "count", "percent"), rows=tuple(rows),
        note=lazy_gettext("%(done)s hebben rapportages voor dit schooljaar. Een regio waar minder instellingen "
                          "rapporteerden dan haar eigen minimum toont geen cijfers (afgeschermd), zodat geen "
                          "getal de cijfers van één instelling is.", done=data["completeness"].label))


def _context(data: dict) -> dict:
    chart = None
    if data["year"]:
        chart = bar_chart(
            lazy_gettext("Meldingen van stagediscriminatie per regio, schooljaar %(year)s", year=data["year"]),
            lazy_gettext("Per regio het aantal ontvangen en afgehandelde meldingen; regio's zonder (getoonde) "
                         "cijfers hebben geen staaf. Dezelfde getallen staan in de tabel eronder."),
            [r["name"] for r in data["rows"]],
            [Series(str(lazy_gettext("Ontvangen")), tuple(None if r["hidden"] else r["received"] for r in data["rows"])),
             Series(str(lazy_gettext("Afgehandeld")), tuple(None if r["hidden"] else r["handled"] for r in data["rows"]))])
    return {**data, "chart": chart}


def sections() -> list[NationalSection]:
    """The section; its chart and its table share one overview (read once per request)."""
    once = functools.cache(overview)  # a new cache per call: the hook is called once per request

    return [NationalSection(title=lazy_gettext("Stagepact: meldingen van stagediscriminatie"),
                            template="stagepact/national.html", table=lambda: _table(once()), context=lambda: _context(once()))]


def public_figures(region) -> list[PublicFigures]:
    """Every school year with reports, for the region's public page: the region's totals only (never one
    institution's). A year is complete when every mbo institution of the region reported; one with fewer
    reports than the region's `minimum_reports` is not offered at all (as on the region's own page)."""
    from .figures import expected_institutions, region_totals, shown_years

    minimum = StagepactSettings.from_json(region.settings_for(KEY)).minimum_reports
    shown, _held = shown_years(region_totals(region.id, expected_institutions(region)), minimum)
    out = []
    for year in shown:
        def build(year=year):
            rows = ((str(lazy_gettext("Instellingen met een rapportage")), year.institutions, None),
                    (str(lazy_gettext("Instellingen met een meldpunt")), year.with_desk,
                     _share(year.with_desk, year.institutions)),
                    (str(lazy_gettext("Meldingen ontvangen")), year.received, None),
                    (str(lazy_gettext("Meldingen afgehandeld")), year.handled, _share(year.handled, year.received)),
                    (str(lazy_gettext("Meldingen doorverwezen")), year.forwarded, _share(year.forwarded, year.received)),
                    (str(lazy_gettext("Teams met stagematching")), year.teams_matching,
                     _share(year.teams_matching, year.teams_total)))
            return NationalTable(
                caption=lazy_gettext("Stagediscriminatie in de regio, schooljaar %(year)s", year=year.school_year),
                headers=(lazy_gettext("Wat"), lazy_gettext("Aantal"), lazy_gettext("Aandeel")),
                kinds=("text", "count", "percent"), rows=rows)

        out.append(PublicFigures(school_year=year.school_year, complete=year.completeness.is_complete, table=build,
                                 reason=year.completeness.missing_text))
    return out
