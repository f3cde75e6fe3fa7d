"""The workflow of an application: status transitions, assessment and the midterm account."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for

from core.plugin_api import RuleContext, _, current_region, current_user, db_session, may

from ..access import load_application, may_assess, require
from ..deadlines import final_problem, midterm_problem
from ..forms import TransitionForm, midterm_form, score_form
from ..models import Score, StatusChange
from ..rules import (ASSESSING, CLOSED, CRITERIA, DELIVERY_STATES, MIDTERM, PENVOERDER_SIGNATORY, STATUS_LABELS,
                     SUBMITTED, TRANSITIONS)
from ..agreement import confirmations
from . import bp
from .common import submit_checks, _settings, _show, _lock


def _today():
    """The Dutch calendar day the deadlines are checked on (the same day as the region calendar's)."""
    return RuleContext(current_region(), "rif").today


def _move(application, to: str) -> None:
    db_session().add(StatusChange(application=application, from_status=application.status, to_status=to,
                                  actor=current_user.email))
    application.status = to


@bp.route("/<int:rif_application_id>/status", methods=["POST"])
def transition(rif_application_id):
    application = load_application(rif_application_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    step = TRANSITIONS.get(form.to.data)
    if step is None:
        abort(400)
    if step.who == PENVOERDER_SIGNATORY:
        require(may(current_user, "rif.submit", application))
    else:
        require(may_assess(current_user, application))
    _lock(application)
    if application.status not in step.sources:
        return _show(application, problems=[
            _("Een aanvraag met status '%(status)s' kan niet naar '%(to)s'.",
              status=STATUS_LABELS[application.status], to=STATUS_LABELS[step.to])], status=409)
    problems = []
    if step.to == SUBMITTED:
        # partners commit first: only confirmed pledges count, for the one-third rule and the co-financing
        problems += submit_checks(application, confirmations(application))
    elif step.to == MIDTERM:
        early = midterm_problem(application, _today(), _settings())
        if early:
            problems.append(early)
        elif not (application.reflection or "").strip():
            problems.append(_("Vul eerst de tussentijdse verantwoording in (geleverde bijdragen en een reflectie)."))
    elif step.to == CLOSED:
        early = final_problem(application, _today())
        if early:
            problems.append(early)
    if problems:
        return _show(application, problems=problems, status=400)
    _move(application, step.to)
    db_session().commit()
    flash(_("Aanvraag %(reference)s heeft nu de status '%(status)s'.", reference=application.reference,
            status=STATUS_LABELS[step.to]))
    return redirect(url_for(".show", rif_application_id=application.id), 303)


@bp.route("/<int:rif_application_id>/beoordeling", methods=["POST"])
def assess(rif_application_id):
    application = load_application(rif_application_id)
    require(may_assess(current_user, application))
    if application.status != ASSESSING:
        return _show(application, problems=[_("Scores kunnen alleen worden gegeven als de aanvraag in beoordeling "
                                              "is.")], status=409)
    form = score_form()
    if not form.validate_on_submit():
        return _show(application, scores=form, status=400)
    stored = {s.criterion: s for s in application.scores}
    for criterion in CRITERIA:
        value = int(getattr(form, f"score_{criterion.key}").data)
        if criterion.key in stored:
            if stored[criterion.key].score != value:
                stored[criterion.key].score = value
                stored[criterion.key].assessor = current_user.email
        else:
            application.scores.append(Score(criterion=criterion.key, score=value, assessor=current_user.email))
    db_session().commit()
    flash(_("De scores zijn opgeslagen."))
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="beoordeling"), 303)


@bp.route("/<int:rif_application_id>/verantwoording", methods=["POST"])
def midterm(rif_application_id):
    application = load_application(rif_application_id)
    require(may(current_user, "rif.cofinance", application))
    _lock(application)
    if application.status not in DELIVERY_STATES:
        return _show(application, problems=[_("De tussentijdse verantwoording kan alleen worden ingevuld als de "
                                              "subsidie is toegekend.")], status=409)
    early = midterm_problem(application, _today(), _settings())
    if early:
        return _show(application, problems=[early], status=409)
    form = midterm_form(application.partners)
    if not form.validate_on_submit():
        return _show(application, midterm=form, status=400)
    application.reflection = form.reflection.data.strip()
    application.adjustments = (form.adjustments.data or "").strip() or None
    for p in application.partners:
        p.delivered_cash = getattr(form, f"delivered_cash_{p.id}").data
        p.delivered_in_kind = getattr(form, f"delivered_in_kind_{p.id}").data
    db_session().commit()
    flash(_("De tussentijdse verantwoording is opgeslagen."))
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="verantwoording"), 303)
