"""The yearly realisation per goal by form (the Excel sheet is the core's page for the same rows and rules).

No lost update (core.concurrency): the form carries the version of the stored realisation it was shown with
(open it with ?doel=K1&jaar=2025, the links in the table); a save over someone else's newer save, or a first
entry that someone else made at the same moment, is refused with the stored values (409).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.plugin_api import _, add_new, current_region, db_session, save_edit

from .. import figures
from ..forms import RealisationForm
from ..models import Realisation
from ..sheets import SHEET, year_problem
from . import bp
from .common import load_agenda, may_act

FIELDS = {"goal": "goal_code"}  # the form's fields named otherwise than the realisation's


def _stored(session, agenda, code, year) -> Realisation | None:
    """The stored realisation of the agenda's institution for goal `code` in `year`, or None."""
    return session.scalar(select(Realisation).where(
        Realisation.region_id == agenda.region_id, Realisation.organisation_id == agenda.organisation_id,
        Realisation.period == agenda.period, Realisation.goal_code == code, Realisation.year == year))


def _save(session, agenda, form):
    """Store the form's realisation; a Conflict when one is stored for its goal and year that the user has not seen."""
    code, year = form.goal.data, form.year.data

    def fill(row):
        row.value, row.note, row.is_demo = form.value.number, (form.note.data or "").strip() or None, False

    existing = _stored(session, agenda, code, year)
    if existing is not None and form.version.data is not None:  # shown the stored realisation, saved again
        return save_edit(session, existing, form, lambda: fill(existing), fields=FIELDS)
    row = Realisation(region_id=agenda.region_id, organisation_id=agenda.organisation_id, period=agenda.period,
                      goal_code=code, year=year)
    fill(row)
    return add_new(session, row, form, lambda: _stored(session, agenda, code, year), fields=FIELDS)


def _prefill(session, agenda, form) -> None:
    """GET ?doel=&jaar=: the form shows that realisation (its stored value and version) to change it."""
    code, year = request.args.get("doel", ""), request.args.get("jaar", "")
    if not year.isdigit() or code not in {g.code for g in agenda.goals}:
        return
    form.goal.data, form.year.data = code, int(year)
    row = _stored(session, agenda, code, int(year))
    if row is not None:
        form.value.data, form.note.data = str(row.value).replace(".", ","), row.note
        form.version.set(row)


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/realisatie", methods=["GET", "POST"])
def realise(kwaliteitsagenda_agenda_id):
    agenda = load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.edit")
    form = RealisationForm()
    form.setup(agenda.goals, agenda.years)
    session = db_session()
    status, conflict = 200, None
    if request.method == "GET":
        _prefill(session, agenda, form)
    else:
        ok = form.validate_on_submit()
        if form.year.data and not form.year.errors:
            problem = year_problem(agenda.period, form.year.data)
            if problem:
                form.year.errors = [*form.year.errors, problem[:1].upper() + problem[1:] + "."]
                ok = False
        if ok:
            conflict = _save(session, agenda, form)
            if conflict is None:
                flash(_("De realisatie van doel %(code)s over %(year)s is opgeslagen.", code=form.goal.data,
                        year=form.year.data))
                return redirect(url_for(".realise", kwaliteitsagenda_agenda_id=agenda.id), 303)
            status = 409
        else:
            status = 400
    return render_template("kwaliteitsagenda/realise.html", region=current_region(), agenda=agenda, form=form,
                           conflict=conflict, realised=figures.realisations(agenda), sheet=SHEET,
                           allowed=may_act("kwaliteitsagenda.edit", agenda)), status
