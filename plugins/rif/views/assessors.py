"""The region's beoordelaars (assessors), appointed by the coordinator."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from core.plugin_api import _, add_new, authorize, current_region, current_user, db_session

from ..access import is_coordinator, require
from ..forms import AssessorForm
from ..models import Assessor
from . import bp
from .common import _common


@bp.route("/beoordelaars", methods=["GET", "POST"])
def assessors():
    region = authorize("rif.view", current_region())
    require(is_coordinator(current_user, region))
    form = AssessorForm()
    session = db_session()
    conflict = None
    if form.validate_on_submit():
        if form.remove.data:
            found = session.scalar(select(Assessor).where(Assessor.region_id == region.id,
                                                          Assessor.id == int(form.remove.data)
                                                          if form.remove.data.isdigit() else False))
            if found is None:
                abort(404)
            session.delete(found)
            session.commit()
            flash(_("%(email)s is geen beoordelaar meer.", email=found.email))
            return redirect(url_for(".assessors"), 303)
        email = (form.email.data or "").strip().lower()
        if not email:
            form.email.errors.append(_("Vul het e-mailadres van de beoordelaar in."))
        elif session.scalar(select(Assessor.id).where(Assessor.region_id == region.id, Assessor.email == email)):
            form.email.errors.append(_("%(email)s is al beoordelaar in deze regio.", email=email))
        else:  # someone else appointing the same person at the same moment: their appointment, not a 500
            conflict = add_new(session, Assessor(region_id=region.id, email=email), form, lambda: session.scalar(
                select(Assessor).where(Assessor.region_id == region.id, Assessor.email == email)))
            if conflict is None:
                flash(_("%(email)s is nu beoordelaar in regio %(region)s.", email=email, region=region.name))
                return redirect(url_for(".assessors"), 303)
    listed = session.scalars(select(Assessor).where(Assessor.region_id == region.id).order_by(Assessor.email)).all()
    return render_template("rif/assessors.html", form=form, assessors=listed, conflict=conflict, **_common()), \
        409 if conflict else 400 if form.errors else 200
