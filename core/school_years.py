"""School years: one closed set per instrument and region, one normalisation, one message, one lock rule.

The set is defined once, here, and used by every way in: an instrument's form
(a drop-down), the Excel template (its data validation), the import (web and
`regio import`) and later the API.

* Normalisation: "2024-2025", "2024/2025", "2024 - 2025", "24-25", "2024-25" -> "2024-2025".
* The set: from the region's `first_school_year` (when set) or the oldest year of the window
  (`school_year_window` school years) up to the current school year. The running year (a school year
  runs from 1 August to 31 July) belongs to the set only where the instrument's settings say so
  (`running_school_year = true`): figures about a year that has not ended cannot be final.
* A year outside the set, or text that is no school year at all, gets one Dutch message that names the set.
* The lock: a year whose deadline has passed, or that is older than the window without a deadline of its own,
  may be changed only by the region's admin (the caller decides who that is).

An instrument opts in by deriving its settings from `SchoolYearSettings`; an instrument whose settings do not
gets the default window (and no deadlines) from `school_years(...)`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from core.i18n import long_date
from core.regions.settings import RegionSettings

DEFAULT_WINDOW = 5  # school years that stay open without a deadline (and that the set holds by default)
SCHOOL_YEAR_START_MONTH = 8  # a Dutch school year runs from 1 August to 31 July

_YEAR = re.compile(r"^\s*(\d{4}|\d{2})\s*[-/\u2013\u2014]\s*(\d{4}|\d{2})\s*$")


def normalise_school_year(value: Any) -> str | None:
    """The canonical "2024-2025" for text that writes a school year in a common way, else None.

    Accepts a slash or a (long) dash, spaces around it, and two-digit years ("24-25", "2024-25").
    The second year must follow the first.
    """
    if not isinstance(value, str):
        return None
    match = _YEAR.match(value)
    if not match:
        return None
    first_text, second_text = match.groups()
    first = int(first_text) if len(first_text) == 4 else 2000 + int(first_text)
    if len(second_text) == 4:
        second = int(second_text)
    else:  # the same century as the first year, or the next one ("99-00")
        second = first // 100 * 100 + int(second_text)
        if second <= first:
            second += 100
    if second != first + 1:
        return None
    return f"{first}-{second}"


def start_of(school_year: str) -> int:
    """2024 for "2024-2025"."""
    return int(school_year[:4])


def school_year_of(day: dt.date) -> str:
    """The school year `day` falls in (1 August 2025 to 31 July 2026 is "2025-2026")."""
    first = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return f"{first}-{first + 1}"


@dataclass
class SchoolYearSettings(RegionSettings):
    """Settings of an instrument that reports per school year ([instruments.<key>] in a region file).

        first_school_year = "2016-2017"   # the oldest year accepted (default: the oldest of the window)
        school_year_window = 5            # the latest years open without a deadline
        running_school_year = false       # whether the running school year is accepted
        deadline = 2026-10-01             # default deadline of every school year
        deadlines = { "2024-2025" = 2025-11-01 }   # per school year (wins over `deadline`)

    A subclass (itself a dataclass) adds the instrument's own settings.
    """

    first_school_year: str | None = None
    school_year_window: int = DEFAULT_WINDOW
    running_school_year: bool = False
    deadline: dt.date | None = None
    deadlines: dict[str, dt.date] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, table: dict):
        """The core converts the plain settings; the school years and the per-year deadlines are checked here."""
        table = dict(table or {})
        raw = table.pop("deadlines", None)
        settings, errors = super().from_toml(table)
        deadlines = _deadlines(raw, errors)
        if settings is not None:
            first = settings.first_school_year
            if first is not None:
                if normalise_school_year(first) is None:
                    errors.append(("first_school_year", f"'{first}' is geen schooljaar (zoals 2024-2025)"))
                else:
                    settings.first_school_year = normalise_school_year(first)
            if settings.school_year_window < 1:
                errors.append(("school_year_window", "moet 1 of meer zijn"))
        if errors:
            return None, errors
        settings.deadlines = dict(sorted(deadlines.items()))
        return settings, []

    def to_json(self) -> dict:
        out = super().to_json()
        out["deadlines"] = {year: day.isoformat() for year, day in self.deadlines.items()}
        return out

    def deadline_for(self, school_year: str) -> dt.date | None:
        """The day after which `school_year` locks: its own deadline, else the default one, else None."""
        return self.deadlines.get(school_year, self.deadline)

    def school_years(self, today: dt.date) -> "SchoolYears":
        """The closed set on `today`."""
        current = start_of(school_year_of(today))
        last = current if self.running_school_year else current - 1
        open_from = last - self.school_year_window + 1
        first = start_of(self.first_school_year) if self.first_school_year else open_from
        return SchoolYears(first=min(first, last), last=last, open_from=open_from, today=today,
                           deadlines=dict(self.deadlines), deadline=self.deadline)


def _deadlines(raw, errors: list) -> dict[str, dt.date]:
    deadlines: dict[str, dt.date] = {}
    if raw is None:
        return deadlines
    if not isinstance(raw, dict):
        errors.append(("deadlines", "is geen tabel van schooljaar = datum, "
                                    "bv. deadlines = { \"2024-2025\" = 2025-10-01 }"))
        return deadlines
    for year, value in raw.items():
        canonical = normalise_school_year(str(year))
        if canonical is None:
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
        deadlines[canonical] = value
    return deadlines


class InvalidSchoolYear(ValueError):
    """Text that is no school year of the set; str() is the one Dutch message (in the reader's language)."""


@dataclass(frozen=True)
class SchoolYears:
    """The closed set of school years of an instrument in a region on a day, oldest first.

    first, last: the start years of the oldest and the latest school year in the set
    open_from:   the start year of the oldest year that is open without a deadline (the window)
    """

    first: int
    last: int
    open_from: int
    today: dt.date
    deadlines: dict[str, dt.date] = field(default_factory=dict)
    deadline: dt.date | None = None

    @property
    def years(self) -> list[str]:
        """Every school year of the set, oldest first ("2021-2022", ..., "2025-2026")."""
        return [f"{y}-{y + 1}" for y in range(self.first, self.last + 1)]

    @property
    def latest(self) -> str:
        return f"{self.last}-{self.last + 1}"

    def __contains__(self, school_year: object) -> bool:
        return isinstance(school_year, str) and school_year in self.years

    def message(self, value: Any) -> str:
        """The one message for text that is no school year of the set."""
        shown = value if isinstance(value, str) else "" if value is None else str(value)
        shown = shown.strip()
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        return _("'%(value)s' is geen schooljaar dat u kunt invullen: kies een schooljaar van %(first)s tot en "
                 "met %(last)s", value=shown, first=self.years[0], last=self.latest)

    def parse(self, value: Any) -> str:
        """The canonical school year of the set that `value` writes; InvalidSchoolYear (the one message) else."""
        canonical = normalise_school_year(value)
        if canonical is None or canonical not in self:
            raise InvalidSchoolYear(self.message(value))
        return canonical

    def deadline_for(self, school_year: str) -> dt.date | None:
        return self.deadlines.get(school_year, self.deadline)

    def locked(self, school_year: str) -> bool:
        """Closed for everyone but the region's admin: its deadline has passed (the day itself is still open),
        or it is older than the window without a deadline of its own (`deadlines`; the default `deadline`
        does not keep a year before the window open)."""
        deadline = self.deadline_for(school_year)
        if deadline is not None and self.today > deadline:
            return True
        return school_year not in self.deadlines and start_of(school_year) < self.open_from

    def lock_reason(self, school_year: str) -> str:
        """Why `school_year` is locked, in the reader's language (call only for a locked year)."""
        deadline = self.deadline_for(school_year)
        if deadline is not None and self.today > deadline:
            return _("de cijfers van schooljaar %(year)s zijn vergrendeld sinds de deadline van %(date)s; alleen "
                     "de regiobeheerder kan ze nog wijzigen", year=school_year, date=long_date(deadline))
        return _("de cijfers van schooljaar %(year)s zijn vergrendeld: alleen de laatste %(count)s schooljaren "
                 "staan open; alleen de regiobeheerder kan ze nog wijzigen", year=school_year,
                 count=self.last - self.open_from + 1)


def school_years(settings, today: dt.date) -> SchoolYears:
    """The set of an instrument's `settings` on `today`: its own (SchoolYearSettings) or the default window."""
    if isinstance(settings, SchoolYearSettings):
        return settings.school_years(today)
    return _DEFAULT.school_years(today)


_DEFAULT = SchoolYearSettings()
assert dataclasses.is_dataclass(_DEFAULT)
