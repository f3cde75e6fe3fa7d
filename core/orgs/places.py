"""Where an organisation is: the places of a school's locations, from `places.csv` beside the region files.

`regio regions generate --write` writes that file from the reference data (mbo and vo locations); a
municipality's place is in its own name. Read once per file version; an absent file means no places.
"""
from __future__ import annotations

import csv
from pathlib import Path

from flask import current_app, has_app_context

PLACES_FILE = "places.csv"
_read: dict[Path, tuple[float, dict[str, str]]] = {}


def organisation_places() -> dict[str, str]:
    """identifier -> the places of its locations, casefolded and joined by '; ' (empty without the file)."""
    if not has_app_context():
        return {}
    path = Path(current_app.config["REGIONS_DIR"]) / PLACES_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    kept = _read.get(path)
    if kept is None or kept[0] != mtime:
        with open(path, newline="", encoding="utf-8") as fh:
            places = {row["identifier"]: (row.get("places") or "").casefold() for row in csv.DictReader(fh)}
        kept = _read[path] = (mtime, places)
    return kept[1]
