"""Demo data for `regio demo`: a draft matrix and generated counts, marked as demo data (is_demo).

No real counts per municipality exist in the shared data (see ../shared/data/SOURCES.md,
"What is missing"), so the counts are generated deterministically per municipality and
period, scaled by the region's real share of youth in a vulnerable transition
(data/jikp_rmc_2021_2022.csv, OCW in cijfers). The pages say which figures are demo data.
The matrix uses the region's real organisations (from regions/*.toml); it is a draft,
not a signed agreement.
"""
from __future__ import annotations

import hashlib
import random

from sqlalchemy import select

from core.plugin_api import DemoConsortiumMember

from . import figures as report
from .models import CATEGORIES, ROLE_ACCOUNTABLE, ROLE_EXECUTING, MonitorCount, Responsibility
from .settings import settings_of

LARGE_CITIES = {"GM0363", "GM0599", "GM0518", "GM0344", "GM0772", "GM0855", "GM0014", "GM0034", "GM0153"}
# region code -> the demo consortium: (organisation identifier or "<kind>:*", consortium role)
CONSORTIUM = {"MC19": [("MC19", "coordinator"), ("gemeente:*", "deelnemer"), ("90000012", "partner")]}
SHARES = {"in beeld": 1.0, "begeleid naar onderwijs": 0.42, "begeleid naar werk": 0.24,
          "begeleid naar zorg of dagbesteding": 0.09, "zonder passend aanbod": 0.05}


def _rng(*parts: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big"))


def demo_periods(kind: str) -> tuple[str, ...]:
    if kind == "kwartaal":
        return ("2024-K1", "2024-K2", "2024-K3", "2024-K4")
    return ("2022-2023", "2023-2024", "2024-2025")


def _matrix(session, region, tasks) -> None:
    if session.scalar(select(Responsibility.id).where(Responsibility.region_id == region.id)) is not None:
        return
    orgs = [m.organisation for m in region.members]
    by_kind = {}
    for org in sorted(orgs, key=lambda o: o.name):
        by_kind.setdefault(org.kind, []).append(org)
    rmc = (by_kind.get("rmc") or orgs[:1])[0]
    school = (by_kind.get("mbo") or by_kind.get("vo") or [rmc])[0]
    cells = {}
    for i, task in enumerate(tasks):
        cells[(task, rmc.id)] = ROLE_ACCOUNTABLE if i % 2 == 0 else ROLE_EXECUTING
        if i % 2 == 1:
            cells[(task, school.id)] = ROLE_ACCOUNTABLE
        elif school.id != rmc.id:
            cells[(task, school.id)] = ROLE_EXECUTING
        for org in by_kind.get("gemeente", []) if i in (0, 1) else []:
            cells[(task, org.id)] = ROLE_EXECUTING
        for org in by_kind.get("zorg", []) + by_kind.get("vso", []) + by_kind.get("pro", []) if i in (2, 3) else []:
            cells[(task, org.id)] = ROLE_EXECUTING
        for org in by_kind.get("werkgever", []) if i == 1 else []:
            cells[(task, org.id)] = ROLE_EXECUTING
    for (task, party_id), role in cells.items():
        session.add(Responsibility(region_id=region.id, task=task, party_id=party_id, role=role))


def _counts(session, region, periods) -> None:
    rmc = next((m.organisation for m in region.members if m.organisation.kind == "rmc"), None)
    if rmc is None:
        return
    existing = set(session.execute(  # one count per municipality, period and category, whoever reported it
        select(MonitorCount.municipality, MonitorCount.period, MonitorCount.category)
        .where(MonitorCount.region_id == region.id)))
    jikp = report.jikp_for(region.rmc_code)
    share = float(jikp["percent"]) / 100 if jikp else 0.75
    for code in sorted(report.municipalities(region)):
        rng = _rng("kwetsbare-jongeren-demo", code)
        cohort = rng.randint(25, 260) * (6 if code in LARGE_CITIES else 1)
        for step, period in enumerate(periods):
            in_view = cohort * share * 0.35 * (1 + 0.04 * step) / (4 if "-K" in period else 1)
            for category in CATEGORIES:
                key = (code, period, category)
                if key in existing:
                    continue
                count = max(0, round(in_view * SHARES[category] * rng.uniform(0.8, 1.2)))
                session.add(MonitorCount(region_id=region.id, organisation_id=rmc.id, municipality=code,
                                         period=period, category=category, count=count, is_demo=True))


def demo_data(session, regions) -> list[DemoConsortiumMember]:
    """Add what is missing (idempotent); returns the consortium for the core to seat."""
    for region in regions:
        settings = settings_of(region)
        _matrix(session, region, settings.task_list)
        _counts(session, region, demo_periods(settings.period))
    return [DemoConsortiumMember(region.rmc_code, organisation, role)
            for region in regions for organisation, role in CONSORTIUM.get(region.rmc_code, ())]
