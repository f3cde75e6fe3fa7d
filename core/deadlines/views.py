"""The deadline pages: the region calendar at /regio/<region>/kalender (every enabled instrument's dates and the
core's, filterable), a user's reminder choices and iCal address (/account/herinneringen), and the feed itself
(/agenda/<token>.ics).

The feed's address carries a random token; only its SHA-256 is stored. Making a new address replaces the
old one, revoking deletes it: either way the old address answers 404.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, select
from wtforms import BooleanField

from core.authz import authorize
from core.db import db_session
from core.deadlines import ical
from core.deadlines.collect import CORE, concerns, region_deadlines, roles_of, visible
from core.deadlines.model import KINDS
from core.deadlines.models import CalendarFeed, ReminderOptOut
from core.deadlines.reminders import language_of
from core.forms import DutchForm
from core.identity.models import User, today as netherlands_today
from core.security import public

WHEN = ("komend", "voorbij", "alle")


def calendar():
    """The region's dates, coming first (or past, or all), filtered by instrument and kind."""
    region = authorize("region.view", g.region)
    today = netherlands_today()
    roles = roles_of(current_user, today)
    every = [d for d in region_deadlines(region, today) if visible(d, roles, current_user.email)]
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
                           mine={d.uid for d in every if concerns(d.deadline, roles, current_user.email)},
                           coming=coming if when in ("komend", "alle") else None,
                           past=past if when in ("voorbij", "alle") else None)


def add_calendar_routes(regio: Blueprint) -> None:
    """Add the calendar to the parent `regio` blueprint (endpoint `regio.calendar`)."""
    regio.add_url_rule("/kalender", "calendar", calendar)


# --- the user's reminders and iCal address -----------------------------------------

bp = Blueprint("agenda", __name__)

KIND_HINTS = {
    "report": _l("data waarop cijfers of een rapportage binnen moeten zijn"),
    "sign": _l("afspraken die op uw handtekening wachten"),
    "assess": _l("aanvragen die beoordeeld moeten worden"),
    "midterm": _l("tussentijdse verantwoordingen"),
    "end": _l("afspraken en rollen die aflopen"),
}


class ReminderForm(DutchForm):
    """One check box per kind: checked means reminders of that kind are sent."""


for _kind in KINDS:
    setattr(ReminderForm, _kind, BooleanField(KINDS[_kind], description=KIND_HINTS[_kind]))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _feed_row(user_id: int) -> CalendarFeed | None:
    return db_session().scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))


def _page(form: ReminderForm, *, new_url: str | None = None, status: int = 200):
    return render_template("deadlines/account.html", form=form, feed=_feed_row(current_user.id), new_url=new_url,
                           action_form=DutchForm()), status


@bp.route("/account/herinneringen", methods=["GET", "POST"])
def reminders():
    """Switch reminder e-mails off (or on again) per kind."""
    authorize("account.self")
    session = db_session()
    off = {kind for kind, on in _current_choices().items() if not on}
    form = ReminderForm(data=_current_choices())
    if form.validate_on_submit():
        wanted_off = {kind for kind in KINDS if not getattr(form, kind).data}
        session.execute(delete(ReminderOptOut).where(ReminderOptOut.user_id == current_user.id,
                                                     ReminderOptOut.kind.not_in(wanted_off)))
        for kind in sorted(wanted_off - off):
            session.add(ReminderOptOut(user_id=current_user.id, kind=kind))
        session.commit()
        flash(_("Uw keuze voor herinneringen is opgeslagen."))
        return redirect(url_for(".reminders"), 303)
    return _page(form, status=400 if form.errors else 200)


@bp.route("/account/agenda/nieuw", methods=["POST"])
def feed_new():
    """Make a new secret iCal address (the old one, if any, stops working) and show it once."""
    authorize("account.self")
    if not DutchForm().validate_on_submit():
        abort(400)
    session = db_session()
    token = secrets.token_urlsafe(32)
    row = _feed_row(current_user.id)
    if row is None:
        session.add(CalendarFeed(user_id=current_user.id, token_hash=token_hash(token)))
    else:
        row.token_hash = token_hash(token)
    session.commit()
    new_url = current_app.config.get("BASE_URL", "").rstrip("/") + url_for(".feed", token=token)
    return _page(ReminderForm(formdata=None, data=_current_choices()), new_url=new_url)


def _current_choices() -> dict:
    off = set(db_session().scalars(select(ReminderOptOut.kind).where(ReminderOptOut.user_id == current_user.id)))
    return {kind: kind not in off for kind in KINDS}


@bp.route("/account/agenda/intrekken", methods=["POST"])
def feed_revoke():
    """Revoke the iCal address: it answers 404 from now on."""
    authorize("account.self")
    if not DutchForm().validate_on_submit():
        abort(400)
    db_session().execute(delete(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    db_session().commit()
    flash(_("Uw agenda-adres is ingetrokken; het werkt niet meer."))
    return redirect(url_for(".reminders"), 303)


@bp.route("/agenda/<token>.ics")
@public
def feed(token):
    """The user's dates as iCalendar, for whoever holds the secret address (a calendar app)."""
    row = db_session().scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    user = db_session().get(User, row.user_id) if row is not None else None
    if user is None or not user.active:
        abort(404)
    with force_locale(language_of(user)):
        body = ical.feed_for(user)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="regioplatform.ics"'
    return response
