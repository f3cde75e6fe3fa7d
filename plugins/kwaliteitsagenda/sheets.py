"""The Excel sheet "kwaliteitsagenda-realisatie": the yearly realisation per goal, one row per institution,
period, goal and year. The core reads, checks (all-or-nothing), previews, stores and exports it.

The row rules are also the form's (views/progress.py runs `realisation_problems`), so the two never disagree.
"""
from __future__ import annotations

from sqlalchemy import select

from core.plugin_api import N_, Column, Kind, RowRule, SheetSpec, _, db_session, lazy_gettext

from . import privacy
from .models import Agenda, Goal, Realisation, period_years

SHEET = "kwaliteitsagenda-realisatie"
DESCRIPTION = N_("Realisatie per doel van de kwaliteitsagenda: per instelling, periode, doel en jaar de "
                 "gerealiseerde waarde, in dezelfde eenheid als het richtpunt.")


def period_problem(period: str, settings) -> str | None:
    """The Dutch message when `period` is not one of the region's periods."""
    if settings is None or period not in settings.periods:
        known = ", ".join(settings.periods) if settings is not None and settings.periods else _("geen")
        return _("periode %(period)s is geen periode van de kwaliteitsagenda's in deze regio (bekend: %(known)s)",
                 period=period, known=known)
    return None


def year_problem(period: str, year: int) -> str | None:
    """The Dutch message when `year` lies outside `period`."""
    try:
        years = period_years(period)
    except ValueError:
        return None
    if year not in years:
        return _("jaar %(year)s valt buiten de periode %(period)s", year=year, period=period)
    return None


def goal_of(region_id: int, organisation_id: int, period: str, code: str) -> Goal | None:
    """The goal with `code` in the institution's agenda for `period` in the region, or None."""
    return db_session().scalar(select(Goal).join(Agenda, Goal.agenda_id == Agenda.id).where(
        Agenda.region_id == region_id, Agenda.organisation_id == organisation_id, Agenda.period == period,
        Goal.code == code))


def goal_problem(region_id: int, organisation_id: int, period: str, code: str) -> str | None:
    """The Dutch message when the institution's agenda for `period` in the region has no goal `code`."""
    if goal_of(region_id, organisation_id, period, code) is None:
        return _("doel %(code)s staat niet in de kwaliteitsagenda %(period)s van deze instelling", code=code,
                 period=period)
    return None


def _period_check(values, labels, context):
    return period_problem(values["period"], context.settings)


def _year_check(values, labels, context):
    return year_problem(values["period"], values["year"])


def _goal_check(values, labels, context):
    if period_problem(values["period"], context.settings):
        return None  # reported at the period's cell
    return goal_problem(context.region.id, values["organisation_id"], values["period"], values["goal_code"])


RULES = (
    RowRule("period", _period_check, needs=("period",)),
    RowRule("year", _year_check, needs=("period", "year")),
    RowRule("goal_code", _goal_check, needs=("organisation_id", "period", "goal_code")),
)

COLUMNS = (
    Column("organisation_id", "Instelling", Kind.ORGANISATION, org_kinds=("mbo",),
           help=N_("BRIN-code van de mbo-instelling (zoals 25LH).")),
    Column("period", "Periode", help=N_("De periode van de kwaliteitsagenda, zoals 2024-2027."), max_length=9),
    Column("goal_code", "Doel", help=N_("De code van het doel in de kwaliteitsagenda, zoals K1."), max_length=20),
    Column("year", "Jaar", Kind.INTEGER, minimum=2000, maximum=2100,
           help=N_("Het kalenderjaar van de realisatie; het moet binnen de periode vallen.")),
    Column("value", "Realisatie", Kind.DECIMAL, places=2,
           help=N_("De gerealiseerde waarde, in dezelfde eenheid als het richtpunt.")),
    Column("note", "Toelichting", required=False, width=60, max_length=500,
           help=N_("Een korte toelichting op de realisatie (geen persoonsgegevens).")),
)

SPEC = SheetSpec(
    name=SHEET,
    title="Realisatie kwaliteitsagenda",
    model=Realisation,
    permission="kwaliteitsagenda.edit",
    view_permission="kwaliteitsagenda.view",
    description=DESCRIPTION,
    row_noun=lazy_gettext("realisaties"),
    columns=COLUMNS,
    natural_key=("organisation_id", "period", "goal_code", "year"),
    rules=RULES,
    screen=privacy.screen,  # no personal data in a cell or a header
)
