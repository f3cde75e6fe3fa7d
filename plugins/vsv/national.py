"""The vsv part of the national overview: every region's new vsv'ers against the national goal for 2026.

Reads the maintained sums (plugin_api.aggregate_table), never the figures themselves. The region's and
the municipalities' figures are the rows without a BRIN (as on the region dashboard). The national goal
is fewer than 18,000 new vsv'ers in 2026 (data/SOURCES.md); a region's share of it is the goal divided
over the regions in proportion to their participants in the school year shown.
"""
from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func

from core.plugin_api import (Aggregate, NationalSection, NationalTable, PublicFigures, Series, aggregate_table,
                             bar_chart, completeness, lazy_gettext, number)

from .models import VsvFigure

KEY = "vsv"
AGGREGATE = "figures"
NATIONAL_GOAL = 18_000  # fewer than this many new vsv'ers in 2026 (Tweede Kamer)
GOAL_YEAR = "2025-2026"


def aggregates() -> list[Aggregate]:
    """Per region and school year: participants, new vsv'ers and the municipalities that reported."""
    return [Aggregate(name=AGGREGATE, model=VsvFigure, period="school_year", where=VsvFigure.brin.is_(None),
                      measures={"participants": func.sum(VsvFigure.participants),
                                "new_leavers": func.sum(VsvFigure.new_leavers),
                                "municipalities": func.count(VsvFigure.id)})]


def _int(value) -> int | None:
    return None if value is None else int(value)


def overview() -> dict:
    """The school year shown (the latest any region reported), its rows per region and the national sums."""
    sums = aggregate_table(KEY, AGGREGATE, latest_only=True)
    periods = sums.periods()
    year = periods[-1] if periods else None
    total_participants = (sums.total(year, "participants") or 0) if year else 0
    total_new = (sums.total(year, "new_leavers") or 0) if year else 0
    rows = []
    for region in sums.regions:
        participants = _int(sums.value(region.id, year, "participants")) if year else None
        new = _int(sums.value(region.id, year, "new_leavers")) if year else None
        share = None
        if participants and total_participants:
            share = (Decimal(NATIONAL_GOAL) * participants / total_participants).quantize(Decimal(1), ROUND_HALF_UP)
        rate = (Decimal(new) / participants).quantize(Decimal("0.0001"), ROUND_HALF_UP) if participants else None
        rows.append({"name": region.name, "new": new, "participants": participants, "rate": rate,
                     "share": None if share is None else int(share),
                     "municipalities": _int(sums.value(region.id, year, "municipalities")) if year else None})
    done = completeness({r.id: r.name for r in sums.regions}, sums.reported(year) if year else (), noun="regio")
    return {"year": year, "rows": rows, "total_new": int(total_new), "total_participants": int(total_participants),
            "completeness": done, "goal": NATIONAL_GOAL, "goal_year": GOAL_YEAR}


def _table(data: dict) -> NationalTable:
    rows = tuple((r["name"], r["new"], r["participants"], r["rate"], r["share"], r["municipalities"])
                 for r in data["rows"])
    return NationalTable(
        caption=lazy_gettext("Nieuwe vsv'ers per regio, schooljaar %(year)s", year=data["year"] or "–"),
        headers=(lazy_gettext("Regio"), lazy_gettext("Nieuwe vsv'ers"), lazy_gettext("Deelnemers"),
                 lazy_gettext("Percentage nieuwe vsv'ers"),
                 lazy_gettext("Aandeel in het landelijke doel (naar deelnemers)"),
                 lazy_gettext("Gemeenten met cijfers")),
        kinds=("text", "count", "count", "percent", "count", "count"), rows=rows,
        note=lazy_gettext("%(done)s hebben cijfers voor dit schooljaar; het landelijke totaal telt alleen die "
                          "regio's.", done=data["completeness"].label))


def _context(data: dict) -> dict:
    chart = None
    if data["year"]:
        chart = bar_chart(
            lazy_gettext("Nieuwe vsv'ers per regio, schooljaar %(year)s", year=data["year"]),
            lazy_gettext("Per regio het aantal nieuwe vsv'ers, met als streepjeslijn het aandeel van de regio in "
                         "het landelijke doel (minder dan %(goal)s in 2026) naar verhouding van haar deelnemers; "
                         "dezelfde getallen staan in de tabel eronder.", goal=number(NATIONAL_GOAL)),
            [r["name"] for r in data["rows"]],
            [Series(str(lazy_gettext("Nieuwe vsv'ers")), tuple(r["new"] for r in data["rows"]))],
            target=Series(str(lazy_gettext("Aandeel in het landelijke doel")),
                          tuple(r["share"] for r in data["rows"])))
    return {**data, "chart": chart}


def sections() -> list[NationalSection]:
    """The section; its chart and its table share one overview (read once per request)."""
    once = functools.cache(overview)  # a new cache per call: the hook is called once per request

    return [NationalSection(title=lazy_gettext("Voortijdig schoolverlaten"), template="vsv/national.html",
                            table=lambda: _table(once()), context=lambda: _context(once()))]


def public_figures(region) -> list[PublicFigures]:
    """Every school year with figures, for the region's public page: the region's sum and each municipality's
    percentage; a year is complete when every municipality of the region reported (core's Completeness).
    vsv counts are published as DUO publishes them: no small-number rule applies."""
    from core.plugin_api import db_session

    from .figures import municipality_rows, year_rows
    from .settings import VsvSettings

    session = db_session()
    kind = VsvSettings.from_json(region.settings_for(KEY)).target_kind
    out = []
    for year in (y for y in year_rows(session, region, kind) if y.reported):
        def build(year=year):
            rows = [(str(lazy_gettext("Regio (alle gemeenten)")), year.new_leavers, year.participants,
                     None if year.percentage is None else year.percentage / 100)]
            rows += [(m.name, None, None, None if m.percentage is None else m.percentage / 100)
                     for m in municipality_rows(session, region, year.school_year)]
            return NationalTable(
                caption=lazy_gettext("Nieuwe vsv'ers, schooljaar %(year)s", year=year.school_year),
                headers=(lazy_gettext("Gemeente"), lazy_gettext("Nieuwe vsv'ers"), lazy_gettext("Deelnemers"),
                         lazy_gettext("Percentage nieuwe vsv'ers")),
                kinds=("text", "count", "count", "percent"), rows=tuple(rows))

        out.append(PublicFigures(school_year=year.school_year, complete=year.completeness.is_complete, table=build,
                                 reason=year.completeness.missing_text))
    return out
