"""Settings of [instruments.stagepact] in a region file.

The school years are the core's closed set (plugin_api.SchoolYearSettings): from
first_school_year (default 2022-2023: the Stagepact mbo was signed in 2023) up to
the running school year, which institutions may report on as it goes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.plugin_api import SchoolYearSettings

from .models import MEASURE_MAX_LENGTH, MEASURE_SEPARATOR

DEFAULT_MEASURE_KINDS = (
    "Meldpunt bekendgemaakt bij studenten",
    "Voorlichting aan studenten over stagediscriminatie",
    "Training van docenten en stagebegeleiders",
    "Afspraken met leerbedrijven over gelijke behandeling",
    "Gesprek met leerbedrijf na een melding",
    "Samenwerking met SBB bij meldingen",
)


FIRST_SCHOOL_YEAR = "2022-2023"  # the Stagepact mbo was signed in 2023


@dataclass
class StagepactSettings(SchoolYearSettings):
    """measure_kinds:   the kinds of measures institutions tick in the form (they may add free text too);
                        the dashboard counts institutions per kind.
    minimum_reports: the region-wide figures of a school year are shown only when at least this many
                     institutions reported, so that an aggregate never reveals one institution's numbers.
    """

    measure_kinds: list[str] = field(default_factory=lambda: list(DEFAULT_MEASURE_KINDS))
    minimum_reports: int = 2
    first_school_year: str | None = FIRST_SCHOOL_YEAR
    running_school_year: bool = True

    @classmethod
    def from_toml(cls, table: dict):
        settings, errors = super().from_toml(table)
        if settings is None:
            return settings, errors
        problems = []
        seen = set()
        for number, kind in enumerate(settings.measure_kinds, start=1):
            text = kind.strip()
            if not text:
                problems.append(("measure_kinds", f"soort {number} is leeg"))
            elif MEASURE_SEPARATOR in text:
                problems.append(("measure_kinds", f"soort {number} ('{text}') bevat een puntkomma; "
                                                  "die scheidt maatregelen"))
            elif len(text) > MEASURE_MAX_LENGTH:
                problems.append(("measure_kinds", f"soort {number} is langer dan {MEASURE_MAX_LENGTH} tekens"))
            elif text.casefold() in seen:
                problems.append(("measure_kinds", f"soort {number} ('{text}') staat er twee keer in"))
            seen.add(text.casefold())
        if settings.minimum_reports < 1:
            problems.append(("minimum_reports", "moet minstens 1 zijn"))
        if problems:
            return None, problems
        settings.measure_kinds = [k.strip() for k in settings.measure_kinds]
        return settings, []
