"""Pages of the rif instrument, mounted by the core at /regio/<region>/rif/."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from core.plugin_api import (authorize, current_region, current_user, db_session, instrument_settings,
                             may, scoped)

from . import dashboard
from .access import (conflicted, is_assessor, is_coordinator, load_application, may_assess, require,
                     user_roles)
from .forms import (ApplicationForm, AssessorForm, BudgetForm, EditForm, PartnerForm, RemoveLineForm, TransitionForm,
                    midterm_form, score_form)
from .models import Application, Assessor, BudgetLine, Partner, Score, StatusChange
from .rules import (ASSESSING, ASSESSOR, CONCEPT, COST_CATEGORIES, CRITERIA, GRANTED, MIDTERM, PENVOERDER_SIGNATORY,
                    SECTORS, STATUS_LABELS, SUBMITTED, TARGET_GROUPS, TRANSITIONS, euro, finances, share,
                    total_score, weight_of)

bp = Blueprint("rif", __name__, template_folder="templates")


def _settings():
    from .settings import RifSettings

    return instrument_settings() or RifSettings()


@bp.app_template_filter("rif_euro")
def _euro_filter(value):
    return euro(value)


def figures(application: Application):
    costs = sum((line.amount for line in application.budget_lines), 0)
    return finances(costs, application.requested_subsidy,
                    [(p.pledged_cash, p.pledged_in_kind) for p in application.partners])


def _common():
    return dict(STATUS_LABELS=STATUS_LABELS, SECTORS=SECTORS, TARGET_GROUPS=TARGET_GROUPS,
                COST_CATEGORIES=COST_CATEGORIES, region=current_region(), settings=_settings())


# --- list ----------------------------------------------------------------------

def visible_applications(region):
    """What the user sees: their penvoerder's (coordinators: all), those they are a partner in, and
    for assessors every application that is no longer a concept."""
    session = db_session()
    seen = {a.id: a for a in session.scalars(
        scoped(select(Application).where(Application.region_id == region.id), "rif.view"))}
    mine = set(user_roles(current_user))
    if mine:
        for a in session.scalars(select(Application).join(Partner, Partner.application_ref == Application.reference)
                                 .where(Application.region_id == region.id, Partner.partner_id.in_(mine))):
            seen[a.id] = a
    if is_assessor(current_user, region):
        for a in session.scalars(select(Application).where(Application.region_id == region.id,
                                                           Application.status != CONCEPT)):
            seen[a.id] = a
    return sorted(seen.values(), key=lambda a: a.reference)


@bp.route("/")
def index():
    region = authorize("rif.view", current_region())
    applications = visible_applications(region)
    return render_template("rif/index.html", applications=applications, figures=figures,
                           may_create=may(current_user, "rif.edit", region) and bool(_penvoerder_choices(region)),
                           coordinator=is_coordinator(current_user, region),
                           assessor=is_assessor(current_user, region), **_common())


# --- create and edit -------------------------------------------------------------

def _penvoerder_choices(region):
    """mbo institutions of the region for which the user may create applications."""
    orgs = [m.organisation for m in region.members if m.organisation.kind == "mbo"]
    return [(o.id, f"{o.name} ({o.identifier})") for o in sorted(orgs, key=lambda o: o.name)
            if may(current_user, "rif.edit", Application(region_id=region.id, organisation_id=o.id))]


def _next_reference(region) -> str:
    prefix = f"RIF-{region.rmc_code}-"
    count = db_session().scalar(select(func.count(Application.id)).where(Application.reference.like(prefix + "%")))
    number = (count or 0) + 1
    while db_session().scalar(select(Application.id).where(Application.reference == f"{prefix}{number:04d}")):
        number += 1
    return f"{prefix}{number:04d}"


def _fill(application: Application, form) -> None:
    application.title = form.title.data.strip()
    application.description = form.description.data.strip()
    application.sectors = ",".join(form.sectors.data)
    application.target_groups = ",".join(g for g in TARGET_GROUPS if g in form.target_groups.data)
    application.start, application.end = form.start.data, form.end.data
    if form.requested_subsidy.data is not None:
        application.requested_subsidy = form.requested_subsidy.data


@bp.route("/nieuw", methods=["GET", "POST"])
def new():
    region = authorize("rif.edit", current_region())
    form = ApplicationForm()
    form.organisation.choices = _penvoerder_choices(region)
    if form.validate_on_submit():
        application = Application(region_id=region.id, organisation_id=form.organisation.data,
                                  reference=_next_reference(region), status=CONCEPT)
        authorize("rif.edit", application)
        _fill(application, form)
        db_session().add(application)
        db_session().commit()
        flash(f"Aanvraag {application.reference} is aangemaakt als concept. Voeg nu de begroting en de partners toe.")
        return redirect(url_for(".show", rif_application_id=application.id), 303)
    return render_template("rif/form.html", form=form, application=None, **_common()), 400 if form.errors else 200


def _editable(application: Application) -> None:
    require(may(current_user, "rif.edit", application))
    if application.status != CONCEPT:
        abort(409, f"Aanvraag {application.reference} is {STATUS_LABELS[application.status].lower()} "
                   "en kan niet meer worden gewijzigd.")


@bp.route("/<int:rif_application_id>/bewerken", methods=["GET", "POST"])
def edit(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = EditForm(obj=None if request.method == "POST" else application,
                    data=None if request.method == "POST" else {
                        "sectors": application.sector_list, "target_groups": application.target_group_list,
                        "requested_subsidy": application.requested_subsidy})
    if form.validate_on_submit():
        _fill(application, form)
        db_session().commit()
        flash("De aanvraag is opgeslagen.")
        return redirect(url_for(".show", rif_application_id=application.id), 303)
    return render_template("rif/form.html", form=form, application=application, **_common()), \
        400 if form.errors else 200


# --- the application page ----------------------------------------------------------

def _partner_choices(region, application):
    taken = {p.partner_id for p in application.partners}
    orgs = [m.organisation for m in region.members if m.organisation_id not in taken]
    return [(o.id, f"{o.name} ({o.identifier})") for o in sorted(orgs, key=lambda o: (o.kind, o.name))]


def _allowed_transitions(application):
    out = []
    for t in TRANSITIONS.values():
        if application.status not in t.sources:
            continue
        if t.who == PENVOERDER_SIGNATORY and may(current_user, "rif.submit", application):
            out.append(t)
        elif t.who == ASSESSOR and may_assess(current_user, application):
            out.append(t)
    return out


def _show(application, *, budget_form=None, partner_form=None, scores=None, midterm=None, problems=(),
          status=200):
    region = current_region()
    settings = _settings()
    editable = application.status == CONCEPT and may(current_user, "rif.edit", application)
    budget_form = budget_form or BudgetForm(formdata=None)
    partner_form = partner_form or PartnerForm(formdata=None)
    partner_form.partner.choices = _partner_choices(region, application)
    stored = {s.criterion: s.score for s in application.scores}
    assessing = application.status == ASSESSING and may_assess(current_user, application)
    if scores is None and assessing:
        scores = score_form(data={f"score_{k}": str(v) for k, v in stored.items()})
    midterm_allowed = application.status == GRANTED and may(current_user, "rif.cofinance", application)
    if midterm is None and midterm_allowed:
        data = {"reflection": application.reflection, "adjustments": application.adjustments}
        for p in application.partners:
            data[f"delivered_cash_{p.id}"] = p.delivered_cash
            data[f"delivered_in_kind_{p.id}"] = p.delivered_in_kind
        midterm = midterm_form(application.partners, data=data)
    total, maximum = total_score(stored, application.target_group_list, settings.entree_weight)
    return render_template(
        "rif/show.html", application=application, money=figures(application), editable=editable,
        budget_form=budget_form, partner_form=partner_form, transitions=_allowed_transitions(application),
        transition_form=TransitionForm(formdata=None), remove_form=RemoveLineForm(formdata=None),
        scores=scores if assessing else None, stored_scores=stored, total=total, maximum=maximum,
        criteria=[(c, weight_of(c, application.target_group_list, settings.entree_weight)) for c in CRITERIA],
        midterm=midterm if midterm_allowed else None, problems=problems, share=share,
        conflict=is_assessor(current_user, region) and conflicted(current_user, application)
        and not getattr(current_user, "is_platform_admin", False),
        **_common()), status


@bp.route("/<int:rif_application_id>")
def show(rif_application_id):
    return _show(load_application(rif_application_id))


@bp.route("/<int:rif_application_id>/begroting", methods=["POST"])
def add_budget_line(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = BudgetForm()
    if not form.validate_on_submit():
        return _show(application, budget_form=form, status=400)
    db_session().add(BudgetLine(application=application, category=form.category.data,
                                description=(form.description.data or "").strip(), amount=form.amount.data))
    db_session().commit()
    flash(f"Kostenpost van {euro(form.amount.data)} toegevoegd.")
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="begroting"), 303)


@bp.route("/<int:rif_application_id>/partners", methods=["POST"])
def add_partner(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = PartnerForm()
    form.partner.choices = _partner_choices(current_region(), application)
    if not form.validate_on_submit():
        return _show(application, partner_form=form, status=400)
    partner = Partner(region_id=application.region_id, application_ref=application.reference,
                      organisation_id=application.organisation_id, partner_id=form.partner.data,
                      mkb=bool(form.mkb.data), pledged_cash=form.pledged_cash.data,
                      pledged_in_kind=form.pledged_in_kind.data,
                      in_kind_description=(form.in_kind_description.data or "").strip() or None)
    application.partners.append(partner)
    db_session().commit()
    flash("Partner toegevoegd.")
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="partners"), 303)


@bp.route("/<int:rif_application_id>/verwijderen", methods=["POST"])
def remove_line(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = RemoveLineForm()
    if not form.validate_on_submit():
        abort(400)
    kind, _, line_id = form.line.data.partition("-")
    lines = {"budget": application.budget_lines, "partner": application.partners}.get(kind, [])
    line = next((x for x in lines if str(x.id) == line_id), None)
    if line is None:
        abort(404)
    db_session().delete(line)
    db_session().commit()
    flash("De regel is verwijderd.")
    return redirect(url_for(".show", rif_application_id=application.id), 303)


# --- workflow ----------------------------------------------------------------

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
    if application.status not in step.sources:
        return _show(application, problems=[
            f"Een aanvraag met status '{STATUS_LABELS[application.status]}' kan niet naar "
            f"'{STATUS_LABELS[step.to]}'."], status=409)
    problems = []
    if step.to == SUBMITTED:
        if not application.partners:
            problems.append("Voeg minstens één partner met cofinanciering toe.")
        problems += figures(application).problems
    elif step.to in (GRANTED, "afgewezen"):
        stored = {s.criterion for s in application.scores}
        missing = [c.label for c in CRITERIA if c.key not in stored]
        if missing:
            problems.append("Geef eerst een score voor: " + ", ".join(missing) + ".")
    elif step.to == MIDTERM and not (application.reflection or "").strip():
        problems.append("Vul eerst de tussentijdse verantwoording in (geleverde bijdragen en een reflectie).")
    if problems:
        return _show(application, problems=problems, status=400)
    _move(application, step.to)
    db_session().commit()
    flash(f"Aanvraag {application.reference}: {STATUS_LABELS[step.to].lower()}.")
    return redirect(url_for(".show", rif_application_id=application.id), 303)


@bp.route("/<int:rif_application_id>/beoordeling", methods=["POST"])
def assess(rif_application_id):
    application = load_application(rif_application_id)
    require(may_assess(current_user, application))
    if application.status != ASSESSING:
        return _show(application, problems=["Scores kunnen alleen worden gegeven als de aanvraag in beoordeling is."],
                     status=409)
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
    flash("De scores zijn opgeslagen.")
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="beoordeling"), 303)


@bp.route("/<int:rif_application_id>/verantwoording", methods=["POST"])
def midterm(rif_application_id):
    application = load_application(rif_application_id)
    require(may(current_user, "rif.cofinance", application))
    if application.status != GRANTED:
        return _show(application, problems=["De tussentijdse verantwoording kan alleen worden ingevuld als de "
                                            "subsidie is toegekend."], status=409)
    form = midterm_form(application.partners)
    if not form.validate_on_submit():
        return _show(application, midterm=form, status=400)
    application.reflection = form.reflection.data.strip()
    application.adjustments = (form.adjustments.data or "").strip() or None
    for p in application.partners:
        p.delivered_cash = getattr(form, f"delivered_cash_{p.id}").data
        p.delivered_in_kind = getattr(form, f"delivered_in_kind_{p.id}").data
    db_session().commit()
    flash("De tussentijdse verantwoording is opgeslagen.")
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="verantwoording"), 303)


# --- assessors and dashboard ----------------------------------------------------------

@bp.route("/beoordelaars", methods=["GET", "POST"])
def assessors():
    region = authorize("rif.view", current_region())
    require(is_coordinator(current_user, region))
    form = AssessorForm()
    session = db_session()
    if form.validate_on_submit():
        if form.remove.data:
            found = session.scalar(select(Assessor).where(Assessor.region_id == region.id,
                                                          Assessor.id == int(form.remove.data)
                                                          if form.remove.data.isdigit() else False))
            if found is None:
                abort(404)
            session.delete(found)
            session.commit()
            flash(f"{found.email} is geen beoordelaar meer.")
            return redirect(url_for(".assessors"), 303)
        email = (form.email.data or "").strip().lower()
        if not email:
            form.email.errors.append("Vul het e-mailadres van de beoordelaar in.")
        elif session.scalar(select(Assessor.id).where(Assessor.region_id == region.id, Assessor.email == email)):
            form.email.errors.append(f"{email} is al beoordelaar in deze regio.")
        else:
            session.add(Assessor(region_id=region.id, email=email))
            session.commit()
            flash(f"{email} is nu beoordelaar in regio {region.name}.")
            return redirect(url_for(".assessors"), 303)
    listed = session.scalars(select(Assessor).where(Assessor.region_id == region.id).order_by(Assessor.email)).all()
    return render_template("rif/assessors.html", form=form, assessors=listed, **_common()), \
        400 if form.errors else 200


@bp.route("/overzicht")
def overview():
    region = authorize("rif.view", current_region())
    applications = visible_applications(region)
    data = dashboard.build(applications, _settings().highlight_below)
    platform = None
    if getattr(current_user, "is_platform_admin", False):
        platform = dashboard.platform_totals(db_session())
    return render_template("rif/overview.html", data=data, platform=platform, count=len(applications),
                           **_common())


def widget_summary(region) -> dict:
    """The region dashboard card: what the user sees, in three figures."""
    applications = visible_applications(region)
    submitted = [a for a in applications if a.status != CONCEPT]
    granted = [a for a in submitted if a.status in (GRANTED, MIDTERM, "afgerond")]
    return {"applications": len(submitted), "granted": len(granted),
            "subsidy": euro(sum((a.requested_subsidy for a in granted), 0))}
