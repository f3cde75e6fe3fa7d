"""A user's dates as an iCalendar document (RFC 5545), made with the icalendar library."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from core.deadlines.collect import user_deadlines


def feed_for(user) -> bytes:
    """Every date that concerns `user` (all-day events), in the current locale."""
    host = urlsplit(current_app.config.get("BASE_URL", "")).hostname or "regioplatform"
    calendar = Calendar()
    calendar.add("prodid", "-//Regioplatform//Deadlines//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Regioplatform: mijn data"))
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for dated in user_deadlines(user):
        d = dated.deadline
        event = Event()
        event.add("uid", f"{dated.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.date)
        event.add("dtend", d.date + dt.timedelta(days=1))
        event.add("summary", f"{d.title} ({dated.region.name})")
        lines = [f"{dated.source_label}: {d.kind_label}"]
        if d.detail:
            lines.append(str(d.detail))
        if d.locks:
            lines.append(_("Na deze dag wordt het vergrendeld."))
        event.add("description", "\n".join(lines))
        if dated.url:
            event.add("url", dated.url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
