"""Settings of [instruments.kwaliteitsagenda] in a region file: the periods and their priorities.

    [instruments.kwaliteitsagenda]
    enabled = true
    open_periods = ["2024-2027"]                  # periods institutions may draft an agenda for
    on_track_margin = "0"                          # how far below the richtpunt a goal still counts as on track
    report_dates = [2026-03-01, 2027-03-01]        # the yearly realisation is due (region calendar, reminders)
    midterm_date = 2025-12-31                      # the commission's midterm assessment (tussentijdse beoordeling)
    final_date = 2028-06-30                        # the final assessment
    [instruments.kwaliteitsagenda.periods]
    "2024-2027" = ["Kansengelijkheid", "Aansluiting onderwijs-arbeidsmarkt", "Kwaliteit, onderzoek en innovatie"]
    "2015-2018" = ["Professionalisering", "Taal en rekenen", "Bpv", "Excellentie", "Vsv inclusief kwetsbare jongeren",
                   "Studiesucces"]

The periods (calendar years "2024-2027") and their priorities come from here, never from code: a goal
under a priority that does not belong to its agenda's period is refused.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from core.plugin_api import RegionSettings

PERIOD_RE = re.compile(r"^(\d{4})-(\d{4})$")


def period_problem(period) -> str | None:
    """A Dutch reason why `period` is no period ("2024-2027", first year before last), or None."""
    match = PERIOD_RE.match(str(period))
    if not match:
        return f"'{period}' is geen periode (schrijf bv. \"2024-2027\")"
    first, last = int(match.group(1)), int(match.group(2))
    if not first < last <= first + 10:
        return f"'{period}': het eerste jaar moet voor het laatste liggen (hoogstens tien jaar)"
    return None


@dataclass
class KwaliteitsagendaSettings(RegionSettings):
    """periods: period -> its priorities (a TOML table; parsed here, the core has no dict setting);
    open_periods: the periods institutions may draft a new agenda for (default: all);
    on_track_margin: a realisation this far short of the richtpunt still counts as on track;
    report_dates, midterm_date, final_date: the dates in the region calendar (deadlines.py)."""

    periods: dict = field(default_factory=dict)
    open_periods: list[str] = field(default_factory=list)
    on_track_margin: Decimal = Decimal("0")
    report_dates: list[dt.date] = field(default_factory=list)
    midterm_date: dt.date | None = None
    final_date: dt.date | None = None

    @classmethod
    def from_toml(cls, table: dict):
        table = dict(table)
        raw = table.pop("periods", {})
        settings, errors = super().from_toml(table)
        problems = list(errors)
        periods: dict[str, list[str]] = {}
        if not isinstance(raw, dict):
            problems.append(("periods", "moet een tabel zijn: periode = [prioriteiten]"))
            raw = {}
        for period, priorities in raw.items():
            reason = period_problem(period)
            if reason:
                problems.append(("periods", reason))
            elif not isinstance(priorities, list) or not priorities or not all(
                    isinstance(p, str) and p.strip() for p in priorities):
                problems.append(("periods", f"{period}: geef een lijst met ten minste één prioriteit (tekst)"))
            elif len({p.strip().casefold() for p in priorities}) != len(priorities):
                problems.append(("periods", f"{period}: een prioriteit staat er twee keer in"))
            else:
                periods[period] = [p.strip() for p in priorities]
        if settings is not None:
            for period in settings.open_periods:
                if period not in periods:
                    problems.append(("open_periods", f"'{period}' staat niet onder periods"))
            if settings.on_track_margin < 0:
                problems.append(("on_track_margin", "mag niet negatief zijn"))
        if problems:
            return None, problems
        settings.periods = dict(sorted(periods.items(), reverse=True))
        return settings, []

    def to_json(self) -> dict:
        out = super().to_json()
        out["periods"] = dict(self.periods)
        out["report_dates"] = [day.isoformat() for day in self.report_dates]
        return out

    def priorities(self, period: str) -> list[str]:
        return list(self.periods.get(period, ()))

    def draftable(self) -> list[str]:
        """The periods a new agenda may be drafted for, latest first."""
        return [p for p in self.periods if not self.open_periods or p in self.open_periods]
