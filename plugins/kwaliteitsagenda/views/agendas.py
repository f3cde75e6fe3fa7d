"""The region dashboard, drafting an agenda and its goals, and the institution's dashboard (the agenda page)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.plugin_api import (Organisation, Series, _, add_new, authorize, bar_chart, current_region, current_user,
                             db_session, keyset_page, may, save_edit, scoped)

from .. import figures
from ..agreement import AGENDA_TEMPLATE, OUTFLOW_TEMPLATE
from ..forms import KIND_LABELS, VERDICT_LABELS, AgendaForm, GoalForm
from ..models import Agenda, Goal
from ..sheets import SHEET

ENDED = "beeindigd"  # the core's status of an ended agreement
from . import bp
from .common import KEY, load_agenda, may_act, settings_of, shown_period


def _institutions(region, action="kwaliteitsagenda.edit"):
    """The region's mbo institutions the user may act for with `action` (scoped)."""
    member_ids = [m.organisation_id for m in region.members]
    stmt = scoped(select(Organisation).where(Organisation.id.in_(member_ids), Organisation.kind == "mbo"), action)
    return db_session().scalars(stmt.order_by(Organisation.name)).all()


@bp.route("/")
def index():
    region = authorize("kwaliteitsagenda.view", current_region())
    settings = settings_of(region)
    period = shown_period(region)
    tallies = figures.region_summary(region, period, settings.on_track_margin) if period else []
    chart = None
    if tallies:
        chart = bar_chart(
            _("Doelen op koers per instelling, %(period)s", period=period),
            _("Per instelling die %(region)s bedient: het aantal doelen op koers, niet op koers en nog zonder "
              "realisatie. De tabel eronder geeft dezelfde aantallen.", region=region.name),
            [t.label for t in tallies],
            [Series(_("Op koers"), tuple(t.on_track for t in tallies)),
             Series(_("Niet op koers"), tuple(t.off_track for t in tallies)),
             Series(_("Nog geen realisatie"), tuple(t.no_data for t in tallies))])
    # one page of the agendas the user may see (at most LIST_PAGE_SIZE, with the total), newest period first
    agendas = keyset_page(
        db_session(), scoped(select(Agenda).where(Agenda.region_id == region.id), "kwaliteitsagenda.view")
        .options(selectinload(Agenda.goals), selectinload(Agenda.assessments), selectinload(Agenda.agreement)),
        [(Agenda.period, True), (Agenda.id, False)], request.args.get("na"))
    return render_template("kwaliteitsagenda/index.html", region=region, settings=settings, period=period,
                           tallies=tallies, chart=chart, agendas=agendas.rows, agendas_page=agendas, sheet=SHEET,
                           may_draft=bool(_institutions(region)), outflow=OUTFLOW_TEMPLATE,
                           demo=any(t.is_demo for t in tallies))


@bp.route("/agenda/nieuw", methods=["GET", "POST"])
def new():
    region = authorize("kwaliteitsagenda.edit", current_region())
    institutions = _institutions(region)
    if not institutions and request.method == "POST":
        abort(403)
    form = AgendaForm()
    form.setup(institutions, settings_of(region).draftable())
    conflict = None
    if form.validate_on_submit():
        organisation = db_session().get(Organisation, form.organisation.data)
        authorize("kwaliteitsagenda.edit", organisation)
        existing = db_session().scalar(select(Agenda).where(Agenda.organisation_id == organisation.id,
                                                            Agenda.period == form.period.data))
        if existing is not None:
            form.period.errors.append(_("%(organisation)s heeft al een kwaliteitsagenda %(period)s (in regio "
                                        "%(region)s).", organisation=organisation.name, period=form.period.data,
                                        region=existing.region_id == region.id and region.name or
                                        _("een andere regio")))
        else:
            agenda = Agenda(region_id=region.id, organisation_id=organisation.id, period=form.period.data)
            session = db_session()
            # a second request for the same institution and period at the same moment: a conflict, not a 500
            conflict = add_new(session, agenda, form, lambda: session.scalar(select(Agenda).where(
                Agenda.organisation_id == agenda.organisation_id, Agenda.period == agenda.period)))
            if conflict is None:
                flash(_("De kwaliteitsagenda %(period)s is aangemaakt. Voeg de doelen toe.", period=agenda.period))
                return redirect(url_for(".show", kwaliteitsagenda_agenda_id=agenda.id), 303)
    return render_template("kwaliteitsagenda/new.html", region=region, form=form, institutions=institutions,
                           conflict=conflict), 409 if conflict else 400 if form.errors else 200


def open_agreement(agenda) -> bool:
    """The agenda has an agreement that has not ended (a concept, out for signing or in force)."""
    return agenda.agreement is not None and agenda.agreement.status != ENDED


def lock_reason(agenda) -> str | None:
    """Why the agenda's goals can no longer change, or None."""
    if agenda.assessed:
        return _("Deze kwaliteitsagenda is beoordeeld; een beoordeelde versie kan niet meer veranderen.")
    if open_agreement(agenda):
        return _("Van deze kwaliteitsagenda is een overeenkomst opgesteld (%(status)s); de doelen liggen vast.",
                 status=agenda.agreement.status_label)
    return None


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>")
def show(kwaliteitsagenda_agenda_id):
    return render_agenda(load_agenda(kwaliteitsagenda_agenda_id))


def render_agenda(agenda, problems=(), status=200):
    """The agenda page (the institution's dashboard), with `problems` above it and the HTTP `status`."""
    region = current_region()
    margin = settings_of(region).on_track_margin
    realised = figures.realisations(agenda)
    rows = [(goal, realised.get(goal.code, {}), figures.goal_status(goal, realised.get(goal.code, {}), margin))
            for goal in agenda.goals]
    chart = None
    latest = [(goal, max(values)) for goal, values, _status in rows if values]
    if latest:
        chart = bar_chart(
            _("Realisatie tegenover het richtpunt"),
            _("Per doel de laatst gerealiseerde waarde, met het richtpunt van dat jaar als streepjeslijn. De tabel "
              "eronder geeft per jaar de startmeting, het richtpunt en de realisatie."),
            [f"{goal.code} ({year})" for goal, year in latest],
            [Series(_("Realisatie"), tuple(realised[goal.code][year] for goal, year in latest))],
            target=Series(_("Richtpunt"), tuple(goal.target(year) for goal, year in latest)))
    return render_template(
        "kwaliteitsagenda/show.html", region=region, agenda=agenda, rows=rows, chart=chart,
        responses=agenda.responses, lock=lock_reason(agenda), kinds=KIND_LABELS, verdicts=VERDICT_LABELS,
        may_edit=may(current_user, "kwaliteitsagenda.edit", agenda),
        may_consent=may(current_user, "kwaliteitsagenda.consent", agenda),
        may_assess=may(current_user, "kwaliteitsagenda.assess", agenda),
        agenda_template=AGENDA_TEMPLATE, key=KEY, problems=problems,
        open_agreement=open_agreement(agenda)), status


def _goal_page(agenda, goal=None):
    region = current_region()
    lock = lock_reason(agenda)
    settings = settings_of(region)
    form = GoalForm.for_period(agenda.years)()
    form.setup(agenda.period, settings.priorities(agenda.period), agenda.years,
               codes_taken=[g.code for g in agenda.goals if g is not goal])
    if goal is not None and request.method == "GET":
        form.fill(goal)
    status, conflict = 200, None
    if request.method == "POST":
        if lock:
            status = 409
        elif form.validate_on_submit():
            session = db_session()
            if goal is None:
                target = Goal(region_id=agenda.region_id, agenda_id=agenda.id)
                form.apply(target)
                conflict = add_new(session, target, form, lambda: session.scalar(select(Goal).where(
                    Goal.agenda_id == agenda.id, Goal.code == target.code)))
            else:
                target = goal
                conflict = save_edit(session, goal, form, lambda: form.apply(goal))
            if conflict is None:
                flash(_("Doel %(code)s is opgeslagen.", code=target.code))
                return redirect(url_for(".show", kwaliteitsagenda_agenda_id=agenda.id), 303)
            status = 409
        else:
            status = 400
    return render_template("kwaliteitsagenda/goal.html", region=region, agenda=agenda, goal=goal, form=form,
                           lock=lock, conflict=conflict, allowed=may_act("kwaliteitsagenda.edit", agenda)), status


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/doel/nieuw", methods=["GET", "POST"])
def goal_new(kwaliteitsagenda_agenda_id):
    return _goal_page(load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.edit"))


@bp.route("/agenda/<int:kwaliteitsagenda_agenda_id>/doel/<int:kwaliteitsagenda_goal_id>", methods=["GET", "POST"])
def goal_edit(kwaliteitsagenda_agenda_id, kwaliteitsagenda_goal_id):
    agenda = load_agenda(kwaliteitsagenda_agenda_id, "kwaliteitsagenda.edit")
    goal = db_session().get(Goal, kwaliteitsagenda_goal_id)
    if goal is None or goal.agenda_id != agenda.id:
        abort(404)
    return _goal_page(agenda, goal)
