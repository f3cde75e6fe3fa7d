"""Computed figures: whether a goal is on track, and the summaries per institution, region and the sector.

A goal is on track when its latest realisation that has a richtpunt for the same year reaches that
richtpunt (within the region's `on_track_margin`; for a goal to lower a figure: stays at or below it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, select

from core.plugin_api import db_session

from .models import Agenda, Goal, Realisation

ON_TRACK = "op_koers"
OFF_TRACK = "niet_op_koers"
NO_DATA = "geen_gegevens"


def goal_status(goal: Goal, realised: dict[int, Decimal], margin: Decimal = Decimal("0")) -> str:
    """ON_TRACK, OFF_TRACK or NO_DATA for one goal, given its realisation per year."""
    for year in sorted(realised, reverse=True):
        target = goal.target(year)
        if target is None:
            continue
        value = realised[year]
        ok = value <= target + margin if goal.lower_is_better else value >= target - margin
        return ON_TRACK if ok else OFF_TRACK
    return NO_DATA


def realisations(agenda: Agenda) -> dict[str, dict[int, Decimal]]:
    """goal code -> {year: value} for the agenda (its region, institution and period)."""
    rows = db_session().execute(select(Realisation.goal_code, Realisation.year, Realisation.value).where(
        Realisation.region_id == agenda.region_id, Realisation.organisation_id == agenda.organisation_id,
        Realisation.period == agenda.period))
    out: dict[str, dict[int, Decimal]] = {}
    for code, year, value in rows:
        out.setdefault(code, {})[year] = value
    return out


@dataclass
class Tally:
    """Goals counted by status, with the institutions they belong to (each counted once)."""

    label: str
    institutions: set = field(default_factory=set)
    on_track: int = 0
    off_track: int = 0
    no_data: int = 0
    investment: Decimal = Decimal("0")
    result_dependent: Decimal = Decimal("0")
    is_demo: bool = False

    @property
    def goals(self) -> int:
        return self.on_track + self.off_track + self.no_data

    def add(self, organisation_id: int, status: str) -> None:
        self.institutions.add(organisation_id)
        if status == ON_TRACK:
            self.on_track += 1
        elif status == OFF_TRACK:
            self.off_track += 1
        else:
            self.no_data += 1


def _goal_rows(*conditions):
    """One query: every goal of the agendas matching `conditions`, with its realisations (outer join).

    Yields (agenda, goal, {year: value}) per goal.
    """
    stmt = (select(Agenda, Goal, Realisation.year, Realisation.value)
            .join(Goal, Goal.agenda_id == Agenda.id)
            .outerjoin(Realisation, and_(Realisation.region_id == Agenda.region_id,
                                         Realisation.organisation_id == Agenda.organisation_id,
                                         Realisation.period == Agenda.period, Realisation.goal_code == Goal.code))
            .where(*conditions).order_by(Agenda.id, Goal.code))
    current, agenda, realised = None, None, {}
    for row_agenda, goal, year, value in db_session().execute(stmt):
        if current is not None and goal.id != current.id:
            yield agenda, current, realised
            realised = {}
        current, agenda = goal, row_agenda
        if year is not None:
            realised[year] = value
    if current is not None:
        yield agenda, current, realised


def serving_institutions(region) -> dict[int, object]:
    """id -> organisation of the mbo institutions that serve the region (its members)."""
    return {m.organisation_id: m.organisation for m in region.members if m.organisation.kind == "mbo"}


def region_summary(region, period: str, margin: Decimal) -> list[Tally]:
    """One Tally per institution that serves the region and has an agenda for `period`, by name.

    Agendas drafted in another region count too: the institution serves this region as well.
    """
    serving = serving_institutions(region)
    tallies: dict[int, Tally] = {}
    for agenda, goal, realised in _goal_rows(Agenda.organisation_id.in_(serving), Agenda.period == period):
        tally = tallies.setdefault(agenda.organisation_id, Tally(agenda.organisation.name, is_demo=agenda.is_demo))
        tally.add(agenda.organisation_id, goal_status(goal, realised, margin))
        tally.investment += goal.investment
        tally.result_dependent += goal.result_dependent
    return sorted(tallies.values(), key=lambda t: t.label)


def sector_picture() -> list[tuple[str, str, Tally]]:
    """The sectorbeeld: per period and priority, the goals on track over every agenda in the country.

    Each institution is counted once per period, whichever regions it serves (its agenda is one row).
    """
    tallies: dict[tuple[str, str], Tally] = {}
    for agenda, goal, realised in _goal_rows():
        key = (agenda.period, goal.priority)
        tally = tallies.setdefault(key, Tally(goal.priority))
        tally.add(agenda.organisation_id, goal_status(goal, realised))
        tally.investment += goal.investment
        tally.result_dependent += goal.result_dependent
        tally.is_demo = tally.is_demo or agenda.is_demo
    return [(period, priority, tallies[(period, priority)])
            for period, priority in sorted(tallies, key=lambda k: (k[0], k[1]), reverse=False)]


def sector_institutions() -> dict[str, int]:
    """period -> the number of institutions with an agenda (each once)."""
    out: dict[str, set] = {}
    for period, organisation_id in db_session().execute(select(Agenda.period, Agenda.organisation_id)):
        out.setdefault(period, set()).add(organisation_id)
    return {period: len(ids) for period, ids in out.items()}
