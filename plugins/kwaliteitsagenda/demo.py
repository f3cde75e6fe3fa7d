"""Demo agendas for real mbo institutions of the regions where the kwaliteitsagenda is enabled.

No public per-goal figures of the quality agendas exist in the reference data (../shared/data), so the goals,
targets, budgets and realisations are generated: plausible, deterministic per institution, and marked
`is_demo` (the pages say so). Yuverta serves Utrecht and Rijnmond: its one agenda shows in both regions and
counts once nationally. Idempotent: only missing agendas are added.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import select

from core.plugin_api import DemoConsortiumMember

from .models import CONSENT_GIVEN, SUFFICIENT, Agenda, Assessment, Goal, Realisation
from .settings import KwaliteitsagendaSettings

KEY = "kwaliteitsagenda"
PERIOD = "2024-2027"
INSTITUTIONS = {"MC19": ("25LH", "01OE", "30RN"), "MC29": ("25LP", "00GT")}
GOALS = (  # (title, indicator, baseline, yearly step, lower is better)
    ("Minder voortijdig schoolverlaten in de entreeopleiding", "vsv entree (%)", "9.5", "-0.8", True),
    ("Meer studenten met een stage zonder discriminatie", "studenten met stage binnen 4 weken (%)", "78", "3", False),
    ("Meer opleidingen met een praktijkgericht onderzoek", "opleidingen met lectoraat of praktijkonderzoek", "12",
     "4", False),
)


def demo_data(session, regions) -> list[DemoConsortiumMember]:
    """The demo agendas (added here) and the consortium for the core to seat."""
    for region in regions:
        add_agendas(session, region)
    return [DemoConsortiumMember(region.rmc_code, who, role) for region in regions
            for who, role in ((region.rmc_code, "coordinator"), ("mbo:*", "deelnemer"))]


def add_agendas(session, region) -> None:
    priorities = KwaliteitsagendaSettings.from_json(region.settings_for(KEY)).priorities(PERIOD)
    if not priorities:
        return
    members = {m.organisation.identifier: m.organisation for m in region.members}
    for identifier in INSTITUTIONS.get(region.rmc_code, ()):
        organisation = members.get(identifier)
        if organisation is None or session.scalar(select(Agenda.id).where(
                Agenda.organisation_id == organisation.id, Agenda.period == PERIOD)) is not None:
            continue
        rng = random.Random(f"{KEY}:{identifier}")
        agenda = Agenda(region_id=region.id, organisation_id=organisation.id, period=PERIOD, is_demo=True,
                        works_council_date=dt.date(2024, 3, 12), works_council_decision=CONSENT_GIVEN,
                        works_council_by="demo", student_council_date=dt.date(2024, 3, 19),
                        student_council_decision=CONSENT_GIVEN, student_council_by="demo")
        session.add(agenda)
        session.flush()
        for number, (priority, (title, indicator, base, step, lower)) in enumerate(zip(priorities, GOALS), start=1):
            baseline, step = Decimal(base), Decimal(step)
            targets = {str(year): str(baseline + step * (i + 1)) for i, year in enumerate(range(2024, 2028))}
            session.add(Goal(region_id=region.id, agenda_id=agenda.id, code=f"K{number}", priority=priority,
                             title=title, indicator=indicator, baseline=baseline, targets=targets,
                             lower_is_better=lower, investment=Decimal(rng.randrange(200, 900) * 1000),
                             result_dependent=Decimal(rng.randrange(50, 300) * 1000)))
            for i, year in enumerate((2024, 2025)):
                # mostly on track, sometimes behind (the sign follows the goal's direction)
                drift = Decimal(rng.choice(("0.5", "0.2", "0", "-0.4", "-1.2"))) * (-1 if lower else 1)
                session.add(Realisation(region_id=region.id, organisation_id=organisation.id, period=PERIOD,
                                        goal_code=f"K{number}", year=year, value=baseline + step * (i + 1) + drift,
                                        note="Gegenereerde demorealisatie", is_demo=True))
        session.flush()
        session.refresh(agenda)
        session.add(Assessment(region_id=region.id, organisation_id=organisation.id, agenda_id=agenda.id,
                               kind="initieel", assessed_on=dt.date(2024, 6, 1), verdict=SUFFICIENT,
                               budget_consequence=agenda.investment, reasons={},
                               fingerprint=agenda.fingerprint(), assessor="commissie (demo)"))
