"""Retention of the monitor counts: a period's counts per municipality go once the period ended longer ago than the
region's `retention_months` (or `retention_days`); the region and national sums stay (the core keeps them)."""
from __future__ import annotations

import datetime as dt

from core.plugin_api import RetentionRule

from .models import MonitorCount
from .sheets import PERIOD_RE

QUARTER_END = {"K1": (3, 31), "K2": (6, 30), "K3": (9, 30), "K4": (12, 31)}


def period_end(period: str) -> dt.date | None:
    """The last day of a school year ("2024-2025": 31 July 2025) or a quarter ("2025-K1": 31 March 2025);
    None for anything else (such rows stay)."""
    match = PERIOD_RE.match(period or "")
    if match is None:
        return None
    first, second = match.groups()
    if second.isdigit():
        return dt.date(int(second), 7, 31)
    month, day = QUARTER_END[second]
    return dt.date(int(first), month, day)


def rules() -> list[RetentionRule]:
    """The counts per municipality, period and category are the detail; the matrix of responsibilities stays."""
    return [RetentionRule(model=MonitorCount, period="period", period_end=period_end)]
