"""The region calendar at /regio/<region>/kalender: every enabled instrument's dates and the core's, filterable."""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request
from flask_login import current_user

from core.authz import authorize
from core.deadlines.collect import CORE, concerns, region_deadlines, roles_of, visible
from core.deadlines.model import KINDS
from core.identity.models import today as netherlands_today

WHEN = ("komend", "voorbij", "alle")


def calendar():
    """The region's dates, coming first (or past, or all), filtered by instrument and kind."""
    region = authorize("region.view", g.region)
    today = netherlands_today()
    roles = roles_of(current_user, today)
    every = [d for d in region_deadlines(region, today) if visible(d, roles)]
    registry = current_app.extensions["regioplatform"]
    sources = [(e.key, e.info.name) for e in registry.ordered() if region.has_instrument(e.key)]
    source = request.args.get("instrument", "")
    kind = request.args.get("soort", "")
    when = request.args.get("wanneer", "komend")
    source = source if source in {k for k, _n in sources} | {CORE} else ""
    kind = kind if kind in KINDS else ""
    when = when if when in WHEN else "komend"
    shown = [d for d in every if (not source or d.source == source) and (not kind or d.deadline.kind == kind)]
    coming = [d for d in shown if d.deadline.date >= today]
    past = list(reversed([d for d in shown if d.deadline.date < today]))
    return render_template("deadlines/calendar.html", region=region, today=today, sources=sources, kinds=KINDS,
                           source=source, kind=kind, when=when, core_source=CORE,
                           mine={d.uid for d in every if concerns(d.deadline, roles)},
                           coming=coming if when in ("komend", "alle") else None,
                           past=past if when in ("voorbij", "alle") else None)


def add_calendar_routes(bp: Blueprint) -> None:
    """Add the calendar to the parent `regio` blueprint (endpoint `regio.calendar`)."""
    bp.add_url_rule("/kalender", "calendar", calendar)
