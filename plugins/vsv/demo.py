"""Demo figures and a signed agreement for `regio demo`: generated, plausible, and marked as demo data.

No real vsv counts per municipality were available (see ../shared/data/SOURCES.md,
"What is missing"), so participants and new vsv'ers are generated deterministically
per municipality and school year. Where the region's real 2016-2017 vsv percentage
is known (data/vsv_rmc_2016_2017_partial.csv), the generated percentages are
centred on it; otherwise on 1.9 %. In regions that report per institution, each
municipality also gets figures per mbo institution of the region: about a third
of its participants, spread over the institutions, with percentages around 4 %
(the real national mbo percentage was 4.6-6.4 % in 2016-2022). The dashboard
says which figures are demo data.

The agreement: in the demo regions whose coordinator and an mbo institution
have demo signatories (Utrecht, Rijnmond) the core signs a vsv agreement whose
targets are derived from the generated 2023-2024 figures (a few per cent fewer
new vsv'ers each year), per institution too where the region reports so.
"""
from __future__ import annotations

import hashlib
import random
from decimal import Decimal

from sqlalchemy import func, select

from core.plugin_api import DemoAgreement, DemoConsortiumMember

from . import figures as dashboard
from .models import VsvFigure, percentage
from .settings import VsvSettings

DEMO_YEARS = ("2021-2022", "2022-2023", "2023-2024", "2024-2025")
KEY = "vsv"
MBO_SHARE = 0.33  # the part of a municipality's participants that is at an mbo institution of the region
# region code -> the mbo institution that signs beside the coordinating RMC (the core's demo users sign for them)
AGREEMENT_PARTIES = {"MC19": "25LH", "MC29": "25LP"}
BASELINE_YEAR = "2023-2024"
# region code -> the demo consortium: (organisation identifier or "<kind>:*", consortium role)
CONSORTIUM = {
    "MC19": [("MC19", "coordinator"), ("gemeente:*", "deelnemer"), ("mbo:*", "deelnemer")],
    "MC29": [("MC29", "coordinator"), ("gemeente:*", "deelnemer"), ("mbo:*", "deelnemer")],
}
LARGE_CITIES = {"GM0363", "GM0599", "GM0518", "GM0344", "GM0772", "GM0855", "GM0014", "GM0034", "GM0153"}


def _rng(*parts: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big"))


def _size(cbs_code: str) -> int:
    """A municipality's number of participants in the first demo year."""
    return _rng("vsv-demo", cbs_code).randint(1_200, 7_500) * (6 if cbs_code in LARGE_CITIES else 1)


def demo_data(session, regions) -> list:
    """The demo: figures (added here), and the consortium and signed agreements for the core to make."""
    add_demo_figures(session, regions)
    return demo_consortium(regions) + demo_agreements(session, regions)


def demo_consortium(regions) -> list[DemoConsortiumMember]:
    return [DemoConsortiumMember(region.rmc_code, organisation, role)
            for region in regions for organisation, role in CONSORTIUM.get(region.rmc_code, ())]


def add_demo_figures(session, regions) -> None:
    """Add the demo figures that are missing (idempotent: existing rows are left alone)."""
    for region in regions:
        base = dashboard.region_2016(region.rmc_code) or Decimal("1.90")
        existing = set(session.execute(
            select(VsvFigure.organisation_id, VsvFigure.school_year).where(VsvFigure.region_id == region.id,
                                                                            VsvFigure.brin.is_(None))))
        for member in region.members:
            org = member.organisation
            if org.kind != "gemeente":
                continue
            participants = _size(org.identifier)
            for step, year in enumerate(DEMO_YEARS):
                if (org.id, year) in existing:
                    continue
                year_rng = _rng("vsv-demo", org.identifier, year)
                size = round(participants * (1 + 0.01 * step) * year_rng.uniform(0.97, 1.03))
                pct = float(base) * year_rng.uniform(0.75, 1.3) * (1.08 if step >= 1 else 1.0)
                leavers = min(size, round(size * pct / 100))
                session.add(VsvFigure(region_id=region.id, organisation_id=org.id, school_year=year,
                                      participants=size, new_leavers=leavers, is_demo=True))

        if VsvSettings.from_json(region.settings_for(KEY)).institution_reporting:
            _add_institution_figures(session, region)


def _add_institution_figures(session, region) -> None:
    institutions = sorted(m.organisation.identifier for m in region.members if m.organisation.kind == "mbo")
    if not institutions:
        return
    weights = {brin: _rng("vsv-demo-weight", brin).uniform(0.3, 1.0) for brin in institutions}
    total = sum(weights.values())
    existing = set(session.execute(
        select(VsvFigure.organisation_id, VsvFigure.school_year, VsvFigure.brin)
        .where(VsvFigure.region_id == region.id, VsvFigure.brin.is_not(None))))
    for member in region.members:
        org = member.organisation
        if org.kind != "gemeente":
            continue
        participants = _size(org.identifier)
        for step, year in enumerate(DEMO_YEARS):
            for brin in institutions:
                if (org.id, year, brin) in existing:
                    continue
                year_rng = _rng("vsv-demo", org.identifier, year, brin)
                size = round(participants * MBO_SHARE * weights[brin] / total * (1 + 0.01 * step)
                             * year_rng.uniform(0.95, 1.05))
                pct = 4.0 * year_rng.uniform(0.7, 1.3)
                leavers = min(size, round(size * pct / 100))
                session.add(VsvFigure(region_id=region.id, organisation_id=org.id, school_year=year, brin=brin,
                                      participants=size, new_leavers=leavers, is_demo=True))


def demo_agreements(session, regions) -> list[DemoAgreement]:
    """A signed agreement for the demo regions that have signatories, with targets from the demo figures."""
    session.flush()
    out = []
    for region in regions:
        institution = AGREEMENT_PARTIES.get(region.rmc_code)
        if institution is None:
            continue
        totals = session.execute(
            select(func.sum(VsvFigure.participants), func.sum(VsvFigure.new_leavers))
            .where(VsvFigure.region_id == region.id, VsvFigure.school_year == BASELINE_YEAR,
                   VsvFigure.brin.is_(None))).one()
        if totals[0] is None:
            continue
        terms = {dashboard.ABSOLUTE_TERM: {}, dashboard.PERCENTAGE_TERM: {}, dashboard.INSTITUTION_TERM: {}}
        per_institution = session.execute(
            select(VsvFigure.brin, func.sum(VsvFigure.participants), func.sum(VsvFigure.new_leavers))
            .where(VsvFigure.region_id == region.id, VsvFigure.school_year == BASELINE_YEAR,
                   VsvFigure.brin.is_not(None)).group_by(VsvFigure.brin).order_by(VsvFigure.brin)).all()
        for step, year in enumerate(dashboard.TARGET_YEARS, start=1):
            factor = Decimal(1) - Decimal("0.03") * step  # 3 % fewer new vsv'ers a year
            terms[dashboard.ABSOLUTE_TERM][year] = int(int(totals[1]) * factor)
            terms[dashboard.PERCENTAGE_TERM][year] = str(_lowered_percentage(totals[1], totals[0], factor))
            lines = [f"{brin} {int(int(leavers) * factor)} "
                     f"{str(_lowered_percentage(leavers, size, factor)).replace('.', ',')}%"
                     for brin, size, leavers in per_institution if size]
            if lines:
                terms[dashboard.INSTITUTION_TERM][year] = "\n".join(lines)
        out.append(DemoAgreement(
            region=region.rmc_code, template=dashboard.TEMPLATE_KEY,
            title=f"Regionale afspraak voortijdig schoolverlaten {region.name} (demo)", terms=terms,
            parties=(region.rmc_code, institution)))
    return out


def _lowered_percentage(leavers, participants, factor: Decimal) -> Decimal:
    return (percentage(int(leavers), int(participants)) * factor).quantize(Decimal("0.01"))
