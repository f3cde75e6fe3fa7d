"""Demo reports for the real mbo institutions of the regions where stagepact is enabled.

No public per-institution figures on internship discrimination exist in the
reference data (../shared/data), so the figures are generated: plausible,
deterministic per institution and school year, and marked `is_demo` (the
pages say so). Idempotent: only missing (institution, school year) rows are added.
"""
from __future__ import annotations

import random

from sqlalchemy import select

from core.plugin_api import DemoConsortiumMember

from .models import Report, join_measures
from .settings import StagepactSettings

DEMO_YEARS = ("2022-2023", "2023-2024", "2024-2025")
# region code -> the demo consortium: (organisation identifier or "<kind>:*", consortium role)
CONSORTIUM = {
    "MC19": [("MC19", "coordinator"), ("mbo:*", "deelnemer")],
    "MC29": [("MC29", "coordinator"), ("mbo:*", "deelnemer")],
}


def demo_data(session, regions) -> list[DemoConsortiumMember]:
    """The demo reports (added here) and the consortium for the core to seat."""
    add_demo_reports(session, regions)
    return [DemoConsortiumMember(region.rmc_code, organisation, role)
            for region in regions for organisation, role in CONSORTIUM.get(region.rmc_code, ())]


def demo_report(region, organisation, year: str, kinds: list[str]) -> Report:
    rng = random.Random(f"stagepact:{organisation.identifier}:{year}")
    step = DEMO_YEARS.index(year)
    teams = rng.randint(18, 110)
    received = rng.randint(0, 6) + teams // 8 + 2 * step
    handled = received - rng.randint(0, min(received, 3))
    forwarded = rng.randint(0, received // 3) if received else 0
    matching = min(teams, round(teams * (0.15 + 0.2 * step + rng.uniform(0, 0.15))))
    has_desk = step > 0 or rng.random() < 0.8
    chosen = rng.sample(list(kinds), k=min(len(kinds), rng.randint(1, 4))) if kinds else []
    if rng.random() < 0.4:
        chosen.append(rng.choice(["Gastlessen door ervaringsdeskundigen",
                                  "Stagebank met erkende, inclusieve leerbedrijven",
                                  "Vertrouwenspersoon bij de stage-afdeling"]))
    return Report(region_id=region.id, organisation_id=organisation.id, school_year=year, has_desk=has_desk,
                  has_procedure=has_desk and (step > 0 or rng.random() < 0.6), reports_received=received,
                  reports_handled=handled, reports_forwarded=forwarded, teams_matching=matching,
                  teams_total=teams, measures=join_measures(chosen), is_demo=True)


def add_demo_reports(session, regions) -> None:
    for region in regions:
        kinds = StagepactSettings.from_json(region.settings_for("stagepact")).measure_kinds
        present = set(session.execute(select(Report.organisation_id, Report.school_year)
                                      .where(Report.region_id == region.id)).all())
        for member in region.members:
            organisation = member.organisation
            if organisation.kind != "mbo":
                continue
            for year in DEMO_YEARS:
                if (organisation.id, year) not in present:
                    session.add(demo_report(region, organisation, year, kinds))
