"""The yearly realisation per goal by form (the Excel sheet is the core's page for the same rows and rules)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.plugin_api import _, current_region, db_session

from .. import figures
from ..forms import RealisationForm
from ..models import Realisation
from ..sheets import SHEET, year_problem
from . import bp
from .common import load_agenda, may_act


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/realisatie", methods=["GET", "POST"])
def realise(kwaliteitsagenda_agenda_id):
    agenda = load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.edit")
    form = RealisationForm()
    form.setup(agenda.goals, agenda.years)
    status = 200
    if request.method == "POST":
        ok = form.validate_on_submit()
        if form.year.data and not form.year.errors:
            problem = year_problem(agenda.period, form.year.data)
            if problem:
                form.year.errors = [*form.year.errors, problem[:1].upper() + problem[1:] + "."]
                ok = False
        if ok:
            session = db_session()
            row = session.scalar(select(Realisation).where(
                Realisation.region_id == agenda.region_id, Realisation.organisation_id == agenda.organisation_id,
                Realisation.period == agenda.period, Realisation.goal_code == form.goal.data,
                Realisation.year == form.year.data))
            if row is None:
                row = Realisation(region_id=agenda.region_id, organisation_id=agenda.organisation_id,
                                  period=agenda.period, goal_code=form.goal.data, year=form.year.data)
                session.add(row)
            row.value = form.value.number
            row.note = (form.note.data or "").strip() or None
            row.is_demo = False
            session.commit()
            flash(_("De realisatie van doel %(code)s over %(year)s is opgeslagen.", code=row.goal_code,
                    year=row.year))
            return redirect(url_for(".realise", kwaliteitsagenda_agenda_id=agenda.id), 303)
        status = 400
    return render_template("kwaliteitsagenda/realise.html", region=current_region(), agenda=agenda, form=form,
                           realised=figures.realisations(agenda), sheet=SHEET,
                           allowed=may_act("kwaliteitsagenda.edit", agenda)), status
