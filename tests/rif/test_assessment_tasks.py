"""The assessors' task "Te beoordelen" (the rif deadlines hook, kind "assess") with a frozen clock: each appointed
assessor who has not scored a submitted application sees it on the home page and is reminded once; scoring
every criterion takes it away; a non-assessor or an assessor at a party of the application never sees it."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import select

from core.cli import main
from core.regions.loader import RegionFileError
from tests.conftest import FIXTURE_REGIONS
from tests.region_files import edit

from .conftest import BASE, appoint, create, email, confirm_pledges
from .test_deadlines import december, set_deadline, words  # noqa: F401  (december: the frozen clock fixture)

SCORES = {f"score_{k}": "4" for k in ("samenwerking", "arbeidsmarkt", "onderwijs", "duurzaamheid", "entree")}


def submitted(app, as_) -> int:
    """An application submitted on 10 December 2026 in rmc-19, with two appointed assessors (one of them at
    the partner); the call's deadline is 15 December, so the assessment is due 42 days later."""
    set_deadline(app, "2026-12-15")
    app_id = create(app, as_)
    appoint(as_, "assessor", "assessor_partner")
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    return app_id


def test_the_assessor_sees_te_beoordelen_until_they_scored_every_criterion(app, as_, december):
    app_id = submitted(app, as_)
    home = words(as_("assessor").get("/"))
    assert "Te beoordelen Vóór 26 januari 2027: Beoordelen RIF-MC19-0001 (Utrecht)" in home
    assert f'href="{BASE}/{app_id}"' in as_("assessor").get("/").get_data(as_text=True)
    for name in ("editor", "other_mbo", "coordinator", "assessor_partner"):  # no assessor, or at the partner
        assert "Te beoordelen" not in words(as_(name).get("/")), name
    calendar = words(as_("other_mbo").get("/regio/rmc-19/kalender?wanneer=alle"))
    assert "Beoordelen RIF-MC19-0001" not in calendar  # private: only whom it concerns
    assert as_("assessor").post(f"{BASE}/{app_id}/status", data={"to": "in_beoordeling"}).status_code == 303
    assert "Beoordelen RIF-MC19-0001" in words(as_("assessor").get("/"))  # started, not yet scored
    assert as_("assessor").post(f"{BASE}/{app_id}/beoordeling", data=SCORES).status_code == 303
    assert "Te beoordelen" not in words(as_("assessor").get("/"))


def test_the_assessment_date_is_the_regions_own_when_it_sets_one(app, as_, december):
    from core.db import db_session
    from core.regions.models import Region, RegionInstrument

    submitted(app, as_)
    with app.app_context():
        session = db_session()
        row = session.scalar(select(RegionInstrument).join(Region, Region.id == RegionInstrument.region_id)
                             .where(Region.slug == "rmc-19", RegionInstrument.instrument_key == "rif"))
        row.settings = {**row.settings, "assessment_deadline": "2027-01-08"}
        session.commit()
    assert "Vóór 8 januari 2027: Beoordelen RIF-MC19-0001" in words(as_("assessor").get("/"))


def test_without_a_call_deadline_the_assessment_is_due_a_period_after_the_submission(app, as_, december):
    app_id = create(app, as_)
    appoint(as_, "assessor")
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    assert "Vóór 21 januari 2027: Beoordelen RIF-MC19-0001" in words(as_("assessor").get("/"))  # 10 Dec + 42


def test_reminders_send_reminds_the_assessor_once(app, as_, december):
    from core.db import db_session
    from core.mail import OutboxMessage

    submitted(app, as_)
    set_deadline(app, "2026-11-30")  # due 11 January 2027; the clock (10 December) is past the call: fine here
    with time_travel(dt.date(2027, 1, 8)):  # 3 days before: the 3-day reminder is due
        for _ in range(2):
            result = app.test_cli_runner().invoke(main, ["reminders", "send"])
            assert result.exit_code == 0, result.output
    with app.app_context():
        mails = [(m.recipients, m.subject) for m in db_session().scalars(select(OutboxMessage))
                 if "Beoordelen RIF-MC19-0001" in m.subject]
    assert mails == [(email("assessor"), "Herinnering: Beoordelen RIF-MC19-0001 op 11 januari 2027")]


def time_travel(day: dt.date):
    import time_machine
    from zoneinfo import ZoneInfo

    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))


@pytest.mark.parametrize("line, error", [
    ("assessment_days = 0", "instruments.rif.assessment_days: 0 ligt niet tussen 1 en 365 dagen"),
    ('deadline = 2027-03-01\nassessment_deadline = 2027-02-01',
     "instruments.rif.assessment_deadline: 2027-02-01 ligt vóór de indieningsdatum (deadline = 2027-03-01)"),
])
def test_an_invalid_assessment_setting_is_the_loaders_one_line_error(app_factory, tmp_path, monkeypatch, line, error):
    monkeypatch.chdir(tmp_path)
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    edit(regions / "rmc-19.toml", "[instruments.rif]\nenabled = true", f"[instruments.rif]\nenabled = true\n{line}")
    with pytest.raises(RegionFileError) as info:
        app_factory(REGIONS_DIR=str(regions))
    assert info.value.errors == [f"regions/rmc-19.toml: {error}"]
