"""Per-region settings of the vsv instrument ([instruments.vsv] in regions/*.toml).

    [instruments.vsv]
    enabled = true
    deadline = 2026-10-01                       # default deadline for every school year
    deadlines = { "2024-2025" = 2025-11-01 }    # per school year (wins over `deadline`)
    institution_reporting = true                # figures per mbo institution (BRIN) too
    target_kind = "percentage"                  # "absolute" (max new vsv'ers) or "percentage"

After a school year's deadline its figures are locked except for the region's
admins (the coordinators).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from core.plugin_api import RegionSettings

SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def is_school_year(text: str) -> bool:
    match = SCHOOL_YEAR.match(text)
    return bool(match) and int(match.group(2)) == int(match.group(1)) + 1


@dataclass
class VsvSettings(RegionSettings):
    """deadline: default lock date; deadlines: lock date per school year; institution_reporting: per BRIN too;
    target_kind: what the dashboard compares with the signed target (absolute number or percentage)."""

    deadline: dt.date | None = None
    deadlines: dict[str, dt.date] = field(default_factory=dict)
    institution_reporting: bool = False
    target_kind: Literal["absolute", "percentage"] = "absolute"

    @classmethod
    def from_toml(cls, table: dict):
        """The core converts the plain settings; the per-school-year table is checked here."""
        table = dict(table or {})
        raw = table.pop("deadlines", None)
        settings, errors = super().from_toml(table)
        deadlines: dict[str, dt.date] = {}
        if raw is not None:
            if not isinstance(raw, dict):
                errors.append(("deadlines", "is geen tabel van schooljaar = datum, "
                                            "bv. deadlines = { \"2024-2025\" = 2025-10-01 }"))
            else:
                for year, value in raw.items():
                    if not is_school_year(str(year)):
                        errors.append((f"deadlines.{year}", "is geen schooljaar (zoals 2024-2025)"))
                        continue
                    if isinstance(value, str):
                        try:
                            value = dt.date.fromisoformat(value)
                        except ValueError:
                            pass
                    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                        errors.append((f"deadlines.{year}", f"'{value}' is geen datum (JJJJ-MM-DD)"))
                        continue
                    deadlines[str(year)] = value
        if errors:
            return None, errors
        settings.deadlines = dict(sorted(deadlines.items()))
        return settings, []

    def to_json(self) -> dict:
        out = super().to_json()
        out["deadlines"] = {year: day.isoformat() for year, day in self.deadlines.items()}
        return out

    def deadline_for(self, school_year: str) -> dt.date | None:
        return self.deadlines.get(school_year, self.deadline)

    def locked(self, school_year: str, today: dt.date | None = None) -> bool:
        """True when the deadline of `school_year` has passed (the deadline day itself is still open)."""
        deadline = self.deadline_for(school_year)
        return deadline is not None and (today or dt.date.today()) > deadline
