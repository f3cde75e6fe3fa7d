"""Excel sheets of the vsv instrument; the core engine reads, validates, previews and writes them.

"vsv-cijfers": per school year and municipality; "vsv-cijfers-instelling": the
same per mbo institution (BRIN), for regions with institution_reporting on.
Rules beyond the column kinds: new vsv'ers <= participants, and a school year
whose deadline has passed is locked (only the region's admins may still change it).
"""
from __future__ import annotations

import datetime as dt

from flask import g, has_request_context
from sqlalchemy import select

from core.plugin_api import Column, Kind, Region, RowRule, SheetSpec, current_user, db_session, may

from .models import VsvFigure, VsvInstitutionFigure, percentage
from .settings import VsvSettings

KEY = "vsv"
FIRST_YEAR = "2010-2011"


def region_settings(region) -> VsvSettings:
    return VsvSettings.from_json(region.settings_for(KEY))


def today() -> dt.date:
    """Today's date (one place, so tests can move the clock)."""
    return dt.date.today()


def lock_message(school_year: str, settings: VsvSettings) -> str:
    deadline = settings.deadline_for(school_year)
    return (f"de cijfers van schooljaar {school_year} zijn vergrendeld sinds de deadline van "
            f"{deadline.strftime('%d-%m-%Y')}; alleen de regiobeheerder kan ze nog wijzigen")


def is_region_admin(user, region) -> bool:
    """The region's admins: its coordinators (and platform admins)."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and may(user, "consortium.manage", region))


def _import_region(org_id: int):
    """The region being imported into: the request's, or (command line) the municipality's own region."""
    if has_request_context() and getattr(g, "region", None) is not None:
        return g.region
    cache = g.setdefault("_vsv_org_regions", {})
    if org_id not in cache:
        cache[org_id] = db_session().scalar(select(Region).where(Region.members.any(organisation_id=org_id)))
    return cache[org_id]


def _stored(model, region, values) -> tuple | None:
    stmt = select(model.participants, model.new_leavers).where(
        model.region_id == region.id, model.organisation_id == values["organisation_id"],
        model.school_year == values["school_year"])
    if model is VsvInstitutionFigure:
        stmt = stmt.where(model.brin == values.get("brin"))
    row = db_session().execute(stmt).first()
    return tuple(row) if row else None


def _deadline_rule(model) -> RowRule:
    def check(values, _labels):
        region = _import_region(values["organisation_id"])
        if region is None:
            return None
        settings = region_settings(region)
        if not settings.locked(values["school_year"], today()):
            return None
        user = current_user if has_request_context() else None
        if is_region_admin(user, region):
            return None
        if _stored(model, region, values) == (values.get("participants"), values.get("new_leavers")):
            return None  # unchanged rows (export, then import) pass
        return lock_message(values["school_year"], settings)

    return RowRule("school_year", check, needs=("school_year", "organisation_id"))


def _institution_rule() -> RowRule:
    def check(values, _labels):
        region = _import_region(values["organisation_id"])
        if region is not None and not region_settings(region).institution_reporting:
            return (f"regio {region.name} rapporteert niet per instelling; "
                    "vul de cijfers per gemeente in op het werkblad vsv-cijfers")
        return None

    return RowRule("brin", check, needs=("brin", "organisation_id"))


def _percentage(row):
    return percentage(row.get("new_leavers"), row.get("participants"))


def _columns(with_brin: bool) -> tuple[Column, ...]:
    cols = [
        Column("school_year", "Schooljaar", Kind.SCHOOL_YEAR, minimum=FIRST_YEAR,
               help="Twee opeenvolgende jaren, zoals 2024-2025."),
        Column("organisation_id", "Gemeente", Kind.ORGANISATION, org_kinds=("gemeente",),
               aliases=("Gemeente (CBS-code)", "CBS-code"),
               help="CBS-code van een gemeente in deze regio, zoals GM0344."),
    ]
    if with_brin:
        cols.append(Column("brin", "Instelling", Kind.BRIN, aliases=("Instelling (BRIN)", "BRIN"),
                           help="BRIN-code van de mbo-instelling, zoals 25LH."))
    cols += [
        Column("participants", "Deelnemers", Kind.INTEGER, minimum=0,
               help="Aantal deelnemers (jongeren onder 23 in het onderwijs), geheel getal vanaf 0."),
        Column("new_leavers", "Nieuwe vsv'ers", Kind.INTEGER, minimum=0,
               help="Aantal nieuwe voortijdig schoolverlaters; niet meer dan het aantal deelnemers."),
        Column("percentage", "Percentage vsv", Kind.DECIMAL, required=False, computed=_percentage,
               help="Berekend: nieuwe vsv'ers / deelnemers x 100. Wordt bij invoer genegeerd."),
    ]
    return tuple(cols)


def sheets() -> list[SheetSpec]:
    return [
        SheetSpec(
            name="vsv-cijfers", title="Vsv-cijfers", model=VsvFigure,
            permission="vsv.edit", view_permission="vsv.view", row_noun="cijfers",
            description="Deelnemers en nieuwe vsv'ers per schooljaar en gemeente. Het percentage wordt berekend.",
            columns=_columns(False),
            natural_key=("school_year", "organisation_id"),
            rules=(RowRule.at_most("new_leavers", "participants"), _deadline_rule(VsvFigure)),
        ),
        SheetSpec(
            name="vsv-cijfers-instelling", title="Vsv-cijfers per instelling", model=VsvInstitutionFigure,
            permission="vsv.edit", view_permission="vsv.view", row_noun="cijfers",
            description=("Deelnemers en nieuwe vsv'ers per schooljaar, gemeente en mbo-instelling (BRIN), "
                         "voor regio's die per instelling rapporteren."),
            columns=_columns(True),
            natural_key=("school_year", "organisation_id", "brin"),
            rules=(RowRule.at_most("new_leavers", "participants"), _deadline_rule(VsvInstitutionFigure),
                   _institution_rule()),
        ),
    ]
