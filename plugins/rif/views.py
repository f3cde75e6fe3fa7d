"""Pages of the rif instrument, mounted by the core at /regio/<region>/rif/."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from core.plugin_api import (Region, _, authorize, consortium_organisations, current_region, current_user, db_session,
                             draft_agreement, euro, instrument_settings, may, ngettext, scoped)

from . import agreement as cooperation
from . import dashboard
from .access import (conflicted, is_assessor, is_coordinator, load_application, may_assess, require,
                     user_roles)
from .forms import (ApplicationForm, AssessorForm, BudgetForm, DraftAgreementForm, EditForm, PartnerForm,
                    RemoveLineForm, TransitionForm, midterm_form, score_form)
from .models import Application, Assessor, BudgetLine, Partner, Score, StatusChange
from .rules import (ASSESSING, ASSESSOR, CONCEPT, COST_CATEGORIES, CRITERIA, DELIVERY_STATES, EMPTY_BUDGET, GRANTED,
                    MIDTERM, NO_SUBSIDY, NOT_COVERED, OVER_A_THIRD, PENVOERDER_SIGNATORY, SECTORS, STATUS_LABELS,
                    SUBMITTED, TARGET_GROUPS, TRANSITIONS, ZERO, finances, share, total_score, weight_of)

bp = Blueprint("rif", __name__, template_folder="templates")


def _settings():
    from .settings import RifSettings

    return instrument_settings() or RifSettings()


def figures(application: Application):
    costs = sum((line.amount for line in application.budget_lines), 0)
    return finances(costs, application.requested_subsidy,
                    [(p.pledged_cash, p.pledged_in_kind) for p in application.partners])


def money_problems(money) -> list[str]:
    """What the rules (rules.finances) object to in the figures, in the reader's language and notation."""
    said = {
        EMPTY_BUDGET: lambda: _("De begroting is leeg: voeg minstens één kostenpost toe."),
        NO_SUBSIDY: lambda: _("De aangevraagde subsidie is nog niet ingevuld."),
        OVER_A_THIRD: lambda: _("De aangevraagde subsidie (%(requested)s) is meer dan een derde van de projectkosten "
                                "(%(costs)s); het maximum is %(maximum)s.", requested=euro(money.requested),
                                costs=euro(money.costs), maximum=euro(money.maximum)),
        NOT_COVERED: lambda: _("De cofinanciering (%(pledged)s) dekt de rest van de projectkosten (%(needed)s) niet: "
                               "er ontbreekt %(shortfall)s.", pledged=euro(money.pledged), needed=euro(money.needed),
                               shortfall=euro(money.shortfall)),
    }
    return [said[issue]() for issue in money.issues]


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
                           assessor=is_assessor(current_user, region),
                           platform_admin=may(current_user, "admin.access"), **_common())


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
        flash(_("Aanvraag %(reference)s is aangemaakt als concept. Voeg nu de begroting en de partners toe.",
                reference=application.reference))
        return redirect(url_for(".show", rif_application_id=application.id), 303)
    return render_template("rif/form.html", form=form, application=None, **_common()), 400 if form.errors else 200


def _editable(application: Application) -> None:
    require(may(current_user, "rif.edit", application))
    if application.status != CONCEPT:
        abort(409, _("Aanvraag %(reference)s heeft de status '%(status)s' en kan niet meer worden gewijzigd.",
                     reference=application.reference, status=STATUS_LABELS[application.status]))


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
        flash(_("De aanvraag is opgeslagen."))
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
    midterm_allowed = application.status in DELIVERY_STATES and may(current_user, "rif.cofinance", application)
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
        cooperation=_cooperation(application), draft_form=DraftAgreementForm(formdata=None),
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
    flash(_("Kostenpost van %(amount)s toegevoegd.", amount=euro(form.amount.data)))
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
    flash(_("Partner toegevoegd."))
    return redirect(url_for(".show", rif_application_id=application.id, _anchor="partners"), 303)


@bp.route("/<int:rif_application_id>/verwijderen", methods=["POST"])
def remove_line(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = RemoveLineForm()
    if not form.validate_on_submit():
        abort(400)
    kind, _dash, line_id = form.line.data.partition("-")
    lines = {"budget": application.budget_lines, "partner": application.partners}.get(kind, [])
    line = next((x for x in lines if str(x.id) == line_id), None)
    if line is None:
        abort(404)
    db_session().delete(line)
    db_session().commit()
    flash(_("De regel is verwijderd."))
    return redirect(url_for(".show", rif_application_id=application.id), 303)


# --- workflow ----------------------------------------------------------------

def _lock(application) -> None:
    """Take the application's row lock (PostgreSQL) and re-read it: a transition and an Excel import of
    its co-financing (whose rules lock the same row) are serialised, so neither decides on a stale state."""
    db_session().scalar(select(Application).where(Application.id == application.id)
                        .with_for_update(of=Application).execution_options(populate_existing=True))


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
        if not application.partners:
            problems.append(_("Voeg minstens één partner met cofinanciering toe."))
        problems += money_problems(figures(application))
    elif step.to in (GRANTED, "afgewezen"):
        stored = {s.criterion for s in application.scores}
        missing = [str(c.label) for c in CRITERIA if c.key not in stored]
        if missing:
            problems.append(_("Geef eerst een score voor: %(criteria)s.", criteria=", ".join(missing)))
    elif step.to == MIDTERM and not (application.reflection or "").strip():
        problems.append(_("Vul eerst de tussentijdse verantwoording in (geleverde bijdragen en een reflectie)."))
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


# --- the samenwerkingsovereenkomst ------------------------------------------------------

def may_draft_agreement(user, application) -> bool:
    """The penvoerder's signatories (who commit it) and the region's coordinators."""
    return may(user, "rif.submit", application) or is_coordinator(user, current_region())


def _consortium_ids(region) -> set[int]:
    return {o.id for o in consortium_organisations(db_session(), region, "rif")}


def _cooperation(application) -> dict:
    """What the application page shows about the agreement: its signing status, or what drafting would do."""
    linked = application.agreement
    if linked is not None:
        version = linked.leading
        signatures = {s.organisation_id: s for s in version.signatures}
        parties = sorted(version.party_rows, key=lambda p: p.organisation.name)
        return {"agreement": linked, "version": version, "parties": parties, "signatures": signatures,
                "signed": sum(1 for p in parties if p.organisation_id in signatures),
                "may_draft": linked.status == cooperation.ENDED and application.status in cooperation.AGREEMENT_STATES
                and may_draft_agreement(current_user, application)}
    out = {"agreement": None, "may_draft": False}
    if application.status in cooperation.AGREEMENT_STATES and may_draft_agreement(current_user, application):
        parties, left_out = cooperation.split_parties(application, _consortium_ids(current_region()))
        out.update(may_draft=True, parties=parties, left_out=left_out,
                   penvoerder_in=application.organisation in parties)
    return out


@bp.route("/<int:rif_application_id>/overeenkomst", methods=["POST"])
def draft_cooperation(rif_application_id):
    application = load_application(rif_application_id)
    require(may_draft_agreement(current_user, application))
    if not DraftAgreementForm().validate_on_submit():
        abort(400)
    _lock(application)  # one agreement per application, even when the button is pressed twice
    region = current_region()
    if application.status not in cooperation.AGREEMENT_STATES:
        return _show(application, problems=[
            _("Alleen een toegekende aanvraag wordt een samenwerkingsovereenkomst; deze aanvraag heeft de status "
              "'%(status)s'.", status=STATUS_LABELS[application.status])], status=409)
    if application.agreement is not None and application.agreement.status != cooperation.ENDED:
        return _show(application, problems=[
            _("Aanvraag %(reference)s heeft al een samenwerkingsovereenkomst (%(status)s).",
              reference=application.reference, status=application.agreement.status_label)], status=409)
    parties, left_out = cooperation.split_parties(application, _consortium_ids(region))
    if application.organisation not in parties:
        return _show(application, problems=[
            _("De penvoerder %(organisation)s (%(identifier)s) is geen lid van het consortium Regionaal "
              "Investeringsfonds mbo van regio %(region)s. De coördinator van de regio kan haar toevoegen; daarna "
              "kan de overeenkomst worden opgesteld.", organisation=application.organisation.name,
              identifier=application.organisation.identifier, region=region.name)], status=409)
    money = figures(application)
    try:
        made = draft_agreement(region, "rif", cooperation.TEMPLATE_KEY, terms=cooperation.terms_of(application, money),
                               parties=parties, title=cooperation.title_of(application),
                               text=cooperation.text_of(application, money, parties), user=current_user)
    except ValueError as exc:
        db_session().rollback()
        return _show(load_application(rif_application_id), problems=[str(exc)], status=400)
    application.agreement_id = made.id
    db_session().commit()
    drafted = ngettext("De samenwerkingsovereenkomst voor %(reference)s is als concept opgesteld, met %(num)d partij. "
                       "De coördinator van de regio verstuurt haar ter ondertekening.",
                       "De samenwerkingsovereenkomst voor %(reference)s is als concept opgesteld, met %(num)d "
                       "partijen. De coördinator van de regio verstuurt haar ter ondertekening.",
                       len(parties), reference=application.reference)
    if left_out:
        drafted += " " + _("Niet in het consortium, en dus geen partij: %(organisations)s.",
                           organisations=", ".join(f"{o.name} ({o.identifier})" for o in left_out))
    flash(drafted)
    return redirect(url_for("regio.agreement", instrument="rif", agreement_id=made.id), 303)


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
            flash(_("%(email)s is geen beoordelaar meer.", email=found.email))
            return redirect(url_for(".assessors"), 303)
        email = (form.email.data or "").strip().lower()
        if not email:
            form.email.errors.append(_("Vul het e-mailadres van de beoordelaar in."))
        elif session.scalar(select(Assessor.id).where(Assessor.region_id == region.id, Assessor.email == email)):
            form.email.errors.append(_("%(email)s is al beoordelaar in deze regio.", email=email))
        else:
            session.add(Assessor(region_id=region.id, email=email))
            session.commit()
            flash(_("%(email)s is nu beoordelaar in regio %(region)s.", email=email, region=region.name))
            return redirect(url_for(".assessors"), 303)
    listed = session.scalars(select(Assessor).where(Assessor.region_id == region.id).order_by(Assessor.email)).all()
    return render_template("rif/assessors.html", form=form, assessors=listed, **_common()), \
        400 if form.errors else 200


@bp.route("/overzicht")
def overview():
    region = authorize("rif.view", current_region())
    applications = visible_applications(region)
    data = dashboard.build(applications, _settings().highlight_below)
    return render_template("rif/overview.html", data=data, count=len(applications),
                           national=dashboard.NATIONAL_2014_2018, platform_admin=may(current_user, "admin.access"),
                           **_common())


@bp.route("/landelijk")
def platform():
    """The platform-wide figures: every region's submitted applications (platform admins only).

    It sits under a region's rif pages because the core mounts instrument pages there; the
    figures do not depend on that region."""
    authorize("admin.access")  # platform admins; everyone else gets 403
    from .settings import RifSettings

    session = db_session()
    applications = session.scalars(scoped(select(Application).where(Application.status != CONCEPT)
                                          .order_by(Application.reference), "rif.view")).all()
    regions = {r.id: r.name for r in session.scalars(scoped(select(Region), "rif.view"))}
    threshold = RifSettings().highlight_below
    return render_template("rif/platform.html", data=dashboard.platform(applications, regions, threshold),
                           per_region=dashboard.platform_totals(session), national=dashboard.NATIONAL_2014_2018,
                           **_common())


def widget_summary(region) -> dict:
    """The region dashboard card: what the user sees, in three figures."""
    applications = visible_applications(region)
    submitted = [a for a in applications if a.status != CONCEPT]
    granted = [a for a in submitted if a.status in (GRANTED, MIDTERM, "afgerond")]
    return {"applications": len(submitted), "granted": len(granted),
            "subsidy": sum((a.requested_subsidy for a in granted), ZERO)}  # shown with the `bedrag` filter
