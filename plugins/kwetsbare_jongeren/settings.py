"""Settings of [instruments.kwetsbare_jongeren] in a region file."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.plugin_api import RegionSettings, lazy_gettext

DEFAULT_TASKS = (
    "Signaleren",
    "Toeleiden naar onderwijs of werk",
    "Begeleiden tijdens de overstap",
    "Nazorg",
)
# The default tasks as pages name them; a region's own tasks (and the stored task) stay as written.
TASK_LABELS = {
    "Signaleren": lazy_gettext("Signaleren"),
    "Toeleiden naar onderwijs of werk": lazy_gettext("Toeleiden naar onderwijs of werk"),
    "Begeleiden tijdens de overstap": lazy_gettext("Begeleiden tijdens de overstap"),
    "Nazorg": lazy_gettext("Nazorg"),
}


@dataclass
class KwetsbareJongerenSettings(RegionSettings):
    """tasks: the rows of the responsibility matrix; period: how counts are reported;
    threshold: counts below it are shown as "<threshold" outside the reporting organisation;
    retention_months / retention_days: `regio purge` removes the counts per municipality of a period that ended
    longer ago (the region and national totals stay); absent: kept (unless the platform sets a default)."""

    tasks: list[str] = field(default_factory=lambda: list(DEFAULT_TASKS))
    period: Literal["schooljaar", "kwartaal"] = "schooljaar"
    threshold: int = 5
    retention_months: int | None = None
    retention_days: int | None = None

    @property
    def task_list(self) -> list[str]:
        """The tasks, trimmed, without empties or duplicates, at most 100 characters each."""
        seen: dict[str, None] = {}
        for task in self.tasks:
            task = " ".join(str(task).split())[:100]
            if task:
                seen.setdefault(task, None)
        return list(seen) or list(DEFAULT_TASKS)

    @property
    def min_count(self) -> int:
        """The suppression threshold, never below 2 (a threshold of 1 would suppress nothing)."""
        return max(int(self.threshold), 2)


def settings_of(region) -> KwetsbareJongerenSettings:
    """This instrument's settings for a region (outside a request too, e.g. demo data)."""
    return KwetsbareJongerenSettings.from_json(region.settings_for("kwetsbare_jongeren"))
