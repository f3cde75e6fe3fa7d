"""The list of applications, a new application, editing it, and its page with budget and partner lines."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from core.plugin_api import (_, add_new, authorize, current_region, current_user, db_session, euro, keyset_page,
                             lock_for_update, may, save_edit)

from ..access import is_assessor, is_coordinator, load_application, require
from ..forms import ApplicationForm, BudgetForm, EditForm, RemoveLineForm, partner_form
from ..models import Application, BudgetLine, Partner, PledgeYear
from ..rules import CONCEPT, STATUS_LABELS, STEPS, TARGET_GROUPS
from . import bp
from .common import figures, _common, page_options, visible_applications_query, _partner_choices, _show


@bp.route("/")
def index():
    region = authorize("rif.view", current_region())
    # One page of the list (at most LIST_PAGE_SIZE applications), by reference.
    page = keyset_page(db_session(), visible_applications_query(region),
                       [(Application.reference, False), (Application.id, False)], request.args.get("na"))
    return render_template("rif/index.html", applications=page.rows, page=page, figures=figures,
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
    """The region's next free reference (RIF-<rmc code>-0001, ...), under the region's row lock until the
    application is committed: two applications made at the same moment are numbered one after the other
    instead of meeting on the same number (a unique clash, a 500)."""
    lock_for_update(db_session(), region)
    prefix = f"RIF-{region.rmc_code}-"
    count = db_session().scalar(select(func.count(Application.id)).where(Application.reference.like(prefix + "%")))
    number = (count or 0) + 1
    while db_session().scalar(select(Application.id).where(Application.reference == f"{prefix}{number:04d}")):
        number += 1
    return f"{prefix}{number:04d}"


def back(application: Application, anchor: str | None = None):
    """After a save: the step the form was sent from (its hidden field `stap`), else the application page."""
    sent_from = request.form.get("stap")
    if sent_from in STEPS:
        return redirect(url_for(".step", rif_application_id=application.id, stap=sent_from), 303)
    return redirect(url_for(".show", rif_application_id=application.id, _anchor=anchor), 303)


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
        return redirect(url_for(".step", rif_application_id=application.id, stap="project"), 303)
    return render_template("rif/form.html", form=form, application=None, conflict=None, **_common()), \
        400 if form.errors else 200


def _editable(application: Application) -> None:
    require(may(current_user, "rif.edit", application))
    if application.status != CONCEPT:
        abort(409, _("Aanvraag %(reference)s heeft de status '%(status)s' en kan niet meer worden gewijzigd.",
                     reference=application.reference, status=STATUS_LABELS[application.status]))


def _saved(application: Application) -> dict:
    """What the edit form shows: every saved choice. Not `obj=`: WTForms would then read the comma-separated
    `sectors` column itself and tick no box (a second save then failed with "Kies minstens één sector")."""
    return {"title": application.title, "description": application.description, "sectors": application.sector_list,
            "target_groups": application.target_group_list, "start": application.start, "end": application.end,
            "requested_subsidy": application.requested_subsidy, "version": application.version}


@bp.route("/<int:rif_application_id>/bewerken", methods=["GET", "POST"])
def edit(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = EditForm(data=None if request.method == "POST" else _saved(application))
    conflict = None
    if form.validate_on_submit():
        conflict = save_edit(db_session(), application, form, lambda: _fill(application, form))
        if conflict is None:
            flash(_("De aanvraag is opgeslagen."))
            return back(application)
    sent_from = request.values.get("stap")
    return render_template("rif/form.html", form=form, application=application, conflict=conflict,
                           step=sent_from if sent_from in STEPS else None, STEPS=STEPS,
                           **_common()), 409 if conflict else 400 if form.errors else 200


@bp.route("/<int:rif_application_id>")
def show(rif_application_id):
    return _show(load_application(rif_application_id, page_options()))


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
    return back(application, "begroting")


@bp.route("/<int:rif_application_id>/partners", methods=["POST"])
def add_partner(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = partner_form(application.years)
    form.partner.choices = _partner_choices(current_region(), application)
    if not form.validate_on_submit():
        return _show(application, partner_form=form, status=400)
    partner = Partner(region_id=application.region_id, application_ref=application.reference,
                      organisation_id=application.organisation_id, partner_id=form.partner.data,
                      mkb=bool(form.mkb.data), pledged_cash=form.pledged_cash.data,
                      pledged_in_kind=form.pledged_in_kind.data,
                      in_kind_description=(form.in_kind_description.data or "").strip() or None,
                      years=[PledgeYear(year=y, cash=c, in_kind=k) for y, c, k in form.yearly()])
    session = db_session()
    clash = add_new(session, partner, form, lambda: session.scalar(select(Partner).where(
        Partner.region_id == partner.region_id, Partner.application_ref == partner.application_ref,
        Partner.partner_id == partner.partner_id)))
    if clash is not None:  # someone else added this partner at the same moment: their line, not a 500
        return _show(application, partner_form=form, clash=clash, status=409)
    flash(_("Partner toegevoegd."))
    return back(application, "partners")


@bp.route("/<int:rif_application_id>/verwijderen", methods=["POST"])
def remove_line(rif_application_id):
    application = load_application(rif_application_id)
    _editable(application)
    form = RemoveLineForm()
    if not form.validate_on_submit():
        abort(400)
    kind, _dash, line_id = form.line.data.partition("-")
    lines = {"budget": application.budget_lines, "partner": application.partners,
             "attachment": application.attachments}.get(kind, [])
    line = next((x for x in lines if str(x.id) == line_id), None)
    if line is None:
        abort(404)
    db_session().delete(line)
    db_session().commit()
    flash(_("De regel is verwijderd."))
    return back(application)


@bp.route("/<int:rif_application_id>/stap/<stap>")
def step(rif_application_id, stap):
    """One step of the application form (Start ... Verzenden): the part of the application page it is about."""
    if stap not in STEPS:
        abort(404)
    return _show(load_application(rif_application_id, page_options()), step=stap)
