"""Reading the sums: one query for all of them and one for the regions, kept for the rest of the request.

What a request read is forgotten as soon as it writes sums itself (`forget`, called by maintain), not on
every flush: a page that only reads (the national overview) asks once whatever else it flushes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import g, has_request_context
from sqlalchemy import and_, func, select

from core.aggregates.models import AggregateValue
from core.db import db_session
from core.regions.models import Region, RegionInstrument

_MEMO = "aggregates_read"  # on flask.g: the sums and regions this request read (the page reads them per section)


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
    _by_period: dict[str, dict[tuple[int, str], Decimal]] | None = field(default=None, repr=False, compare=False)

    def _period(self, period: str) -> dict[tuple[int, str], Decimal]:
        if self._by_period is None:
            self._by_period = {}
            for (r, p, m), v in self.values.items():
                self._by_period.setdefault(p, {})[(r, m)] = v
        return self._by_period.get(period, {})

    def periods(self) -> list[str]:
        """Every period any enabled region has a value for, oldest first."""
        self._period("")
        return sorted(self._by_period)

    def value(self, region_id: int, period: str, measure: str) -> Decimal | None:
        return self.values.get((region_id, period, measure))

    def measures(self, period: str) -> list[str]:
        """Every measure with a value in `period` (split measures as "<measure>:<value>")."""
        return sorted({m for _r, m in self._period(period)})

    def reported(self, period: str) -> set[int]:
        """The regions with at least one value in `period` (the completeness of a national figure)."""
        return {r for r, _m in self._period(period)}

    def total(self, period: str, measure: str) -> Decimal | None:
        """The sum over the regions of `measure` in `period`; None when no region has it."""
        found = [v for (_r, m), v in self._period(period).items() if m == measure]
        return sum(found, Decimal(0)) if found else None


def forget() -> None:
    """Drop what this request read (core.aggregates.maintain calls it whenever it writes sums)."""
    if has_request_context():
        g.pop(_MEMO, None)


def _latest(table):
    """Per (instrument, aggregate): the latest period any region where the instrument is enabled has sums for."""
    enabled = RegionInstrument.__table__
    return (select(table.c.instrument, table.c.aggregate, func.max(table.c.period).label("period"))
            .join(enabled, and_(enabled.c.region_id == table.c.region_id, enabled.c.instrument_key == table.c.instrument,
                                enabled.c.enabled.is_(True)))
            .group_by(table.c.instrument, table.c.aggregate).subquery())


def _everything(session, latest_only: bool) -> tuple[dict, dict, dict]:
    memo = g.setdefault(_MEMO, {}) if has_request_context() else None
    if memo is not None and latest_only in memo:
        return memo[latest_only]
    values: dict[tuple[str, str], dict] = {}
    table = AggregateValue.__table__
    stmt = select(table.c.instrument, table.c.aggregate, table.c.region_id, table.c.period, table.c.measure,
                  table.c.value)
    if latest_only:
        latest = _latest(table)
        stmt = stmt.join(latest, and_(latest.c.instrument == table.c.instrument,
                                      latest.c.aggregate == table.c.aggregate, latest.c.period == table.c.period))
    for r in session.connection().execute(stmt):
        values.setdefault((r[0], r[1]), {})[(r[2], r[3], r[4])] = r[5]
    enabled: dict[str, list[RegionRef]] = {}
    known = memo.get(not latest_only) if memo is not None else None
    for rid, slug, name, key, conf in session.execute(
            select(Region.id, Region.slug, Region.name, RegionInstrument.instrument_key, RegionInstrument.settings)
            .join(RegionInstrument, RegionInstrument.region_id == Region.id)
            .where(RegionInstrument.enabled.is_(True)).order_by(Region.name)) if known is None else ():
        enabled.setdefault(key, []).append(RegionRef(rid, slug, name, dict(conf or {})))
    if known is not None:  # the regions are the same for both readings
        enabled = known[1]
    answer = (values, enabled, {})
    if memo is not None:
        memo[latest_only] = answer
    return answer


def aggregate_table(key: str, name: str, session=None, *, latest_only: bool = False) -> AggregateTable:
    """The sums `key` declared as `name`, for the regions where `key` is enabled (others are left out).

    latest_only: only the latest period any of those regions has sums for (what an overview of "now"
    shows; one statement reads it for every instrument).
    """
    values, enabled, tables = _everything(session or db_session(), latest_only)
    if (key, name) not in tables:
        regions = enabled.get(key, [])
        ids = {r.id for r in regions}
        tables[(key, name)] = AggregateTable(regions, {k: v for k, v in values.get((key, name), {}).items()
                                                      if k[0] in ids})
    return tables[(key, name)]
