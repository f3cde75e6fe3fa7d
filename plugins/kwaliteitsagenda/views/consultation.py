"""Regional consultation and consent: inviting regional organisations, their responses, the councils' consent,
and drafting the agenda's agreement (only with consent recorded)."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.plugin_api import (Organisation, _, agreement_url, authorize, consortium_organisations, current_region,
                             current_user, db_session, draft_agreement)

from ..agreement import AGENDA_TEMPLATE, agenda_terms, agenda_text
from ..forms import RESPONSE_LABELS, ConsentForm, InviteForm, ResponseForm, SignForm
from ..models import Response
from . import bp
from .agendas import open_agreement, render_agenda
from .common import KEY, load_agenda, may_act


def _today() -> dt.date:
    return dt.date.today()


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/uitnodigen", methods=["GET", "POST"])
def invite(kwaliteitsagenda_agenda_id):
    agenda = load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.edit")
    region = current_region()
    invited = {r.organisation_id for r in agenda.responses}
    candidates = sorted((m.organisation for m in region.members
                         if m.organisation_id != agenda.organisation_id and m.organisation_id not in invited),
                        key=lambda o: (o.kind, o.name))
    form = InviteForm()
    form.organisation.choices = [(o.id, f"{o.name} ({o.identifier})") for o in candidates]
    if form.validate_on_submit():
        response = Response(region_id=agenda.region_id, agenda_id=agenda.id, organisation_id=form.organisation.data,
                            invited_on=_today())
        db_session().add(response)
        db_session().commit()
        flash(_("%(organisation)s is uitgenodigd om op de kwaliteitsagenda te reageren.",
                organisation=db_session().get(Organisation, response.organisation_id).name))
        return redirect(url_for(".show", kwaliteitsagenda_agenda_id=agenda.id), 303)
    return render_template("kwaliteitsagenda/invite.html", region=region, agenda=agenda, form=form,
                           candidates=candidates, allowed=may_act("kwaliteitsagenda.edit", agenda)), \
        400 if form.errors else 200


@bp.route("/reactie/<int:kwaliteitsagenda_response_id>", methods=["GET", "POST"])
def respond(kwaliteitsagenda_response_id):
    region = current_region()
    response = db_session().get(Response, kwaliteitsagenda_response_id)
    if response is None or response.region_id != region.id:
        abort(404)
    authorize("kwaliteitsagenda.view", response)
    form = ResponseForm(obj=response)
    status = 200
    if request.method == "POST":
        authorize("kwaliteitsagenda.respond", response)
        if form.validate():
            response.decision = form.decision.data
            response.text = (form.text.data or "").strip() or None
            response.responded_on = _today()
            db_session().commit()
            flash(_("Uw reactie is opgeslagen."))
            return redirect(url_for(".respond", kwaliteitsagenda_response_id=response.id), 303)
        status = 400
    return render_template("kwaliteitsagenda/respond.html", region=region, response=response,
                           agenda=response.agenda, form=form, labels=RESPONSE_LABELS), status


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/instemming", methods=["GET", "POST"])
def consent(kwaliteitsagenda_agenda_id):
    agenda = load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.consent")
    form = ConsentForm()
    form.today = _today()
    locked = open_agreement(agenda) or agenda.assessed
    status = 200
    if request.method == "POST":
        if locked:
            status = 409
        elif form.validate():
            prefix = form.body.data
            setattr(agenda, f"{prefix}_date", form.decided_on.data)
            setattr(agenda, f"{prefix}_decision", form.decision.data)
            setattr(agenda, f"{prefix}_by", current_user.email)
            db_session().commit()
            flash(_("Het besluit van de %(body)s is vastgelegd.",
                    body=dict(form.body.choices)[prefix].lower()))
            return redirect(url_for(".show", kwaliteitsagenda_agenda_id=agenda.id), 303)
        else:
            status = 400
    return render_template("kwaliteitsagenda/consent.html", region=current_region(), agenda=agenda, form=form,
                           locked=locked, allowed=may_act("kwaliteitsagenda.consent", agenda)), status


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/ondertekening", methods=["POST"])
def sign(kwaliteitsagenda_agenda_id):
    agenda = load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.consent")
    region = current_region()
    if not SignForm().validate_on_submit():
        abort(400)
    problems = []
    if not agenda.consent_recorded:
        problems.append(_("De kwaliteitsagenda kan pas ter ondertekening worden aangeboden als de instemming van "
                          "de ondernemingsraad en van de studentenraad is vastgelegd."))
    if not agenda.goals:
        problems.append(_("De kwaliteitsagenda heeft nog geen doelen."))
    if open_agreement(agenda):
        problems.append(_("Van deze kwaliteitsagenda is al een overeenkomst opgesteld."))
    if problems:
        return render_agenda(agenda, problems, 409)
    consortium = {o.id for o in consortium_organisations(db_session(), region, KEY)}
    parties = [agenda.organisation] + [m.organisation for m in region.members
                                       if m.is_coordinator and m.organisation_id in consortium]
    try:
        made = draft_agreement(region, KEY, AGENDA_TEMPLATE, terms=agenda_terms(agenda), parties=parties,
                               title=f"Kwaliteitsagenda {agenda.organisation.name} {agenda.period}",
                               text=agenda_text(agenda), user=current_user)
    except ValueError as exc:
        db_session().rollback()
        return render_agenda(load_agenda(kwaliteitsagenda_agenda_id), [str(exc)], 409)
    agenda.agreement_id = made.id
    db_session().commit()
    flash(_("De overeenkomst van de kwaliteitsagenda is als concept opgesteld; verstuur haar op de "
            "overeenkomstpagina ter ondertekening."))
    return redirect(agreement_url(KEY, made.id), 303)
