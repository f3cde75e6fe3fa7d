"""The ministry's decision on an application: granted (with the amount) or refused, dated and reasoned.

Only a holder of rif.decide (the platform role "ministry", and platform admins) decides; the region's
users, its coordinator and the assessors read the outcome on the application page."""
from __future__ import annotations

from flask import flash, redirect, url_for

from core.plugin_api import _, current_user, db_session

from ..access import load_application, may_decide, require
from ..forms import DecisionForm
from ..rules import ASSESSING, CRITERIA, GRANTED, STATUS_LABELS
from . import bp
from .common import _lock, _show
from .workflow import _move, _today


def decision_form(application, formdata=True) -> DecisionForm:
    """The decision form for `application` (formdata=None: empty, as shown first)."""
    form = DecisionForm() if formdata is True else DecisionForm(formdata=None, data={"decided_on": _today()})
    form.requested, form.today = application.requested_subsidy, _today()
    return form


def decision_problem(application) -> str | None:
    """Why no decision can be taken on `application` now, or None."""
    if application.status != ASSESSING:
        return _("Alleen over een aanvraag in beoordeling wordt besloten; deze aanvraag heeft de status "
                 "'%(status)s'.", status=STATUS_LABELS[application.status])
    stored = {s.criterion for s in application.scores}
    missing = [str(c.label) for c in CRITERIA if c.key not in stored]
    if missing:
        return _("De commissie heeft nog niet alle criteria gescoord: %(criteria)s.", criteria=", ".join(missing))
    return None


@bp.route("/<int:rif_application_id>/besluit", methods=["POST"])
def decide(rif_application_id):
    application = load_application(rif_application_id)
    require(may_decide(current_user, application))
    _lock(application)
    problem = decision_problem(application)
    if problem:
        return _show(application, problems=[problem], status=409)
    form = decision_form(application)
    if not form.validate_on_submit():
        return _show(application, decision=form, status=400)
    application.decided_on = form.decided_on.data
    application.granted_subsidy = form.granted_subsidy.data if form.outcome.data == GRANTED else None
    application.decision_reasons = form.reasons.data.strip()
    application.decided_by = current_user.email
    _move(application, form.outcome.data)
    db_session().commit()
    flash(_("Het besluit over %(reference)s is vastgelegd: %(status)s.", reference=application.reference,
            status=STATUS_LABELS[application.status]))
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="besluit"), 303)
