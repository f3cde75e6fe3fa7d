"""The commission's assessment of an agenda: initial, midterm and final, each stored once with its date and
budget consequence, by a platform assessor (platform_role "assessor"), never by a regional user."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for

from core.plugin_api import _, current_region, current_user, db_session

from ..forms import KIND_LABELS, AssessmentForm
from ..models import ASSESSMENT_KINDS, INSUFFICIENT, Assessment
from ..privacy import personal_data
from . import bp
from .common import load_agenda, may_act

REASON_MAX = 2000


def _kind_problem(agenda, kind: str) -> str | None:
    """Why an assessment of `kind` cannot be added now (one of each, in order), or None."""
    done = {a.kind for a in agenda.assessments}
    if kind in done:
        return _("De %(kind)s is al vastgelegd; een beoordeling verandert niet meer.",
                 kind=str(KIND_LABELS[kind]).lower())
    index = ASSESSMENT_KINDS.index(kind)
    if index and ASSESSMENT_KINDS[index - 1] not in done:
        return _("Eerst komt de %(previous)s.", previous=str(KIND_LABELS[ASSESSMENT_KINDS[index - 1]]).lower())
    return None


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/beoordeling", methods=["GET", "POST"])
def assess(kwaliteitsagenda_agenda_id):
    agenda = load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.assess")
    form = AssessmentForm()
    reasons = {goal.code: (request.form.get(f"reason_{goal.id}") or "").strip() for goal in agenda.goals}
    reason_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        ok = form.validate_on_submit()
        if form.kind.data in ASSESSMENT_KINDS:
            problem = _kind_problem(agenda, form.kind.data)
            if problem:
                form.kind.errors = [*form.kind.errors, problem]
                ok = False
        if not agenda.goals:
            form.kind.errors = [*form.kind.errors, _("De kwaliteitsagenda heeft nog geen doelen om te beoordelen.")]
            ok = False
        for goal in agenda.goals:
            if len(reasons[goal.code]) > REASON_MAX:
                reason_errors[goal.code] = _("De motivering is langer dan %(max)s tekens.", max=REASON_MAX)
            elif personal_data(reasons[goal.code]):
                reason_errors[goal.code] = _("De motivering %(problem)s.", problem=personal_data(reasons[goal.code]))
        if form.verdict.data == INSUFFICIENT and not any(reasons.values()) and agenda.goals:
            reason_errors[agenda.goals[0].code] = _("Geef bij een onvoldoende per doel de redenen.")
        if ok and not reason_errors:
            db_session().add(Assessment(
                region_id=agenda.region_id, organisation_id=agenda.organisation_id, agenda_id=agenda.id,
                kind=form.kind.data, assessed_on=dt.date.today(), verdict=form.verdict.data,
                budget_consequence=form.budget_consequence.number,
                reasons={code: text for code, text in reasons.items() if text}, fingerprint=agenda.fingerprint(),
                assessor=current_user.email))
            db_session().commit()
            flash(_("De %(kind)s is vastgelegd.", kind=str(KIND_LABELS[form.kind.data]).lower()))
            return redirect(url_for(".show", kwaliteitsagenda_agenda_id=agenda.id), 303)
        status = 400
    return render_template("kwaliteitsagenda/assess.html", region=current_region(), agenda=agenda, form=form,
                           reasons=reasons, reason_errors=reason_errors,
                           allowed=may_act("kwaliteitsagenda.assess", agenda)), status
