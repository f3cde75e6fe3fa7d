"""The numbers of the region dashboard: realisation against the signed target, per municipality, per mbo
institution, national context (the agreement's terms are read through agreement.py).

Pure reads; the views authorize. Percentages are computed from the summed
counts (never averaged from municipality percentages). Every sum says how
complete it is (core's Completeness: which of the region's municipalities
reported) and is judged against a target only when complete. The region's and the
municipalities' figures are the rows without a BRIN; an institution's
realisation is the sum of its rows (one per municipality) with its BRIN.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import String, cast, func, select

from core.plugin_api import Completeness, Organisation, agreement_in_force, completeness, lazy_gettext

from .agreement import (ABSOLUTE_TERM, INSTITUTION_TERM, PERCENTAGE_TERM, TEMPLATE_KEY, InstitutionTarget,
                        parse_institution_targets)
from .agreement import TARGET_YEARS  # noqa: F401  (demo.py reads the terms' names through this module)
from .models import VsvFigure, percentage

DATA = Path(__file__).parent / "data"

# National context (issue 7; Kamerbrief March 2024 as summarised in data/SOURCES.md).
# Shown on the dashboard in the reader's language (the numbers are written the reader's way in each catalogue).
NATIONAL_TARGETS = (
    (lazy_gettext("Doel van de Tweede Kamer voor 2026"), lazy_gettext("minder dan 18.000 nieuwe vsv'ers")),
    (lazy_gettext("Ambitie van de mbo-instellingen voor 2027"), lazy_gettext("minder dan 20.000 nieuwe vsv'ers")),
    (lazy_gettext("Nu (alle sectoren, 2022-2023)"), lazy_gettext("ongeveer 30.000 nieuwe vsv'ers")),
)


@dataclass
class YearRow:
    """The region's realisation in one school year: the sum over the municipalities that reported."""

    school_year: str
    participants: int | None
    new_leavers: int | None
    percentage: Decimal | None
    completeness: Completeness  # which of the region's municipalities reported (x van de y gemeenten)
    target: Decimal | int | None  # in the region's target kind
    met: bool | None  # the sum against the target; None: no target or no figures (judged only when complete)

    @property
    def reported(self) -> int:
        """The number of municipalities with figures."""
        return self.completeness.reported

    @property
    def verdict(self) -> str:
        """core.completeness: gehaald / niet gehaald only for a complete year, else nog niet compleet."""
        return self.completeness.judge(self.met)


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


def expected_municipalities(region) -> dict[int, str]:
    """Organisation id -> name of the municipalities expected to report: the region's member municipalities."""
    return {m.organisation_id: m.organisation.name for m in region.members if m.organisation.kind == "gemeente"}


def _ids():
    """Who reported, in a grouped statement (a row per group, not per figure): the organisations' ids of the
    group as one comma-separated text (string_agg on PostgreSQL, group_concat on SQLite)."""
    return func.aggregate_strings(cast(VsvFigure.organisation_id, String), ",")


def _split_ids(text: str | None) -> set[int]:
    return {int(part) for part in (text or "").split(",") if part}


def year_rows(session, region, kind: str) -> list[YearRow]:
    """Realisation per school year (sums over the region's municipalities) against the signed target, with
    how complete each sum is; a year is judged only when every municipality of the region reported."""
    # One grouped statement: per year the sums over the municipalities' own rows and who reported.
    sums: dict[str, tuple[int | None, int | None]] = {}
    who: dict[tuple, set[int]] = {}
    for year, participants, leavers, ids in session.execute(
            select(VsvFigure.school_year, func.sum(VsvFigure.participants), func.sum(VsvFigure.new_leavers), _ids())
            .where(VsvFigure.region_id == region.id, VsvFigure.brin.is_(None)).group_by(VsvFigure.school_year)):
        sums[year] = (participants, leavers)
        who[(year,)] = _split_ids(ids)
    expected = expected_municipalities(region)
    goal = targets(region, kind)
    rows = []
    for year in sorted(set(sums) | set(goal)):
        participants, leavers = sums.get(year, (None, None))
        participants = int(participants) if participants is not None else None
        leavers = int(leavers) if leavers is not None else None
        pct = percentage(leavers, participants)
        target = goal.get(year)
        realised = leavers if kind == "absolute" else pct
        met = None if target is None or realised is None else realised <= target
        rows.append(YearRow(year, participants, leavers, pct, completeness(expected, who.get((year,), ())),
                            target, met))
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
            .where(VsvFigure.region_id == region.id, VsvFigure.school_year.in_(wanted), VsvFigure.brin.is_(None))):
        found[(org_id, year)] = percentage(leavers, participants)
    members = [m.organisation for m in region.members if m.organisation.kind == "gemeente"]
    rows = [MunicipalityRow(org.identifier, org.name, found.get((org.id, wanted[0])), found.get((org.id, wanted[1])))
            for org in members]
    return sorted(rows, key=lambda r: r.name)


@cache
def national_rows() -> tuple[dict, ...]:
    with open(DATA / "vsv_national.csv", newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def national_sources() -> dict[str, str]:
    """The source address of each national population ("mbo", "all"), from the data file's source_url column."""
    out = {}
    for row in national_rows():
        out.setdefault("mbo" if row["scope"] == "mbo" else "all", row["source_url"])
    return out


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


def institution_names(session, brins) -> dict[str, str]:
    brins = {b for b in brins if b}
    if not brins:
        return {}
    return dict(session.execute(select(Organisation.identifier, Organisation.name)
                                .where(Organisation.identifier.in_(brins))).all())


def institution_targets(region) -> dict[tuple[str, str], InstitutionTarget]:
    """(school year, BRIN) -> the signed target; {} without an agreement in force."""
    view = agreement_in_force(region, "vsv", TEMPLATE_KEY)
    if view is None:
        return {}
    out = {}
    for year, text in (view.terms.get(INSTITUTION_TERM) or {}).items():
        targets, _problems = parse_institution_targets(text)  # checked when the agreement was drafted
        for target in targets:
            out[(year, target.brin)] = target
    return out


@dataclass
class InstitutionRow:
    school_year: str
    brin: str
    name: str
    participants: int | None
    new_leavers: int | None
    completeness: Completeness  # the region's municipalities that reported figures at this institution
    max_new: int | None
    max_percentage: Decimal | None

    @property
    def reported(self) -> int:
        return self.completeness.reported

    @property
    def verdict(self) -> str:
        """gehaald / niet gehaald only when every municipality reported its figures at the institution."""
        return self.completeness.judge(self.met)

    @property
    def percentage(self) -> Decimal | None:
        return percentage(self.new_leavers, self.participants)

    @property
    def met(self) -> bool | None:
        """Every signed maximum kept; None without a target or without figures."""
        if self.max_new is None and self.max_percentage is None:
            return None
        if self.new_leavers is None:
            return None
        if self.max_new is not None and self.new_leavers > self.max_new:
            return False
        if self.max_percentage is not None and (self.percentage is None or self.percentage > self.max_percentage):
            return False
        return True


def institution_rows(session, region) -> list[InstitutionRow]:
    """Per school year and mbo institution: the summed institution-level figures of the region's municipalities
    against the institution's signed target. The school years with a signed target per institution (every
    institution with a target or figures in them); without such targets, the latest year with figures."""
    goals = institution_targets(region)
    # the school years shown: those with a signed target, or else the latest year with figures (read in SQL)
    years = {year for year, _brin in goals} or (
        select(func.max(VsvFigure.school_year)).where(VsvFigure.region_id == region.id, VsvFigure.brin.is_not(None))
        .scalar_subquery())
    stmt = (select(VsvFigure.school_year, VsvFigure.brin, func.sum(VsvFigure.participants),
                   func.sum(VsvFigure.new_leavers), _ids())
            .where(VsvFigure.region_id == region.id, VsvFigure.brin.is_not(None))
            .group_by(VsvFigure.school_year, VsvFigure.brin))
    stmt = stmt.where(VsvFigure.school_year.in_(years) if isinstance(years, set) else VsvFigure.school_year == years)
    sums, who = {}, {}
    for year, brin, participants, leavers, ids in session.execute(stmt):
        sums[(year, brin)] = (int(participants), int(leavers))
        who[(year, brin)] = _split_ids(ids)
    expected = expected_municipalities(region)
    years = {year for year, _brin in goals} or {year for year, _brin in sums}
    keys = {key for key in set(sums) | set(goals) if key[0] in years}
    names = institution_names(session, {brin for _year, brin in keys})
    rows = []
    for year, brin in keys:
        participants, leavers = sums.get((year, brin), (None, None))
        goal = goals.get((year, brin))
        rows.append(InstitutionRow(year, brin, names.get(brin, brin), participants, leavers,
                                   completeness(expected, who.get((year, brin), ())),
                                   goal.max_new if goal else None, goal.max_percentage if goal else None))
    return sorted(rows, key=lambda r: (r.school_year, r.name, r.brin))
