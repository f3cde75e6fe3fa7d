"""A frozen clock and helpers for the deadline tests: region settings set in the database, pages as text."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from tests.core.agreements.conftest import world  # noqa: F401  (rmc-19, hello's consortium, its signatories)

NL = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 12, 10)


@pytest.fixture
def clock():
    """Thursday 10 December 2026, 09:00 in the Netherlands; the test may move it (clock.move_to)."""
    with time_machine.travel(dt.datetime(2026, 12, 10, 9, 0, tzinfo=NL)) as traveller:
        yield traveller


def set_settings(app, region_slug: str, instrument: str, **values) -> None:
    """Change an instrument's stored settings in a region (as `regio regions sync` would from the file)."""
    from core.db import db_session
    from core.regions.models import Region, RegionInstrument

    with app.app_context():
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == region_slug))
        row = session.scalar(select(RegionInstrument).where(RegionInstrument.region_id == region_id,
                                                            RegionInstrument.instrument_key == instrument))
        row.settings = {**(row.settings or {}), **values}
        session.commit()


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())
