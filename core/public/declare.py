"""plugin_api.PublicFigures: one school year (or period) an instrument offers for the public region page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from core.instruments import NationalTable


@dataclass(frozen=True)
class PublicFigures:
    """A school year's figures as the public may see them, and whether they may be published yet.

    `complete`: every organisation that should report did (the instrument's own completeness rule); a
    publish of an incomplete year is refused with `reason` (the reader's language). `table()` returns the
    figures already suppressed by the instrument's own small-number rule: the core stores exactly that
    table when a coordinator publishes, and the public page shows only stored tables.
    """

    school_year: str
    complete: bool
    table: Callable[[], NationalTable]
    reason: str = ""
