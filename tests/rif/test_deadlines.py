"""RIF dates (the deadlines hook) with a frozen clock: the call's deadline closes submission; a granted project's
midterm account falls halfway its runtime, is the penvoerder's task and cannot be filed before."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from .conftest import BASE, create, grant, text

NL = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def december():
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, 0, tzinfo=NL)):
        yield


def set_deadline(app, day: str) -> None:
    from core.db import db_session
    from core.regions.models import Region, RegionInstrument

    with app.app_context():
        session = db_session()
        row = session.scalar(select(RegionInstrument).join(Region, Region.id == RegionInstrument.region_id)
                             .where(Region.slug == "rmc-19", RegionInstrument.instrument_key == "rif"))
        row.settings = {**row.settings, "deadline": day}
        session.commit()


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_the_midterm_falls_halfway_the_runtime_and_cannot_be_filed_before(app, as_, december):
    app_id = create(app, as_)  # runs from 1 February 2026 to 31 January 2028
    grant(app, as_, app_id)
    home = words(as_("editor").get("/"))
    assert "In te vullen vóór 31 januari 2027: Tussentijdse verantwoording RIF-MC19-0001 (Utrecht)" in home
    assert "Tussentijdse verantwoording" not in words(as_("partner").get("/"))  # a partner is not the penvoerder
    early = as_("editor").post(f"{BASE}/{app_id}/verantwoording", data={"reflection": "Te vroeg."})
    assert early.status_code == 409
    assert ("De tussentijdse verantwoording kan pas vanaf 31 januari 2027 worden ingediend: halverwege de looptijd "
            "van het project (1 februari 2026 tot 31 januari 2028).") in words(early)
    refused = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "tussentijdse_verantwoording"})
    assert refused.status_code == 400 and "kan pas vanaf 31 januari 2027" in words(refused)


def test_the_calls_deadline_closes_submission_and_is_in_the_calendar(app, as_, december):
    set_deadline(app, "2026-12-09")
    app_id = create(app, as_)
    refused = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    assert refused.status_code == 400
    assert "De uiterste indieningsdatum van deze regio (9 december 2026) is voorbij" in words(refused)
    calendar = words(as_("editor").get("/regio/rmc-19/kalender?wanneer=voorbij&instrument=rif"))
    assert "Uiterste indieningsdatum RIF-aanvragen" in calendar
    set_deadline(app, "2026-12-10")  # the deadline day itself is still open
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
