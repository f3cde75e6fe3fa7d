"""RIF dates (the deadlines hook) with a frozen clock: the call's deadline closes submission; a granted project's
midterm account falls halfway its runtime, is the penvoerder's task and cannot be filed before."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from .conftest import BASE, create, grant, text, confirm_pledges

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
    # due when its window closes: 90 days (midterm_window_days) after halfway, 31 January 2027
    assert "In te vullen vóór 1 mei 2027: Tussentijdse verantwoording RIF-MC19-0001 (Utrecht)" in home
    page = words(as_("partner").get(f"{BASE}/{app_id}"))
    assert "halverwege de looptijd: van 31 januari 2027 tot en met 1 mei 2027" in page
    assert "vanaf 31 januari 2028 (de einddatum)" in page
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
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303


def test_the_midterm_window_closes_and_the_final_account_waits_for_the_end(app, as_):
    from core.testing import login

    from .conftest import application, email

    def fresh(name):  # signed in on the travelled-to day (a session from months ago has expired)
        client = app.test_client()
        assert login(client, email(name)).status_code == 302
        return client

    app_id = create(app, as_)  # 1 February 2026 to 31 January 2028: the window is 31 January to 1 May 2027
    grant(app, as_, app_id)
    with time_machine.travel(dt.datetime(2027, 5, 2, 10, 0, tzinfo=NL)):
        editor = fresh("editor")
        late = editor.post(f"{BASE}/{app_id}/verantwoording", data={"reflection": "Te laat."})
        assert late.status_code == 409
        assert ("De termijn voor de tussentijdse verantwoording liep van 31 januari 2027 tot en met 1 mei 2027 en is "
                "voorbij; er is niets opgeslagen.") in words(late)
        assert application(app).reflection is None
    with time_machine.travel(dt.datetime(2027, 5, 1, 10, 0, tzinfo=NL)):  # the last day is still open
        editor, signatory = fresh("editor"), fresh("signatory")
        assert editor.post(f"{BASE}/{app_id}/verantwoording",
                                  data={"reflection": "Op schema."}).status_code == 303
        assert signatory.post(f"{BASE}/{app_id}/status",
                                     data={"to": "tussentijdse_verantwoording"}).status_code == 303
        early = signatory.post(f"{BASE}/{app_id}/status", data={"to": "afgerond"})
        assert early.status_code == 400
        assert ("De eindverantwoording kan pas vanaf de einddatum van het project (31 januari 2028) worden "
                "ingediend.") in words(early)
        calendar = words(signatory.get("/regio/rmc-19/kalender?instrument=rif"))
        assert "Eindverantwoording RIF-MC19-0001" in calendar
    with time_machine.travel(dt.datetime(2028, 1, 31, 10, 0, tzinfo=NL)):
        signatory = fresh("signatory")
        assert signatory.post(f"{BASE}/{app_id}/status", data={"to": "afgerond"}).status_code == 303
    assert application(app).status == "afgerond"
