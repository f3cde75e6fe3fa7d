"""Settings of [instruments.rif] in a region file."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.plugin_api import RegionSettings

MAX_ASSESSMENT_DAYS = 365


@dataclass
class RifSettings(RegionSettings):
    # How many times heavier the entree criterion counts for projects aimed at entree students.
    entree_weight: int = 2
    # Delivered co-financing below this percentage of the pledge is highlighted on the dashboard.
    highlight_below: int = 80
    # Last day to submit applications in this region's call (optional; shown on the pages).
    deadline: dt.date | None = None
    # Day by which the assessors must have scored the submitted applications (optional; in the assessors'
    # task list and reminders). Without it: `assessment_days` after the call's deadline, or after each
    # application's submission when the call has no deadline.
    assessment_deadline: dt.date | None = None
    assessment_days: int = 42
    # The midterm account ("halverwege de looptijd") can be filed from halfway the project's runtime until this
    # many days after; the final account from the project's end date.
    midterm_window_days: int = 90
    # Attachments of an application (PDF, .xlsx): at most this many megabytes each.
    attachment_max_mb: int = 10

    @classmethod
    def from_toml(cls, table: dict):
        """The core converts the values; the assessment period and date are checked against each other here."""
        settings, errors = super().from_toml(table)
        if settings is None:
            return None, errors
        if not 1 <= settings.assessment_days <= MAX_ASSESSMENT_DAYS:
            errors.append(("assessment_days", f"{settings.assessment_days} ligt niet tussen 1 en "
                                              f"{MAX_ASSESSMENT_DAYS} dagen"))
        if not 1 <= settings.midterm_window_days <= MAX_ASSESSMENT_DAYS:
            errors.append(("midterm_window_days", f"{settings.midterm_window_days} ligt niet tussen 1 en "
                                                  f"{MAX_ASSESSMENT_DAYS} dagen"))
        if not 1 <= settings.attachment_max_mb <= 50:
            errors.append(("attachment_max_mb", f"{settings.attachment_max_mb} ligt niet tussen 1 en 50 MB"))
        if (settings.assessment_deadline is not None and settings.deadline is not None
                and settings.assessment_deadline < settings.deadline):
            errors.append(("assessment_deadline", f"{settings.assessment_deadline.isoformat()} ligt vóór de "
                                                  f"indieningsdatum (deadline = {settings.deadline.isoformat()})"))
        return (None, errors) if errors else (settings, [])
