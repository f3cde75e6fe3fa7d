"""Pages of the kwetsbare_jongeren instrument, mounted by the core at /regio/<region>/kwetsbare_jongeren/.

    GET       /                 matrix (as signed), counts over time (chart + table, suppressed), context
    GET POST  /aanpak           the coordinator maintains the matrix and puts it into an agreement
    GET POST  /aantallen/nieuw  a municipality or the RMC reports counts for one municipality and period

The published (suppressed) figures of every period are exported by the Excel
engine as the sheet "monitor-regio" (sheets.PUBLISHED), linked from the index.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.plugin_api import (Conflict, Series, _, active_memberships, agreement_in_force, authorize, bar_chart,
                             consortium_organisations, current_region, current_user, db_session, digest, instrument_settings, lock_for_update,
                             may, ngettext, number, scoped)

from . import access, figures
from . import agreement as matrix_rules
from .forms import CATEGORY_FIELDS, ReportForm, matrix_form_class
from .models import CATEGORIES, CATEGORY_LABELS, ROLE_LABELS, MonitorCount, Responsibility
from .settings import TASK_LABELS

KEY = "kwetsbare_jongeren"
bp = Blueprint(KEY, __name__, template_folder="templates")

KIND_ORDER = ("rmc", "gemeente", "pro", "vso", "vo", "mbo", "zorg", "werkgever", "sbb", "overig")


def _parties(region) -> list:
    """The region's organisations, the RMC first, then municipalities, schools, care, employers."""
    return _ranked(m.organisation for m in region.members)


def _matrix_parties(region, rows) -> list:
    """The matrix's parties: the consortium's organisations (a region has hundreds of schools), plus any
    organisation that still holds a stored cell (so it can be cleared after it left the consortium)."""
    orgs = {o.id: o for o in consortium_organisations(db_session(), region, KEY)}
    orgs.update({r.party.id: r.party for r in rows if r.party.id not in orgs})
    return _ranked(orgs.values())


def _ranked(orgs) -> list:
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(orgs, key=lambda o: (rank.get(o.kind, len(rank)), o.name))


def _stored_matrix(region) -> tuple[list[Responsibility], dict]:
    rows = db_session().scalars(scoped(
        select(Responsibility).where(Responsibility.region_id == region.id), f"{KEY}.view")).all()
    by_identifier: dict[str, dict[str, str]] = {}
    for row in rows:
        by_identifier.setdefault(row.task, {})[row.party.identifier] = row.role
    return rows, by_identifier


def _matrix_digest(rows) -> str:
    return digest((r.task, r.party_id, r.role) for r in rows)


def _matrix_shown(rows) -> list[tuple[str, str]]:
    """The stored cells as a conflict shows them: (task – party, role), in task and party order."""
    cells = sorted(rows, key=lambda r: (r.task, r.party.name))
    return [(f"{TASK_LABELS.get(r.task, r.task)} – {r.party.name}", str(ROLE_LABELS.get(r.role, r.role)))
            for r in cells]


def _signed_matrix(region, names: dict[str, str]):
    """The matrix of the agreement in force, ready for the template; None when none is in force."""
    in_force = agreement_in_force(region, KEY, matrix_rules.TEMPLATE_KEY)
    if in_force is None:
        return None
    try:
        tasks, cells = matrix_rules.parse_term(in_force.terms.get(matrix_rules.TERM) or "")
    except ValueError:
        return None
    parties = sorted({p for c in cells.values() for p in c}, key=lambda p: names.get(p, p))
    return {"agreement": in_force, "tasks": tasks, "cells": cells, "parties": parties}


@bp.route("/")
def index():
    region = authorize(f"{KEY}.view", current_region())
    settings = instrument_settings(region)
    names = {o.identifier: o.name for o in _parties(region)}
    rows = figures.region_rows(region.id)
    munis = figures.municipalities(region)
    viewer = access.viewer_of(current_user)
    history = figures.over_time(rows, munis, threshold=settings.min_count, viewer=viewer)
    periods = [p for p, _t in history]
    complete = figures.completeness_per_period(rows, munis)
    period = request.args.get("periode") or (periods[-1] if periods else None)
    current = dict(history).get(period)
    reported_by = {}
    if current is not None:
        who = figures.reporter_names(region)
        for muni in current.rows:
            orgs = {current.reporters[(muni, c)] for c in CATEGORIES if (muni, c) in current.reporters}
            reported_by[muni] = ", ".join(sorted(who.get(o, _("onbekend")) for o in orgs))
    overruled = figures.not_counted(region.id, period, viewer.org_ids) if period and not viewer.raw else 0
    chart = None
    if history:
        series = [Series(str(CATEGORY_LABELS[cat]), tuple(t.totals[cat].value for _p, t in history))
                  for cat in CATEGORIES]
        chart = bar_chart(
            _("Aantallen jongeren per categorie, regio %(region)s", region=region.name),
            _("Regiototalen per periode en categorie; afgeschermde aantallen ontbreken in de grafiek. "
              "De tabel onder de grafiek bevat dezelfde getallen."),
            periods, series)
    return render_template(
        "kwetsbare_jongeren/index.html", region=region, settings=settings, names=names,
        signed=_signed_matrix(region, names), role_labels=ROLE_LABELS, task_labels=TASK_LABELS, history=history,
        periods=periods, period=period, current=current, munis=munis, categories=CATEGORIES,
        category_labels=CATEGORY_LABELS, chart=chart, reported_by=reported_by, complete=complete, overruled=overruled,
        complete_periods=[p for p in periods if complete[p].is_complete],
        jikp=figures.jikp_for(region.rmc_code), raw=viewer.raw, demo=figures.has_demo(region.id),
        may_report=may(current_user, f"{KEY}.report", region), may_draft=may(current_user, "agreement.draft", region))


def _save_matrix(session, region, form, tasks, parties, rows) -> None:
    existing = {(r.task, r.party_id): r for r in rows}
    for org in parties:
        for i, task in enumerate(tasks):
            role = getattr(form, f"cel_{org.id}_{i}").data or ""
            row = existing.get((task, org.id))
            if row is not None and not role:
                session.delete(row)
            elif row is not None and row.role != role:
                row.role = role
            elif row is None and role:
                session.add(Responsibility(region_id=region.id, task=task, party_id=org.id, role=role))
    session.commit()


@bp.route("/aanpak", methods=["GET", "POST"])
def aanpak():
    region = authorize("agreement.draft", current_region())
    settings = instrument_settings(region)
    tasks = settings.task_list
    rows, stored = _stored_matrix(region)
    parties = _matrix_parties(region, rows)
    form_class = matrix_form_class(tasks, parties)
    if request.method == "POST":
        form = form_class()
    else:
        form = form_class(formdata=None, data={"basis": _matrix_digest(rows), **{
            f"cel_{o.id}_{i}": stored.get(task, {}).get(o.identifier, "")
            for o in parties for i, task in enumerate(tasks)}})
    conflict = None
    if form.validate_on_submit():
        session = db_session()
        lock_for_update(session, region)  # a second save of the matrix waits here, then sees this one's cells
        session.expire_all()  # read the cells again, as stored now
        rows, stored = _stored_matrix(region)
        if form.basis.data != _matrix_digest(rows):  # someone else saved the matrix since this form was shown
            session.rollback()
            conflict = Conflict.changed(_matrix_shown(rows))
            form.basis.data = _matrix_digest(rows)  # saving this form again replaces it knowingly
        else:
            _save_matrix(session, region, form, tasks, parties, rows)
            flash(_("De verantwoordelijkhedenmatrix is opgeslagen."))
            return redirect(url_for(".aanpak"), 303)
    names = {o.identifier: o.name for o in parties}
    current = {t: stored.get(t, {}) for t in tasks}
    problems = matrix_rules.explain(tasks, current, names, TASK_LABELS)
    proposal = None
    if not problems and request.method == "GET":
        involved = {p for cells in current.values() for p in cells}
        proposal = {  # the agreement's title and text are a signed document: Dutch
            "title": f"Regionale aanpak kwetsbare jongeren {region.name}",
            "text": matrix_rules.agreement_text(region.name, tasks, current, names),
            "parties": [o.id for o in parties if o.identifier in involved],
            "term": matrix_rules.to_term(tasks, current),
        }
    return render_template(
        "kwetsbare_jongeren/aanpak.html", region=region, form=form, tasks=tasks, problems=problems,
        proposal=proposal, signed=_signed_matrix(region, names), names=names, role_labels=ROLE_LABELS,
        task_labels=TASK_LABELS, conflict=conflict), \
        (409 if conflict else 400 if form.errors else 200)


@bp.route("/aantallen/nieuw", methods=["GET", "POST"])
def report_counts():
    region = authorize(f"{KEY}.report", current_region())
    settings = instrument_settings(region)
    own = [m.organisation for m in active_memberships(current_user)
           if m.organisation.kind in ("gemeente", "rmc") and any(rm.organisation_id == m.organisation_id
                                                                  for rm in region.members)]
    if current_user.is_platform_admin:
        own = [o for o in _parties(region) if o.kind in ("gemeente", "rmc")]
    munis = figures.municipalities(region)
    if not any(o.kind == "rmc" for o in own):  # a municipality reports about itself only
        munis = {code: name for code, name in munis.items() if code in {o.identifier for o in own}}
    form = ReportForm()
    form.period_kind = settings.period
    form.region_name = region.name
    form.reporters = {o.id: o for o in own}
    form.organisation.choices = [(o.id, o.name) for o in own]
    form.municipality.choices = [(code, f"{name} ({code})") for code, name in sorted(munis.items(), key=lambda i: i[1])]
    if request.method == "GET":
        gemeente = next((o.identifier for o in own if o.kind == "gemeente"), None)
        if gemeente in munis:
            form.municipality.data = gemeente
    if form.validate_on_submit():
        session = db_session()
        reporter = form.reporters[form.organisation.data]
        municipality, period = form.municipality.data, form.period.data
        # Each organisation its own counts: the form writes the reporter's counts and no one else's. Where the
        # municipality reported a cell itself, the RMC's count is stored but does not count (figures.counted); the
        # message says so.
        authorize(f"{KEY}.report", MonitorCount(region_id=region.id, organisation_id=reporter.id))
        for category, count in form.counts().items():
            row = session.scalar(select(MonitorCount).where(
                MonitorCount.region_id == region.id, MonitorCount.organisation_id == reporter.id,
                MonitorCount.municipality == municipality, MonitorCount.period == period,
                MonitorCount.category == category))
            if row is None:
                session.add(MonitorCount(region_id=region.id, organisation_id=reporter.id, municipality=municipality,
                                         period=period, category=category, count=count))
            else:
                row.count, row.is_demo = count, False
        try:
            session.commit()
        except IntegrityError:  # an import stored this reporter's count of the cell at this moment: shown
            session.rollback()
            stored = session.scalars(select(MonitorCount).where(
                MonitorCount.region_id == region.id, MonitorCount.organisation_id == reporter.id,
                MonitorCount.municipality == municipality, MonitorCount.period == period)
                .order_by(MonitorCount.category)).all()
            conflict = Conflict.clashed([(str(CATEGORY_LABELS.get(c.category, c.category)), number(c.count))
                                         for c in stored])
            return render_template("kwetsbare_jongeren/report.html", region=region, form=form, settings=settings,
                                   category_fields=[getattr(form, name) for name, _c in CATEGORY_FIELDS],
                                   conflict=conflict), 409
        message = _("De aantallen voor %(municipality)s, %(period)s zijn opgeslagen.",
                    municipality=munis[municipality], period=period)
        if reporter.identifier != municipality:
            overruled = figures.own_reports(region.id, municipality, period, form.counts())
            if overruled:
                message += " " + ngettext(
                    "%(count)s aantal telt niet mee in de cijfers: %(municipality)s meldde het zelf, en dan telt "
                    "de melding van de gemeente.",
                    "%(count)s aantallen tellen niet mee in de cijfers: %(municipality)s meldde ze zelf, en dan "
                    "telt de melding van de gemeente.", overruled, count=number(overruled),
                    municipality=munis[municipality])
        flash(message)
        return redirect(url_for(".index", periode=period), 303)
    return render_template("kwetsbare_jongeren/report.html", region=region, form=form, settings=settings,
                           category_fields=[getattr(form, name) for name, _c in CATEGORY_FIELDS]), \
        (400 if form.errors else 200)
