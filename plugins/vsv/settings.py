"""Per-region settings of the vsv instrument ([instruments.vsv] in regions/*.toml).

    [instruments.vsv]
    enabled = true
    deadline = 2026-10-01                       # default deadline for every school year
    deadlines = { "2024-2025" = 2025-11-01 }    # per school year (wins over `deadline`)
    first_school_year = "2016-2017"             # the oldest school year accepted (default: the window)
    school_year_window = 5                      # the latest school years open without a deadline
    institution_reporting = true                # figures per mbo institution (BRIN) too
    target_kind = "percentage"                  # "absolute" (max new vsv'ers) or "percentage"

The school years are the core's closed set (plugin_api.SchoolYearSettings): the
form's drop-down, the template's list and the import accept the same years,
never the running school year (its figures are not final). After a school
year's deadline, or once it is older than the window without a deadline of its own, its
figures are locked except for the region's admins (the coordinators).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.plugin_api import SchoolYearSettings


@dataclass
class VsvSettings(SchoolYearSettings):
    """institution_reporting: per BRIN too; target_kind: what the dashboard compares with the signed target
    (absolute number or percentage). The school years and deadlines: SchoolYearSettings."""

    institution_reporting: bool = False
    target_kind: Literal["absolute", "percentage"] = "absolute"
