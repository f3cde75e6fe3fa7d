"""Removing instruments' detailed rows past the retention period of their region (called by `regio purge`).

Per region and instrument (one transaction each): the period is the instrument's `retention_months` or
`retention_days` region setting, else the platform default (config INSTRUMENT_RETENTION_MONTHS, {key: months});
neither: everything stays. Rows of each declared plugin_api.RetentionRule older than the period are deleted
with one DELETE per rule, the maintained sums over them stay as they were (core.aggregates.maintain.retain),
and one audit entry records what went (counts per table, the period and the cut-off date), so the removal is
on the same hash chain as everything else.
"""
from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.aggregates.maintain import retain
from core.audit.store import append_entries
from core.regions.models import Region, RegionInstrument
from core.retention.declare import RetentionRule

log = logging.getLogger("regioplatform.purge")


@dataclass(frozen=True)
class Removed:
    """What one retention action removed: an instrument's detailed rows in one region."""

    instrument: str
    region_slug: str
    cutoff: dt.date
    counts: dict  # table name -> rows removed

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff_for(settings: dict, key: str, config, today: dt.date) -> tuple[dt.date, str] | None:
    """(the date before which rows go, the period as written) for an instrument's settings in a region, or None
    (keep everything) when neither the region nor the platform sets a period."""
    settings = settings or {}
    if settings.get("retention_days") is not None:
        days = int(settings["retention_days"])
        return today - dt.timedelta(days=days), f"{days} dagen"
    months = settings.get("retention_months")
    if months is None:
        months = (config.get("INSTRUMENT_RETENTION_MONTHS") or {}).get(key)
    if months is None:
        return None
    return months_before(today, int(months)), f"{int(months)} maanden"


def _remove(session: Session, rule: RetentionRule, region_id: int, cutoff: dt.date) -> int:
    model = rule.model
    stmt = delete(model).where(model.region_id == region_id)
    if rule.where is not None:
        stmt = stmt.where(rule.where)
    if rule.date is not None:
        column = getattr(model, rule.date)
        stmt = stmt.where(column.is_not(None), column < cutoff)
    else:
        column = getattr(model, rule.period)
        query = select(column).where(model.region_id == region_id).distinct()
        if rule.where is not None:
            query = query.where(rule.where)
        ended = [p for p in session.scalars(query) if p is not None and _ended(rule, p, cutoff)]
        if not ended:
            return 0
        stmt = stmt.where(column.in_(ended))
    return session.execute(stmt.execution_options(synchronize_session=False)).rowcount


def _ended(rule: RetentionRule, period, cutoff: dt.date) -> bool:
    end = rule.period_end(period)
    return end is not None and end < cutoff


def apply(session: Session, rules: dict[str, tuple[RetentionRule, ...]], config,
          now: dt.datetime) -> list[Removed]:
    """Remove every instrument's detailed rows past their region's period, keep the sums, audit and commit each
    (region, instrument) on its own; returns the actions that removed something. `rules`: instrument key ->
    its declared rules."""
    today = now.date()
    done = []
    todo = session.execute(select(Region.id, Region.slug, RegionInstrument.instrument_key, RegionInstrument.settings)
                           .join(RegionInstrument, RegionInstrument.region_id == Region.id)
                           .where(RegionInstrument.instrument_key.in_(sorted(rules)))
                           .order_by(Region.slug, RegionInstrument.instrument_key)).all()
    for region_id, slug, key, settings in todo:
        found = cutoff_for(settings, key, config, today)
        if found is None:
            continue
        cutoff, period = found
        counts = {}
        for rule in rules[key]:
            table = rule.model.__table__.name
            counts[table] = counts.get(table, 0) + retain(
                session, rule.model, {region_id}, lambda rule=rule: _remove(session, rule, region_id, cutoff))
        if not any(counts.values()):
            session.rollback()
            continue
        append_entries(session.connection(), (None, "regio purge"), [{
            "action": "retention", "object_type": key, "object_id": cutoff.isoformat(),
            "region_id": region_id, "organisation_id": None, "before": None,
            "after": {"removed": counts, "period": period, "before_date": cutoff.isoformat()},
        }])
        session.commit()
        log.info("retention: %s in %s: %s removed (older than %s)", key, slug, counts, cutoff.isoformat())
        done.append(Removed(key, slug, cutoff, counts))
    return done
