"""vsv's dates (the deadlines hook): each school year's deadline, for the municipalities' and the RMC's editors,
in the calendar and the task list; the figures lock the day after it (a frozen clock)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from .conftest import COORD, DEBILT, RIJNMOND, UTRECHT, VIEWER, org_id, report, signed_in, text_of

NL = ZoneInfo("Europe/Amsterdam")


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=NL))


def test_the_school_years_deadline_is_a_task_for_the_reporting_editors_only(users):
    app = users
    with at(dt.date(2027, 9, 20)):  # rmc-19: school years without their own deadline lock after 2027-10-01
        for email in (UTRECHT, DEBILT, COORD):
            home = text_of(signed_in(app, email).get("/").get_data(as_text=True))
            assert ("In te vullen vóór 1 oktober 2027: Vsv-cijfers (schooljaren zonder eigen deadline) (Utrecht)"
                    in home), email
        assert "Vsv-cijfers" not in text_of(signed_in(app, VIEWER).get("/").get_data(as_text=True))
        rijnmond = text_of(signed_in(app, RIJNMOND).get("/").get_data(as_text=True))  # their own region's only
        assert "(Rijnmond)" in rijnmond and "(Utrecht)" not in rijnmond
        calendar = text_of(signed_in(app, VIEWER).get("/regio/rmc-19/kalender?wanneer=alle").get_data(as_text=True))
        assert "Vsv-cijfers schooljaar 2024-2025" in calendar and "daarna vergrendeld" in calendar


def test_the_figures_lock_the_day_after_the_deadline_as_the_calendar_says(users):
    app = users
    utrecht = org_id(app, "GM0344")
    with at(dt.date(2027, 10, 1)):  # the deadline day itself is still open
        client = signed_in(app, UTRECHT)
        assert report(client, "2025-2026", utrecht, "1000", "20").status_code == 303
    with at(dt.date(2027, 10, 2)):
        client = signed_in(app, UTRECHT)
        refused = report(client, "2025-2026", utrecht, "1000", "25")
        assert refused.status_code == 400 and "vergrendeld" in text_of(refused.get_data(as_text=True))
        calendar = text_of(client.get("/regio/rmc-19/kalender?wanneer=voorbij").get_data(as_text=True))
        assert "Vsv-cijfers (schooljaren zonder eigen deadline)" in calendar
