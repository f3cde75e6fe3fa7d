"""Region-wide figures of the stagepact instrument: aggregates only, computed, never typed.

The functions take plain rows (no organisation ids) so that what the region
page shows to everyone is built from totals only. A school year with fewer
reports than the region's `minimum_reports` is left out, so a total never
is one institution's numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import String, case, cast, func, select

from core.plugin_api import Completeness, completeness, db_session

from .models import Report, split_measures
from .sheets import percentage

FREE_TEXT = "Andere maatregelen (vrije tekst)"


@dataclass(frozen=True)
class YearFigures:
    school_year: str
    institutions: int
    with_desk: int
    with_procedure: int
    received: int
    handled: int
    forwarded: int
    teams_matching: int
    teams_total: int
    # which of the region's mbo institutions reported (x van de y instellingen); None when not asked for
    completeness: Completeness | None = field(default=None, compare=False)

    @property
    def share_desk(self) -> Decimal | None:
        return percentage(self.with_desk, self.institutions)

    @property
    def share_procedure(self) -> Decimal | None:
        return percentage(self.with_procedure, self.institutions)

    @property
    def share_handled(self) -> Decimal | None:
        return percentage(self.handled, self.received)

    @property
    def share_forwarded(self) -> Decimal | None:
        return percentage(self.forwarded, self.received)

    @property
    def share_matching(self) -> Decimal | None:
        return percentage(self.teams_matching, self.teams_total)

    def judged(self, target) -> str:
        """The share of teams with stagematching against the region's target (a minimum), judged only when
        every institution of the region reported (core's Completeness)."""
        met = None if target is None or self.share_matching is None else self.share_matching >= Decimal(target)
        return self.completeness.verdict_text(met) if self.completeness is not None else "–"


def _as_int(column):
    return func.sum(case((column, 1), else_=0))


def expected_institutions(region) -> dict[int, str]:
    """Organisation id -> name of the institutions expected to report: the region's member mbo institutions."""
    return {m.organisation_id: m.organisation.name for m in region.members if m.organisation.kind == "mbo"}


def _sums():
    return (func.count(Report.id), _as_int(Report.has_desk), _as_int(Report.has_procedure),
            func.sum(Report.reports_received), func.sum(Report.reports_handled), func.sum(Report.reports_forwarded),
            func.sum(Report.teams_matching), func.sum(Report.teams_total))


def region_totals(region_id: int, expected: dict[int, str] | None = None) -> list[YearFigures]:
    """Totals per school year over every institution that reported in the region (oldest first); with
    `expected` (expected_institutions), each year says which of them reported. One statement either way."""
    if expected is None:
        stmt = (select(Report.school_year, *_sums()).where(Report.region_id == region_id)
                .group_by(Report.school_year).order_by(Report.school_year))
        return [YearFigures(year, *(int(v or 0) for v in rest)) for year, *rest in db_session().execute(stmt)]
    # One row per year as well: who reported comes as the institutions' ids joined in one text.
    ids = func.aggregate_strings(cast(Report.organisation_id, String), ",")
    stmt = (select(Report.school_year, *_sums(), ids).where(Report.region_id == region_id)
            .group_by(Report.school_year).order_by(Report.school_year))
    return [YearFigures(year, *(int(v or 0) for v in rest),
                        completeness=completeness(expected, {int(i) for i in (who or "").split(",") if i},
                                                  noun="instelling"))
            for year, *rest, who in db_session().execute(stmt)]


def shown_years(totals: list[YearFigures], minimum: int) -> tuple[list[YearFigures], list[str]]:
    """(years shown, years held back because fewer than `minimum` institutions reported)."""
    shown = [t for t in totals if t.institutions >= minimum]
    return shown, [t.school_year for t in totals if t.institutions < minimum]


def measures_by_kind(region_id: int, years: list[str], kinds: list[str]) -> list[tuple[str, list[int]]]:
    """Per measure kind, per school year: how many institutions reported it; free text counted together."""
    counts = {kind: {y: 0 for y in years} for kind in [*kinds, FREE_TEXT]}
    known = {k.casefold(): k for k in kinds}
    # grouped per text: a row per distinct list of measures in a year, with how many reports have it
    rows = db_session().execute(
        select(Report.school_year, Report.measures, func.count()).where(Report.region_id == region_id,
                                                                         Report.school_year.in_(years))
        .group_by(Report.school_year, Report.measures))
    for year, text, reports in rows:
        found = set()
        for item in split_measures(text):
            found.add(known.get(item.casefold(), FREE_TEXT))
        for kind in found:
            counts[kind][year] += reports
    return [(kind, [counts[kind][y] for y in years]) for kind in [*kinds, FREE_TEXT]]


def has_demo_rows(region_id: int) -> bool:
    return db_session().scalar(
        select(func.count(Report.id)).where(Report.region_id == region_id, Report.is_demo.is_(True))) > 0
