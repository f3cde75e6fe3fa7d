"""Reading the sums: one query for all of them and one for the regions, kept for the rest of the request."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from core.aggregates.models import AggregateValue
from core.db import db_session
from core.regions.models import Region, RegionInstrument
from core.request_memo import request_memo


@dataclass(frozen=True)
class RegionRef:
    """A region as the national overview names it."""

    id: int
    slug: str
    name: str
    settings: dict = field(default_factory=dict, compare=False)  # the instrument's settings in this region


@dataclass
class AggregateTable:
    """One instrument's sums of one aggregate, for the regions where the instrument is enabled.

    `regions` are sorted by name; `values` maps (region id, period, measure) to a Decimal.
    """

    regions: list[RegionRef]
    values: dict[tuple[int, str, str], Decimal] = field(default_factory=dict)

    def periods(self) -> list[str]:
        """Every period any enabled region has a value for, oldest first."""
        return sorted({period for _r, period, _m in self.values})

    def value(self, region_id: int, period: str, measure: str) -> Decimal | None:
        return self.values.get((region_id, period, measure))

    def measures(self, period: str) -> list[str]:
        """Every measure with a value in `period` (split measures as "<measure>:<value>")."""
        return sorted({m for _r, p, m in self.values if p == period})

    def reported(self, period: str) -> set[int]:
        """The regions with at least one value in `period` (the completeness of a national figure)."""
        return {r for r, p, _m in self.values if p == period}

    def total(self, period: str, measure: str) -> Decimal | None:
        """The sum over the regions of `measure` in `period`; None when no region has it."""
        found = [v for (r, p, m), v in self.values.items() if p == period and m == measure]
        return sum(found, Decimal(0)) if found else None


def _everything(session) -> tuple[dict, dict]:
    memo = request_memo("aggregates", session)
    if memo is not None and "all" in memo:
        return memo["all"]
    values: dict[tuple[str, str], dict] = {}
    for r in session.execute(select(AggregateValue.instrument, AggregateValue.aggregate, AggregateValue.region_id,
                                    AggregateValue.period, AggregateValue.measure, AggregateValue.value)):
        values.setdefault((r[0], r[1]), {})[(r[2], r[3], r[4])] = Decimal(r[5])
    enabled: dict[str, list[RegionRef]] = {}
    for rid, slug, name, key, conf in session.execute(
            select(Region.id, Region.slug, Region.name, RegionInstrument.instrument_key, RegionInstrument.settings)
            .join(RegionInstrument, RegionInstrument.region_id == Region.id)
            .where(RegionInstrument.enabled.is_(True)).order_by(Region.name)):
        enabled.setdefault(key, []).append(RegionRef(rid, slug, name, dict(conf or {})))
    answer = (values, enabled)
    if memo is not None:
        memo["all"] = answer
    return answer


def aggregate_table(key: str, name: str, session=None) -> AggregateTable:
    """The sums `key` declared as `name`, for the regions where `key` is enabled (others are left out)."""
    values, enabled = _everything(session or db_session())
    regions = enabled.get(key, [])
    ids = {r.id for r in regions}
    return AggregateTable(regions, {k: v for k, v in values.get((key, name), {}).items() if k[0] in ids})
