"""Settings of [instruments.rif] in a region file."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.plugin_api import RegionSettings


@dataclass
class RifSettings(RegionSettings):
    # How many times heavier the entree criterion counts for projects aimed at entree students.
    entree_weight: int = 2
    # Delivered co-financing below this percentage of the pledge is highlighted on the dashboard.
    highlight_below: int = 80
    # Last day to submit applications in this region's call (optional; shown on the pages).
    deadline: dt.date | None = None

