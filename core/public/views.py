"""The public region page (/openbaar/<region>/, no login) and its coordinators' page in the region.

The public page answers 404 unless the region's coordinators switched it on. It is cached briefly
(Cache-Control public, max-age=300 signed out; signed in, the header names the user and it is not stored).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.agreements.service import in_force_for
from core.authz import authorize
from core.consortia.queries import instruments_with_consortia
from core.db import db_session
from core.public import service
from core.public.forms import PublishForm, SwitchForm
from core.regions.guard import require_instrument
from core.regions.models import Region
from core.security import public

bp = Blueprint("openbaar", __name__, url_prefix="/openbaar")
MAX_AGE = 300


def _instruments(region) -> list:
    return [e for e in current_app.extensions["regioplatform"].ordered() if region.has_instrument(e.key)]


@bp.route("/<region>/")
@public
def region_page(region: str):
    """What the region shows everyone: consortia, agreements in force, published figures."""
    session = db_session()
    found = session.scalar(select(Region).where(Region.slug == region))
    if found is None or not service.is_enabled(session, found.id):
        abort(404)
    entries = _instruments(found)
    consortia = {item["entry"].key: item["consortium"] for item in instruments_with_consortia(found, entries)}
    tables = service.published(session, found.id, [e.key for e in entries])
    sections = [{"entry": e, "members": consortia.get(e.key, []), "agreement": in_force_for(session, found.id, e.key),
                 "tables": tables.get(e.key, [])} for e in entries]
    response = current_app.make_response(render_template("public/region.html", region=found, sections=sections))
    if not current_user.is_authenticated:  # signed in, the header names the user: never stored (core.security)
        g.public_cache = True
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        response.vary.add("Cookie")
    return response


def manage():
    """The coordinators' page: switch the public page on or off, publish complete school years."""
    region = authorize("public.manage", g.region)
    session = db_session()
    entries = _instruments(region)
    enabled, tables = service.state(session, region.id, [e.key for e in entries])
    offered = service.offered_by_instrument(region)
    offers = []
    for entry in entries:
        published = {t.school_year: t for t in tables.get(entry.key, [])}
        offers.append({"entry": entry, "years": [(item, published.get(item.school_year))
                                                 for item in offered.get(entry.key, [])]})
    return render_template("public/manage.html", region=region, enabled=enabled,
                           offers=[o for o in offers if o["years"]], switch_form=SwitchForm(),
                           publish_form=PublishForm())


def switch():
    region = authorize("public.manage", g.region)
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    service.switch(session, region, form.enabled.data == "1")
    session.commit()
    flash(_("De openbare pagina staat aan.") if form.enabled.data == "1" else _("De openbare pagina staat uit."))
    return redirect(url_for("regio.public_manage"))


def publish(instrument: str):
    region = authorize("public.manage", g.region)
    require_instrument(region, instrument)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    try:
        service.publish(session, region, instrument, form.school_year.data, current_user)
    except service.PublishRefused as refused:
        session.rollback()
        flash(str(refused), "error")
        return manage(), 400
    session.commit()
    flash(_("%(year)s is gepubliceerd.", year=form.school_year.data))
    return redirect(url_for("regio.public_manage"))


def add_public_routes(bp_regio: Blueprint) -> None:
    """Add the coordinators' pages to the parent `regio` blueprint (endpoints `regio.public_…`)."""
    bp_regio.add_url_rule("/openbaar", "public_manage", manage)
    bp_regio.add_url_rule("/openbaar/schakelaar", "public_switch", switch, methods=["POST"])
    bp_regio.add_url_rule("/openbaar/<instrument>/publiceren", "public_publish", publish, methods=["POST"])
