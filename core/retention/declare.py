"""plugin_api.RetentionRule: which of an instrument's rows are detail, and from which date a row ages."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class RetentionRule:
    """Detailed rows of one model that `regio purge` removes once older than the region's retention period.

    model:      a mapped class with a `region_id` column.
    date:       the name of a Date or DateTime column: a row is as old as that date (rows without one stay); or
    period:     the name of a column holding a period (a school year, a quarter), with
    period_end: a function from a stored period to the date it ended (None: not a period, the rows stay);
                a row is as old as the end of its period.
    where:      optionally a SQL condition: only the rows it holds for are detail (the others always stay).

    The region's period is the instrument's `retention_months` or `retention_days` setting (a field of its
    RegionSettings), else the platform default (config INSTRUMENT_RETENTION_MONTHS, {key: months}); neither:
    nothing goes. The maintained sums over the removed rows stay as they were (sum and count measures).
    """

    model: type
    date: str | None = None
    period: str | None = None
    period_end: Callable[[str], dt.date | None] | None = None
    where: Any = None

    def problems(self) -> list[str]:
        """What is wrong with the declaration (empty when it is usable)."""
        table = getattr(self.model, "__table__", None)
        if table is None or "region_id" not in table.c:
            return ["retention rule: the model must be a mapped class with a region_id column"]
        out = []
        if (self.date is None) == (self.period is None):
            out.append(f"retention rule for {table.name}: give either date or period (with period_end)")
        if self.period is not None and not callable(self.period_end):
            out.append(f"retention rule for {table.name}: period needs a period_end function")
        for column in (self.date, self.period):
            if column is not None and column not in table.c:
                out.append(f"retention rule for {table.name}: the model has no column '{column}'")
        return out
