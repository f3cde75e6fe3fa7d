"""Pages of the stagepact instrument, mounted by the core at /regio/<region>/stagepact/.

    GET       /                      region dashboard: totals for everyone in the region, chart plus table;
                                     below it the per-institution rows the user may see (scoped)
    GET, POST /rapportage/nieuw      an institution's editor reports a school year
    GET, POST /rapportage/<id>       one report: shown to its institution and the region's coordinators,
                                     editable by the institution's editors
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.plugin_api import (Organisation, RuleContext, Series, _, add_new, agreement_in_force, authorize,
                             bar_chart, current_region, current_user, db_session, instrument_settings, keyset_page,
                             may, save_edit, scoped)

from . import figures
from .agreement import TEMPLATE_KEY
from .deadlines import lock_problem
from .forms import STORED_AS, ReportForm
from .models import Report
from .sheets import SHEET, percentage

bp = Blueprint("stagepact", __name__, template_folder="templates")


def _targets(region, years: list[str]) -> tuple[object, dict]:
    agreement = agreement_in_force(region, "stagepact", TEMPLATE_KEY)
    if agreement is None:
        return None, {}
    per_year = agreement.terms.get("target_matching_share") or {}
    return agreement, {y: per_year.get(y) for y in years if per_year.get(y) is not None}


@bp.route("/")
def index():
    region = authorize("stagepact.view", current_region())
    settings = instrument_settings(region)
    totals, held_back = figures.shown_years(
        figures.region_totals(region.id, figures.expected_institutions(region)), settings.minimum_reports)
    years = [t.school_year for t in totals]
    agreement, targets = _targets(region, years)
    charts = {}
    if totals:
        charts["reports"] = bar_chart(
            _("Meldingen van stagediscriminatie per schooljaar"),
            _("Ontvangen, afgehandelde en naar SBB doorgezette meldingen, opgeteld over de instellingen in "
              "%(region)s. De tabel eronder geeft dezelfde aantallen.", region=region.name),
            years, [Series(_("Ontvangen"), tuple(t.received for t in totals)),
                    Series(_("Afgehandeld"), tuple(t.handled for t in totals)),
                    Series(_("Doorgezet naar SBB"), tuple(t.forwarded for t in totals))])
        charts["shares"] = bar_chart(
            _("Meldpunt, procedure en stagematching per schooljaar"),
            (_("Aandeel instellingen met een meldpunt en met een procedure, en aandeel teams met stagematching, "
               "in procenten, met de streefwaarde uit de regionale afspraak als streepjeslijn. De tabel eronder "
               "geeft dezelfde percentages.") if targets else
             _("Aandeel instellingen met een meldpunt en met een procedure, en aandeel teams met stagematching, "
               "in procenten. De tabel eronder geeft dezelfde percentages.")),
            years, [Series(_("Instellingen met meldpunt"), tuple(t.share_desk for t in totals)),
                    Series(_("Instellingen met procedure"), tuple(t.share_procedure for t in totals)),
                    Series(_("Teams met stagematching"), tuple(t.share_matching for t in totals))],
            target=(Series(_("Streefwaarde stagematching"), tuple(targets.get(y) for y in years))
                    if targets else None),
            unit="%")
    # The free-text bucket is the plugin's own label (the kinds themselves are the region's settings).
    measures = [(_("Andere maatregelen (vrije tekst)") if kind == figures.FREE_TEXT else kind, row)
                for kind, row in figures.measures_by_kind(region.id, years, settings.measure_kinds)]
    # one page of the reports the user may see (at most LIST_PAGE_SIZE, with the total); the export has them all
    own = keyset_page(db_session(), scoped(select(Report).where(Report.region_id == region.id), "stagepact.view"),
                      [(Report.school_year, True), (Report.organisation_id, False), (Report.id, False)],
                      request.args.get("na"))
    return render_template(
        "stagepact/index.html", region=region, settings=settings, totals=totals, held_back=held_back,
        agreement=agreement, targets=targets, charts=charts, measures=measures, reports=own.rows, reports_page=own,
        demo=figures.has_demo_rows(region.id), sheet=SHEET,
        may_report=bool(_organisations(region)))


def _organisations(region):
    """The region's mbo institutions the user may report for (scoped on the edit permission)."""
    member_ids = [m.organisation_id for m in region.members]
    stmt = scoped(select(Organisation).where(Organisation.id.in_(member_ids), Organisation.kind == "mbo"),
                  "stagepact.edit").order_by(Organisation.name)
    return db_session().scalars(stmt).all()


@bp.route("/rapportage/nieuw", methods=["GET", "POST"])
def new():
    region = authorize("stagepact.edit", current_region())
    organisations = _organisations(region)
    form = ReportForm()
    if not organisations and request.method == "POST":
        abort(403)  # only an institution's editors report; the page explains it on GET
    form.setup(organisations=organisations, kinds=instrument_settings(region).measure_kinds,
               context=RuleContext(region, "stagepact", current_user))
    conflict = None
    locked = (lock_problem(region, form.school_year.data, current_user, RuleContext(region, "stagepact").today)
              if form.is_submitted() and form.school_year.data else None)
    if locked:
        form.validate()
        form.school_year.errors = [*form.school_year.errors, locked]
    elif form.validate_on_submit():
        session = db_session()
        existing = session.scalar(select(Report.id).where(
            Report.region_id == region.id, Report.organisation_id == form.organisation.data,
            Report.school_year == form.school_year.data))
        if existing is not None:
            form.school_year.errors.append(
                _("Er is al een rapportage van deze instelling over %(year)s; wijzig die rapportage in plaats "
                  "van een nieuwe te maken.", year=form.school_year.data))
        else:
            report = Report(region_id=region.id, organisation_id=form.organisation.data,
                            school_year=form.school_year.data)
            form.apply(report)
            authorize("stagepact.edit", report)
            conflict = add_new(session, report, form, lambda: session.scalar(select(Report).where(
                Report.region_id == region.id, Report.organisation_id == report.organisation_id,
                Report.school_year == report.school_year)), fields=STORED_AS)
            if conflict is None:
                flash(_("De rapportage over %(year)s is opgeslagen.", year=report.school_year))
                return redirect(url_for(".show", stagepact_report_id=report.id), 303)
    return render_template("stagepact/form.html", region=region, form=form, report=None,
                           organisations=organisations, conflict=conflict), \
        409 if conflict else 400 if form.errors else 200


@bp.route("/rapportage/<int:stagepact_report_id>", methods=["GET", "POST"])
def show(stagepact_report_id):
    region = current_region()
    session = db_session()
    report = session.get(Report, stagepact_report_id)
    if report is None or report.region_id != region.id:
        abort(404)
    authorize("stagepact.view", report)
    editable = may(current_user, "stagepact.edit", report)
    form = conflict = None
    if editable or request.method == "POST":
        form = ReportForm()
        del form.organisation
        del form.school_year
        form.setup(organisations=[report.organisation], kinds=instrument_settings(region).measure_kinds, report=report,
                   context=RuleContext(region, "stagepact", current_user))
        if request.method == "POST":
            authorize("stagepact.edit", report)
            locked = lock_problem(region, report.school_year, current_user, RuleContext(region, "stagepact").today)
            if locked:
                form.validate()
                form.has_desk.errors = [*form.has_desk.errors, locked]
            elif form.validate():
                conflict = save_edit(session, report, form, lambda: form.apply(report), fields=STORED_AS)
                if conflict is None:
                    flash(_("De rapportage over %(year)s is bijgewerkt.", year=report.school_year))
                    return redirect(url_for(".show", stagepact_report_id=report.id), 303)
    status = 409 if conflict else 400 if form is not None and form.errors else 200
    return render_template("stagepact/show.html", region=region, report=report, form=form, conflict=conflict,
                           share=percentage), status
