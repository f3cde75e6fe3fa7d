"""Settings of [instruments.hello] in a region file."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.plugin_api import RegionSettings


@dataclass
class HelloSettings(RegionSettings):
    greeting: str = "Hallo"
    max_greetings: int = 10
    deadline: dt.date | None = None
    # retention of greetings (the retention_rules hook): absent keeps them
    retention_months: int | None = None
    retention_days: int | None = None
