"""The numbers of the region dashboard: realisation against the signed target, per municipality, national context.

Pure reads; the views authorize. Percentages are computed from the summed
counts (never averaged from municipality percentages).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import func, select

from core.plugin_api import Organisation, agreement_in_force

from .models import VsvFigure, percentage

DATA = Path(__file__).parent / "data"
TEMPLATE_KEY = "vsv-regionale-afspraak"
ABSOLUTE_TERM = "max_new_early_school_leavers"
PERCENTAGE_TERM = "max_percentage"

# National context (issue 7; Kamerbrief March 2024 as summarised in data/SOURCES.md).
NATIONAL_TARGETS = (
    ("Doel van de Tweede Kamer voor 2026", "minder dan 18.000 nieuwe vsv'ers"),
    ("Ambitie van de mbo-instellingen voor 2027", "minder dan 20.000 nieuwe vsv'ers"),
    ("Nu (alle sectoren, 2022-2023)", "ongeveer 30.000 nieuwe vsv'ers"),
)


@dataclass
class YearRow:
    school_year: str
    participants: int | None
    new_leavers: int | None
    percentage: Decimal | None
    reported: int  # number of municipalities with figures
    target: Decimal | int | None  # in the region's target kind
    met: bool | None  # None: no target or no figures


def previous_year(school_year: str) -> str:
    first = int(school_year[:4])
    return f"{first - 1}-{first}"


def targets(region, kind: str) -> dict[str, Decimal | int]:
    """The signed target per school year in `kind` ("absolute" or "percentage"); {} without an agreement."""
    view = agreement_in_force(region, "vsv", TEMPLATE_KEY)
    if view is None:
        return {}
    term = ABSOLUTE_TERM if kind == "absolute" else PERCENTAGE_TERM
    out = {}
    for year, value in (view.terms.get(term) or {}).items():
        if value is not None:
            out[year] = int(value) if kind == "absolute" else Decimal(str(value))
    return out


def year_rows(session, region, kind: str) -> list[YearRow]:
    """Realisation per school year (sums over the region's municipalities) against the signed target."""
    sums = {
        year: (participants, leavers, n)
        for year, participants, leavers, n in session.execute(
            select(VsvFigure.school_year, func.sum(VsvFigure.participants), func.sum(VsvFigure.new_leavers),
                   func.count(VsvFigure.id))
            .where(VsvFigure.region_id == region.id).group_by(VsvFigure.school_year))
    }
    goal = targets(region, kind)
    rows = []
    for year in sorted(set(sums) | set(goal)):
        participants, leavers, n = sums.get(year, (None, None, 0))
        participants = int(participants) if participants is not None else None
        leavers = int(leavers) if leavers is not None else None
        pct = percentage(leavers, participants)
        target = goal.get(year)
        realised = leavers if kind == "absolute" else pct
        met = None if target is None or realised is None else realised <= target
        rows.append(YearRow(year, participants, leavers, pct, n, target, met))
    return rows


@dataclass
class MunicipalityRow:
    code: str
    name: str
    percentage: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """Change in percentage points against the year before."""
        if self.percentage is None or self.previous is None:
            return None
        return self.percentage - self.previous


def municipality_rows(session, region, school_year: str) -> list[MunicipalityRow]:
    """Every municipality of the region with its percentage in `school_year` and the year before."""
    wanted = (school_year, previous_year(school_year))
    found: dict[tuple[int, str], Decimal | None] = {}
    for org_id, year, participants, leavers in session.execute(
            select(VsvFigure.organisation_id, VsvFigure.school_year, VsvFigure.participants, VsvFigure.new_leavers)
            .where(VsvFigure.region_id == region.id, VsvFigure.school_year.in_(wanted))):
        found[(org_id, year)] = percentage(leavers, participants)
    members = [m.organisation for m in region.members if m.organisation.kind == "gemeente"]
    rows = [MunicipalityRow(org.identifier, org.name, found.get((org.id, wanted[0])), found.get((org.id, wanted[1])))
            for org in members]
    return sorted(rows, key=lambda r: r.name)


@cache
def national_rows() -> tuple[dict, ...]:
    with open(DATA / "vsv_national.csv", newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


@cache
def _rmc_2016() -> dict[str, Decimal]:
    with open(DATA / "vsv_rmc_2016_2017_partial.csv", newline="", encoding="utf-8") as fh:
        return {r["rmc_code_2025"]: Decimal(r["vsv_percent"]) for r in csv.DictReader(fh) if r["rmc_code_2025"]}


def region_2016(rmc_code: str) -> Decimal | None:
    """The region's published vsv percentage for 2016-2017, where the (partial) source has it."""
    return _rmc_2016().get(rmc_code)


def municipalities(session, region) -> list[Organisation]:
    return sorted((m.organisation for m in region.members if m.organisation.kind == "gemeente"),
                  key=lambda o: o.name)


def check_targets(terms: dict) -> dict[str, str]:
    """'and/or': at least one maximum (number or percentage) for at least one school year."""
    filled = [v for name in (ABSOLUTE_TERM, PERCENTAGE_TERM)
              for v in (terms.get(name) or {}).values() if v is not None]
    if not filled:
        return {ABSOLUTE_TERM: "vul voor minstens één schooljaar een maximum aantal of een maximum "
                                         "percentage nieuwe vsv'ers in"}
    return {}
