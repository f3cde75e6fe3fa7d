"""Reminders by e-mail: at the region's offsets, in the recipient's language, each sent once."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import select

from core.cli import main
from core.regions.loader import RegionFileError
from core.testing import make_user
from tests.conftest import FIXTURE_REGIONS
from tests.region_files import edit

from .conftest import TODAY, set_settings, text

# The clock fixture stands on 10 December 2026; hello's deadline is 3 days later: the 3-day reminder is due.
DEADLINE = "2026-12-13"


def outbox(app):
    from core.db import db_session
    from core.mail import OutboxMessage

    with app.app_context():
        return [(m.recipients, m.subject, m.body) for m in
                db_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def run(app, *args):
    result = app.test_cli_runner().invoke(main, ["reminders", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_reminder_goes_once_to_each_person_concerned_in_their_language(world, clock):
    app = world.app
    set_settings(app, "rmc-19", "hello", deadline=DEADLINE)
    make_user(app, "editor-en@example.nl", org="GM0310", role="editor")
    english = world.client("editor-en@example.nl")
    english.post("/taal", data={"taal": "en", "next": "/"})
    # The editors of Utrecht and De Bilt and the coordinator (an admin of the RMC, a member of the region).
    assert run(app).startswith("3 herinneringen verstuurd")
    mails = {to: (subject, body) for to, subject, body in outbox(app)}
    assert set(mails) == {"invoer@example.nl", "editor-en@example.nl", "coord@example.nl"}  # no viewer, no signatory
    subject, body = mails["invoer@example.nl"]
    assert subject == "Herinnering: Groeten plaatsen op 13 december 2026"
    assert "over 3 dagen, op 13 december 2026" in body and "http://localhost/regio/rmc-19/hello/" in body
    assert "Na deze dag wordt het vergrendeld." in body
    assert mails["editor-en@example.nl"][0].startswith("Reminder: ")
    # The same day again, or a run after it: nothing new.
    assert run(app).startswith("0 herinneringen verstuurd, 3 al eerder verstuurd")
    assert len(outbox(app)) == 3
    # Two days later the 1-day reminder goes; the day after the date the "missed" one.
    clock.move_to(dt.datetime(2026, 12, 12, 8, 0, tzinfo=dt.timezone.utc))
    run(app)
    clock.move_to(dt.datetime(2026, 12, 14, 8, 0, tzinfo=dt.timezone.utc))
    run(app)
    subjects = [s for to, s, _b in outbox(app) if to == "invoer@example.nl"]
    assert subjects == ["Herinnering: Groeten plaatsen op 13 december 2026", "Herinnering: Groeten plaatsen morgen",
                        "Verlopen: Groeten plaatsen (13 december 2026)"]


def test_a_user_who_switched_a_kind_off_gets_none_of_it(world, clock):
    app = world.app
    set_settings(app, "rmc-19", "hello", deadline=DEADLINE)
    client = world.client("invoer@example.nl")
    page = client.get("/account/herinneringen")
    assert page.status_code == 200 and "Stuur mij herinneringen over" in text(page)
    kept_on = {"sign": "y", "assess": "y", "midterm": "y", "end": "y"}  # "report" unchecked
    assert client.post("/account/herinneringen", data=kept_on).status_code == 303
    assert 'name="report" value="y" checked' not in client.get("/account/herinneringen").get_data(as_text=True)
    run(app)
    assert [to for to, _s, _b in outbox(app)] == ["coord@example.nl"]  # not the editor who switched it off


def test_a_region_without_reminders_sends_none(app_factory, tmp_path, monkeypatch, clock):
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    edit(regions / "rmc-19.toml", "[instruments.hello]", "[reminders]\ndays_before = []\ndays_after = []\n\n[instruments.hello]")
    app = app_factory(REGIONS_DIR=str(regions))
    from core.db import db_session
    from core.regions.sync import sync_regions

    with app.app_context():
        sync_regions(db_session(), app.extensions["regioplatform.regions"])
    set_settings(app, "rmc-19", "hello", deadline=DEADLINE)
    make_user(app, "invoer@example.nl", org="GM0344", role="editor")
    assert run(app).startswith("0 herinneringen verstuurd")


@pytest.mark.parametrize("line, error", [
    ("days_before = [14, 'drie']", "reminders.days_before[1]: 'drie' is geen aantal dagen (een geheel getal van 0 "
                                   "tot en met 365)"),
    ("days_after = [0]", "reminders.days_after[0]: 0 is geen aantal dagen (een geheel getal van 1 tot en met 365)"),
    ("days_before = 14", "reminders.days_before: moet een lijst van aantallen dagen zijn, bv. days_before = "
                         "[14, 3, 1]"),
    ("dagen = [1]", "reminders.dagen: onbekende sleutel (bekend: days_before, days_after)"),
])
def test_an_invalid_offset_is_the_loaders_one_line_error_and_the_app_does_not_start(app_factory, tmp_path,
                                                                                      monkeypatch, line, error):
    monkeypatch.chdir(tmp_path)
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    edit(regions / "rmc-19.toml", "[instruments.hello]", f"[reminders]\n{line}\n\n[instruments.hello]")
    with pytest.raises(RegionFileError) as info:
        app_factory(REGIONS_DIR=str(regions))
    assert info.value.errors == [f"regions/rmc-19.toml: {error}"]


def test_after_a_crash_halfway_the_next_run_sends_the_rest_and_nothing_twice(world, clock, monkeypatch):
    from core.db import db_session
    from core.deadlines import reminders

    app = world.app
    set_settings(app, "rmc-19", "hello", deadline=DEADLINE)
    real_queue, calls = reminders.queue_mail, []

    def crash_on_the_second(session, *args):
        calls.append(args[0])
        if len(calls) == 2:
            raise RuntimeError("the server went down")  # after the claim, before the commit
        return real_queue(session, *args)

    monkeypatch.setattr(reminders, "queue_mail", crash_on_the_second)
    with app.app_context(), pytest.raises(RuntimeError):
        reminders.send_reminders(db_session(), TODAY)
    assert len(outbox(app)) == 1  # the first reminder was committed with its claim; the second's claim was not
    monkeypatch.setattr(reminders, "queue_mail", real_queue)
    with app.app_context():
        report = reminders.send_reminders(db_session(), TODAY)
    assert (report.sent, report.skipped) == (1, 1)
    recipients = [to for to, _s, _b in outbox(app)]
    assert sorted(recipients) == sorted(set(recipients)) == ["coord@example.nl", "invoer@example.nl"]
