"""Per-region settings of the vsv instrument ([instruments.vsv] in regions/*.toml)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.plugin_api import RegionSettings


@dataclass
class VsvSettings(RegionSettings):
    """deadline: after this date figures are locked except for the region's admins."""

    deadline: dt.date | None = None
