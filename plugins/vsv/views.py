"""Pages of the vsv instrument, mounted by the core at /regio/<region>/vsv/.

    GET        /                   region dashboard: realisation against the signed target, municipalities,
                                   mbo institutions against their own targets, national context (everyone
                                   in the region)
    GET        /cijfers            the figures the user may see (own municipality; coordinators: all), one
                                   school year at a time (?schooljaar=; default: the latest, or every year
                                   for a user who sees one municipality; ?schooljaar=alle: every year)
    GET, POST  /cijfers/invoeren   report figures for a school year and municipality (saves; figures stored
                                   for that key are shown first, and replaced when the form is saved again)
    GET, POST  /cijfers/<id>       change the counts of one stored figure

No lost update (core.concurrency): a save of a figure that someone else saved since the form was shown, or a
report of a figure someone else has just reported, is refused with the stored values (409).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from core.plugin_api import (RuleContext, Series, _, add_new, agreement_in_force, authorize, bar_chart,
                             current_region, current_user, db_session, instrument_settings, keyset_page, may,
                             save_edit, scoped)

from . import agreement, sheets
from . import figures as numbers  # the module's name is also a page's below
from .forms import CountsForm, FigureForm
from .models import VsvFigure

bp = Blueprint("vsv", __name__, template_folder="templates")
ALL_YEARS = "alle"  # ?schooljaar=alle on the figures page: every school year


def _may_write(region, organisation_id: int) -> bool:
    probe = VsvFigure(region_id=region.id, organisation_id=organisation_id)  # transient, never added
    return may(current_user, "vsv.edit", probe) or sheets.is_region_admin(current_user, region)


def _context(region) -> RuleContext:
    """The same context the Excel import's rules get: this region, the signed-in user, today, the settings."""
    return RuleContext(region, sheets.KEY, current_user)


def _lock_error(region, school_year: str) -> str | None:
    """The form's sentence (capital, full stop) for a year locked for this user; the Excel import reports the
    same reason after the cell."""
    context = _context(region)
    if sheets.locked_for(school_year, context):
        reason = sheets.lock_message(school_year, context)
        return reason[:1].upper() + reason[1:] + "."
    return None


@bp.route("/")
def index():
    region = authorize("vsv.view", current_region())
    settings = instrument_settings(region)
    session = db_session()
    years = numbers.year_rows(session, region, settings.target_kind)
    reported = [y.school_year for y in years if y.reported]
    school_year = request.args.get("schooljaar") or (reported[-1] if reported else None)
    if school_year is not None and school_year not in reported:
        school_year = reported[-1] if reported else None
    absolute = settings.target_kind == "absolute"
    unit = "" if absolute else "%"
    chart = None
    incomplete = [y for y in years if y.reported and not y.completeness.is_complete]
    if years:
        # only complete school years: a partial sum beside the region's target would read as the region's figure
        realised = Series(_("Nieuwe vsv'ers") if absolute else _("Percentage nieuwe vsv'ers"),
                          tuple((y.new_leavers if absolute else y.percentage) if y.completeness.is_complete
                                else None for y in years))
        target = Series(_("Afgesproken maximum"), tuple(y.target for y in years))
        chart = bar_chart(
            _("Realisatie en streefwaarde per schooljaar, regio %(region)s", region=region.name),
            _("Per compleet schooljaar (alle gemeenten hebben cijfers) de gerealiseerde aantallen nieuwe vsv'ers "
              "met het afgesproken maximum als streepjeslijn; dezelfde getallen staan in de tabel ernaast, met "
              "ook de schooljaren die nog niet compleet zijn.") if absolute else
            _("Per compleet schooljaar (alle gemeenten hebben cijfers) de gerealiseerde vsv-percentages met het "
              "afgesproken maximum als streepjeslijn; dezelfde getallen staan in de tabel ernaast, met ook de "
              "schooljaren die nog niet compleet zijn."),
            [y.school_year for y in years], [realised],
            target=target if any(v is not None for v in target.values) else None, unit=unit)
    in_force = agreement_in_force(region, "vsv", agreement.TEMPLATE_KEY)
    return render_template(
        "vsv/index.html", region=region, settings=settings, years=years, chart=chart, absolute=absolute,
        incomplete=incomplete,
        in_force=in_force, school_year=school_year, reported=reported,
        municipalities=numbers.municipality_rows(session, region, school_year) if school_year else [],
        institutions=numbers.institution_rows(session, region),
        previous=numbers.previous_year(school_year) if school_year else None,
        national=numbers.national_rows(), national_targets=numbers.NATIONAL_TARGETS,
        national_sources=numbers.national_sources(),
        region_2016=numbers.region_2016(region.rmc_code),
        may_edit=may(current_user, "vsv.edit", region),
        demo_count=session.scalar(select(func.count(VsvFigure.id)).where(VsvFigure.region_id == region.id,
                                                                         VsvFigure.is_demo.is_(True))))


@bp.route("/cijfers")
def figures():
    region = authorize("vsv.view", current_region())
    settings = instrument_settings(region)
    session = db_session()
    mine = VsvFigure.region_id == region.id
    # The school years, and whether the user sees more than one municipality, in one statement: per year the
    # lowest and highest municipality (one municipality in all: the same one everywhere).
    per_year = session.execute(scoped(select(VsvFigure.school_year, func.min(VsvFigure.organisation_id),
                                             func.max(VsvFigure.organisation_id)).where(mine), "vsv.view")
                               .group_by(VsvFigure.school_year).order_by(VsvFigure.school_year.desc())).all()
    years = [year for year, _lowest, _highest in per_year]
    # A region-wide reader (coordinator, RMC) sees one school year at a time, the latest by default; a user who
    # sees one municipality's figures sees all of its years, as before.
    several = len({org for _year, lowest, highest in per_year for org in (lowest, highest)}) > 1
    school_year = request.args.get("schooljaar", "")
    if school_year != ALL_YEARS and school_year not in years:
        school_year = years[0] if years and several else ALL_YEARS
    stmt = scoped(select(VsvFigure).where(mine), "vsv.view")
    if school_year != ALL_YEARS:
        stmt = stmt.where(VsvFigure.school_year == school_year)
    # One page of each table (at most LIST_PAGE_SIZE rows, ?schooljaar=alle included); the export has them all.
    order = [(VsvFigure.school_year, True), (VsvFigure.organisation_id, False)]
    municipal = keyset_page(session, stmt.where(VsvFigure.brin.is_(None)), order + [(VsvFigure.id, False)],
                            request.args.get("na"))
    institutional = keyset_page(session, stmt.where(VsvFigure.brin.is_not(None)),
                                order + [(VsvFigure.brin, False), (VsvFigure.id, False)],
                                request.args.get("na_instelling"))
    every = municipal.rows + institutional.rows
    names = {m.organisation_id: m.organisation for m in region.members}
    institutions = numbers.institution_names(session, {f.brin for f in institutional.rows})
    may_write = {org: _may_write(region, org) for org in {f.organisation_id for f in every}}  # once per municipality
    return render_template("vsv/figures.html", region=region, settings=settings, rows=municipal.rows, years=years,
                           school_year=school_year, all_years=ALL_YEARS, municipal=municipal,
                           institutional=institutional,
                           per_institution=institutional.rows, names=names, institutions=institutions,
                           writable={r.id for r in every if may_write[r.organisation_id]},
                           may_edit=may(current_user, "vsv.edit", region), today=_context(region).today,
                           school_years=_context(region).school_years)


@bp.route("/cijfers/invoeren", methods=["GET", "POST"])
def report():
    region = authorize("vsv.edit", current_region())
    settings = instrument_settings(region)
    session = db_session()
    choices = [(org.id, f"{org.name} ({org.identifier})") for org in numbers.municipalities(session, region)
               if _may_write(region, org.id)]
    if not choices:
        abort(403)
    form = FigureForm()
    form.school_year.offer(_context(region).school_years)
    form.municipality.choices = choices
    if settings.institution_reporting:
        form.brin.choices = [("", _("Alle instellingen samen (cijfers van de gemeente)"))] + [
            (m.organisation.identifier, f"{m.organisation.name} ({m.organisation.identifier})")
            for m in sorted(region.members, key=lambda m: m.organisation.name) if m.organisation.kind == "mbo"]
    else:
        form.brin.choices = [("", _("Alle instellingen samen"))]
    if request.method == "GET":
        form.school_year.data = form.school_year.data or request.args.get("schooljaar", "")
    conflict = None
    if form.validate_on_submit():
        year = form.school_year.data  # canonical: the field normalised it
        lock = _lock_error(region, year)
        if lock:
            form.school_year.errors = [*form.school_year.errors, lock]
        else:
            conflict = _save(session, form, region, year, form.municipality.data, form.brin.data or None)
            if conflict is None:
                flash(_("De cijfers van schooljaar %(year)s zijn opgeslagen.", year=year))
                return redirect(url_for(".figures", schooljaar=year), 303)
    return render_template("vsv/report.html", region=region, form=form, settings=settings, conflict=conflict), \
        409 if conflict else 400 if form.errors else 200


REPORTED = {"municipality": "organisation_id"}  # the report form's fields named otherwise than the figure's


def _save(session, form, region, year, organisation_id, brin):
    """Store the reported figure; a Conflict if figures for its key are stored that the reporter has not seen."""
    def stored():
        return session.scalar(select(VsvFigure).where(
            VsvFigure.region_id == region.id, VsvFigure.organisation_id == organisation_id,
            VsvFigure.school_year == year, VsvFigure.brin.is_(None) if brin is None else VsvFigure.brin == brin))

    def fill(figure):
        figure.participants, figure.new_leavers, figure.is_demo = form.participants.data, form.new_leavers.data, False

    existing = stored()
    if existing is not None and form.version.data is not None:  # shown the stored figures, saved again
        return save_edit(session, existing, form, lambda: fill(existing), fields=REPORTED)
    figure = VsvFigure(region_id=region.id, organisation_id=organisation_id, school_year=year, brin=brin)
    fill(figure)
    return add_new(session, figure, form, stored, fields=REPORTED)


@bp.route("/cijfers/<int:vsv_figure_id>", methods=["GET", "POST"])
def edit(vsv_figure_id):
    region = current_region()
    session = db_session()
    figure = session.get(VsvFigure, vsv_figure_id)
    if figure is None or figure.region_id != region.id:
        abort(404)
    authorize("vsv.view", figure)
    writable = _may_write(region, figure.organisation_id)
    if request.method == "POST" and not writable:
        abort(403)
    form = CountsForm(obj=figure)
    lock = _lock_error(region, figure.school_year)
    conflict = None
    if writable and form.validate_on_submit():
        if lock:
            form.participants.errors = [*form.participants.errors, lock]
        else:
            def apply():
                figure.participants, figure.new_leavers = form.participants.data, form.new_leavers.data
                figure.is_demo = False

            conflict = save_edit(session, figure, form, apply)
            if conflict is None:
                flash(_("De cijfers van schooljaar %(year)s zijn opgeslagen.", year=figure.school_year))
                return redirect(url_for(".figures", schooljaar=figure.school_year), 303)
    municipality = next(m.organisation for m in region.members if m.organisation_id == figure.organisation_id)
    institution = numbers.institution_names(session, {figure.brin}).get(figure.brin) if figure.brin else None
    return render_template("vsv/edit.html", region=region, form=form, figure=figure, municipality=municipality,
                           institution=institution, writable=writable, lock=lock, conflict=conflict), \
        409 if conflict else 400 if form.errors else 200
