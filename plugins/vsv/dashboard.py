"""The numbers of the region dashboard: realisation against the signed target, per municipality, per mbo
institution, national context; and the agreement's per-institution targets (parsed and checked here).

Pure reads; the views authorize. Percentages are computed from the summed
counts (never averaged from municipality percentages). The region's and the
municipalities' figures are the rows without a BRIN; an institution's
realisation is the sum of its rows (one per municipality) with its BRIN.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from flask import g, has_app_context
from sqlalchemy import func, select

from core.plugin_api import Organisation, _, agreement_in_force, db_session, lazy_gettext

from .models import VsvFigure, percentage

DATA = Path(__file__).parent / "data"
TEMPLATE_KEY = "vsv-regionale-afspraak"
ABSOLUTE_TERM = "max_new_early_school_leavers"
PERCENTAGE_TERM = "max_percentage"
INSTITUTION_TERM = "institution_targets"
TARGET_YEARS = ("2024-2025", "2025-2026", "2026-2027", "2027-2028")  # the school years an agreement sets targets for

# National context (issue 7; Kamerbrief March 2024 as summarised in data/SOURCES.md).
# Shown on the dashboard in the reader's language (the numbers are written the reader's way in each catalogue).
NATIONAL_TARGETS = (
    (lazy_gettext("Doel van de Tweede Kamer voor 2026"), lazy_gettext("minder dan 18.000 nieuwe vsv'ers")),
    (lazy_gettext("Ambitie van de mbo-instellingen voor 2027"), lazy_gettext("minder dan 20.000 nieuwe vsv'ers")),
    (lazy_gettext("Nu (alle sectoren, 2022-2023)"), lazy_gettext("ongeveer 30.000 nieuwe vsv'ers")),
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
            .where(VsvFigure.region_id == region.id, VsvFigure.brin.is_(None)).group_by(VsvFigure.school_year))
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
    """'and/or': at least one maximum (number or percentage) for at least one school year; every line of the
    per-institution targets well-formed, for an mbo institution of this region."""
    errors = {}
    filled = [v for name in (ABSOLUTE_TERM, PERCENTAGE_TERM)
              for v in (terms.get(name) or {}).values() if v is not None]
    if not filled:
        errors[ABSOLUTE_TERM] = _("vul voor minstens één schooljaar een maximum aantal of een maximum "
                                  "percentage nieuwe vsv'ers in")
    institutions = None
    for year, text in (terms.get(INSTITUTION_TERM) or {}).items():
        if not text:
            continue
        if institutions is None:
            institutions = _allowed_institutions()
        _targets, problems = parse_institution_targets(text, institutions)
        if problems:
            errors[f"{INSTITUTION_TERM}.{year}"] = "; ".join(problems)
    return errors


# --- per-institution targets -----------------------------------------------------------------------------

@dataclass(frozen=True)
class InstitutionTarget:
    brin: str
    max_new: int | None  # at most this many new vsv'ers
    max_percentage: Decimal | None  # at most this percentage of its participants


_BRIN = re.compile(r"^\d{2}[A-Z]{2}$")
_COUNT = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)$")  # 40, 1250 or 1.250
_PERCENT = re.compile(r"^(\d+)(?:[.,](\d+))?%$")  # 2,5% or 2.5%


def parse_institution_targets(text: str, institutions: dict[str, str] | None = None
                              ) -> tuple[list[InstitutionTarget], list[str]]:
    """The targets of one school year, one mbo institution per line: its BRIN code, then a maximum number of
    new vsv'ers and/or a maximum percentage (with %), e.g. "25LH 150 2,5%".

    `institutions` (BRIN -> name) are the institutions allowed; None skips that check. Returns the targets
    and the problems in the reader's language ("regel 2: ..."); the targets are only complete when there are no
    problems.
    """
    targets: list[InstitutionTarget] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line_no, raw in enumerate(str(text or "").splitlines(), start=1):
        line = re.sub(r"\s+%", "%", raw.strip())
        if not line:
            continue
        first, *rest = [t for t in re.split(r"[\s;:]+", line) if t]
        brin = first.upper()
        if not _BRIN.match(brin):
            problems.append(_("regel %(line)s: '%(text)s' is geen BRIN-code van een mbo-instelling (zoals 25LH)",
                              line=line_no, text=first))
            continue
        if institutions is not None and brin not in institutions:
            problems.append(_("regel %(line)s: %(brin)s is geen mbo-instelling van %(where)s",
                              line=line_no, brin=brin, where=_region_phrase()))
            continue
        if brin in seen:
            problems.append(_("regel %(line)s: %(brin)s staat al op regel %(first)s; één regel per instelling",
                              line=line_no, brin=brin, first=seen[brin]))
            continue
        max_new = max_pct = None
        bad = False
        for token in rest:
            count, percent = _COUNT.match(token), _PERCENT.match(token)
            if count and max_new is None:
                max_new = int(token.replace(".", ""))
            elif percent and max_pct is None:
                whole, fraction = percent.group(1), percent.group(2) or ""
                if len(fraction) > 2:
                    problems.append(_("regel %(line)s: gebruik hoogstens 2 decimalen in het percentage "
                                      "('%(token)s')", line=line_no, token=token))
                    bad = True
                    break
                max_pct = Decimal(f"{whole}.{fraction or '0'}").quantize(Decimal("0.01"))
                if max_pct > 100:
                    problems.append(_("regel %(line)s: het percentage %(token)s is meer dan 100%%",
                                      line=line_no, token=token))
                    bad = True
                    break
            elif count or percent:
                problems.append(_("regel %(line)s: geef één maximum aantal en/of één maximum percentage, "
                                  "niet twee", line=line_no))
                bad = True
                break
            else:
                problems.append(_("regel %(line)s: '%(token)s' is geen aantal (zoals 40) of percentage "
                                  "(zoals 2,5%%)", line=line_no, token=token))
                bad = True
                break
        if bad:
            continue
        if max_new is None and max_pct is None:
            problems.append(_("regel %(line)s: zet na %(brin)s een maximum aantal nieuwe vsv'ers (zoals 40) "
                              "en/of een maximum percentage (zoals 2,5%%)", line=line_no, brin=brin))
            continue
        seen[brin] = line_no
        targets.append(InstitutionTarget(brin, max_new, max_pct))
    return targets, problems


def _allowed_institutions() -> dict[str, str]:
    """The mbo institutions a target may name: those of the region being edited (the agreement pages run
    inside a region), or any known mbo institution outside a region's request."""
    region = g.get("region") if has_app_context() else None
    if region is not None:
        return {m.organisation.identifier: m.organisation.name for m in region.members
                if m.organisation.kind == "mbo"}
    return dict(db_session().execute(select(Organisation.identifier, Organisation.name)
                                     .where(Organisation.kind == "mbo")).all())


def _region_phrase() -> str:
    region = g.get("region") if has_app_context() else None
    return _("regio %(name)s", name=region.name) if region is not None else _("het platform")


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
    reported: int  # number of municipalities that reported figures at this institution
    max_new: int | None
    max_percentage: Decimal | None

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
    sums = {
        (year, brin): (int(participants), int(leavers), n)
        for year, brin, participants, leavers, n in session.execute(
            select(VsvFigure.school_year, VsvFigure.brin, func.sum(VsvFigure.participants),
                   func.sum(VsvFigure.new_leavers), func.count(VsvFigure.id))
            .where(VsvFigure.region_id == region.id, VsvFigure.brin.is_not(None))
            .group_by(VsvFigure.school_year, VsvFigure.brin))
    }
    goals = institution_targets(region)
    years = {year for year, _brin in goals} or set(sorted(year for year, _brin in sums)[-1:])
    keys = {key for key in set(sums) | set(goals) if key[0] in years}
    names = institution_names(session, {brin for _year, brin in keys})
    rows = []
    for year, brin in keys:
        participants, leavers, n = sums.get((year, brin), (None, None, 0))
        goal = goals.get((year, brin))
        rows.append(InstitutionRow(year, brin, names.get(brin, brin), participants, leavers, n,
                                   goal.max_new if goal else None, goal.max_percentage if goal else None))
    return sorted(rows, key=lambda r: (r.school_year, r.name, r.brin))
