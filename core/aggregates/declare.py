"""plugin_api.Aggregate: what an instrument asks the core to keep summed per region and period."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

ALL_PERIODS = "all"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Aggregate:
    """Sums of one model's rows per region and period, kept up to date by the core.

    name:     unique within the instrument (e.g. "figures"); the reader asks for it by this name.
    model:    a mapped class with a `region_id` column.
    period:   the name of the column that holds the period (a school year, a quarter); None: all rows
              in one period, stored as ALL_PERIODS.
    measures: measure name -> a SQL aggregate over the model's columns (sqlalchemy `func.sum(...)`,
              `func.count()`); each becomes one stored value per (region, period).
    split_by: optionally a column name: one value per distinct value of it, stored as "<measure>:<value>".
    where:    optionally a SQL condition: only the rows it holds for are summed.
    """

    name: str
    model: type
    period: str | None
    measures: Mapping[str, Any] = field(default_factory=dict)
    split_by: str | None = None
    where: Any = None

    def problems(self) -> list[str]:
        """What is wrong with the declaration (empty when it is usable)."""
        out = []
        if not NAME_RE.match(self.name):
            out.append(f"aggregate name '{self.name}' must be lower-case letters, digits and underscores")
        table = getattr(self.model, "__table__", None)
        if table is None or "region_id" not in table.c:
            out.append(f"aggregate '{self.name}': the model must be a mapped class with a region_id column")
            return out
        for column in (self.period, self.split_by):
            if column is not None and not hasattr(self.model, column):
                out.append(f"aggregate '{self.name}': the model has no column '{column}'")
        if not self.measures:
            out.append(f"aggregate '{self.name}' declares no measures")
        for measure in self.measures:
            if not NAME_RE.match(measure):
                out.append(f"aggregate '{self.name}': measure '{measure}' must be lower-case letters, digits and underscores")
        return out
