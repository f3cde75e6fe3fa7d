"""Demo figures for `regio demo`: generated, plausible, and marked as demo data (is_demo).

No real vsv counts per municipality were available (see ../shared/data/SOURCES.md,
"What is missing"), so participants and new vsv'ers are generated deterministically
per municipality and school year. Where the region's real 2016-2017 vsv percentage
is known (data/vsv_rmc_2016_2017_partial.csv), the generated percentages are
centred on it; otherwise on 1.9 %. The dashboard says which figures are demo data.
"""
from __future__ import annotations

import hashlib
import random
from decimal import Decimal

from sqlalchemy import select

from . import dashboard
from .models import VsvFigure

DEMO_YEARS = ("2021-2022", "2022-2023", "2023-2024", "2024-2025")
LARGE_CITIES = {"GM0363", "GM0599", "GM0518", "GM0344", "GM0772", "GM0855", "GM0014", "GM0034", "GM0153"}


def _rng(*parts: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big"))


def add_demo_figures(session, regions) -> None:
    """Add the demo figures that are missing (idempotent: existing rows are left alone)."""
    for region in regions:
        base = dashboard.region_2016(region.rmc_code) or Decimal("1.90")
        existing = set(session.execute(
            select(VsvFigure.organisation_id, VsvFigure.school_year).where(VsvFigure.region_id == region.id)))
        for member in region.members:
            org = member.organisation
            if org.kind != "gemeente":
                continue
            rng = _rng("vsv-demo", org.identifier)
            participants = rng.randint(1_200, 7_500) * (6 if org.identifier in LARGE_CITIES else 1)
            for step, year in enumerate(DEMO_YEARS):
                if (org.id, year) in existing:
                    continue
                year_rng = _rng("vsv-demo", org.identifier, year)
                size = round(participants * (1 + 0.01 * step) * year_rng.uniform(0.97, 1.03))
                pct = float(base) * year_rng.uniform(0.75, 1.3) * (1.08 if step >= 1 else 1.0)
                leavers = min(size, round(size * pct / 100))
                session.add(VsvFigure(region_id=region.id, organisation_id=org.id, school_year=year,
                                      participants=size, new_leavers=leavers, is_demo=True))
