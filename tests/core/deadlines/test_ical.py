"""The iCal feed per user: a secret address, stored hashed, revocable; the feed parses back with icalendar."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from icalendar import Calendar
from sqlalchemy import select

from .conftest import set_settings, text

FEED_RE = re.compile(r"http://localhost(/agenda/[A-Za-z0-9_-]+\.ics)")


def new_address(client) -> str:
    page = client.post("/account/agenda/nieuw", data={})
    assert page.status_code == 200
    match = FEED_RE.search(page.get_data(as_text=True))
    assert match, "no feed address on the page"
    return match.group(1)


def test_the_feed_holds_the_users_dates_parses_back_and_a_revoked_address_answers_404(world, clock):
    from core.db import db_session
    from core.deadlines.models import CalendarFeed

    set_settings(world.app, "rmc-19", "hello", deadline="2026-12-20")
    editor = world.client("invoer@example.nl")
    path = new_address(editor)
    anonymous = world.app.test_client()  # a calendar app: no session, only the secret address
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert {str(e["UID"]).split("/")[0] for e in events} == {"rmc-19"}  # the user's region only
    greeting, = [e for e in events if str(e["UID"]).startswith("rmc-19/hello/")]
    assert (str(greeting["SUMMARY"]), greeting.decoded("DTSTART")) == ("Groeten plaatsen (Utrecht)", dt.date(2026, 12, 20))
    assert str(greeting["UID"]).startswith("rmc-19/hello/greetings:2026-12-20@")
    assert str(greeting["URL"]) == "http://localhost/regio/rmc-19/hello/nieuw"
    assert greeting.decoded("DTEND") == dt.date(2026, 12, 21)  # an all-day event
    # Only the hash of the token is stored.
    token = path.removeprefix("/agenda/").removesuffix(".ics")
    with world.app.app_context():
        stored = db_session().scalar(select(CalendarFeed.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    # Someone else's feed is not this one: a viewer of Utrecht has no dates.
    viewer_feed = Calendar.from_ical(anonymous.get(new_address(world.client("lezer@example.nl"))).data)
    assert list(viewer_feed.walk("VEVENT")) == []
    # A new address replaces the old one; revoking ends the new one too.
    newer = new_address(editor)
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(newer).status_code == 200
    assert editor.post("/account/agenda/intrekken", data={}).status_code == 303
    assert anonymous.get(newer).status_code == 404
    assert "Agenda-adres maken" in text(editor.get("/account/herinneringen"))


