"""The Excel sheet of the vsv instrument; the core engine reads, validates, previews and writes it.

"vsv-cijfers": schooljaar, gemeente (CBS code), instelling (BRIN, optional),
deelnemers, nieuwe vsv'ers; natural key schooljaar + gemeente + instelling.
An empty instelling cell (or no instelling column) means the municipality's
own figures; a BRIN is allowed only where the region reports per institution
(institution_reporting). Rules beyond the column kinds: new vsv'ers <=
participants, and a locked school year (the core's rule: its deadline has
passed, or it is older than the window without a deadline of its own) may be changed
only by the region's admins. The school years themselves are the region's
closed set (the engine refuses any other with one message). The rules read the region, the
uploader, today's date and the region's settings from the engine's context
(the same on the web and on the command line). The engine asks the rules
again when an upload is confirmed, so a deadline that passes between preview
and confirm still locks.
"""
from __future__ import annotations

from sqlalchemy import select

from core.plugin_api import N_, Column, Kind, RowRule, SheetSpec, _, db_session, lazy_gettext, may

from .models import VsvFigure, percentage

KEY = "vsv"
# Written on the workbook's "Toelichting" sheet: part of the file format, so Dutch in every language (like the
# headers and help texts below); marked with N_ so the sheet's page shows them in the reader's language.
DESCRIPTION = N_("Deelnemers en nieuwe vsv'ers per schooljaar en gemeente, en in regio's die per instelling "
                 "rapporteren ook per mbo-instelling (BRIN). Het percentage wordt berekend.")


def lock_message(school_year: str, context) -> str:
    """The import's message, in the reader's language like the core's cell messages (Dutch on the command line):
    the core's reason why the year is locked (its deadline passed, or it is older than the window)."""
    return context.school_years.lock_reason(school_year)


def is_region_admin(user, region) -> bool:
    """The region's admins: its coordinators (and platform admins)."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and may(user, "consortium.manage", region))


def locked_for(school_year: str, context) -> bool:
    """The school year is locked on `context.today` (core rule: its deadline has passed, or it is older than
    the window without a deadline of its own) and the acting user is not a region admin."""
    return context.school_years.locked(school_year) and not is_region_admin(context.user, context.region)


def _stored(region, values) -> tuple | None:
    brin = values.get("brin")
    stmt = select(VsvFigure.participants, VsvFigure.new_leavers).where(
        VsvFigure.region_id == region.id, VsvFigure.organisation_id == values["organisation_id"],
        VsvFigure.school_year == values["school_year"],
        VsvFigure.brin.is_(None) if brin is None else VsvFigure.brin == brin)
    row = db_session().execute(stmt).first()
    return tuple(row) if row else None


def _deadline_rule() -> RowRule:
    def check(values, _labels, context):
        if not locked_for(values["school_year"], context):
            return None
        if _stored(context.region, values) == (values.get("participants"), values.get("new_leavers")):
            return None  # unchanged rows (export, then import) pass
        return lock_message(values["school_year"], context)

    return RowRule("school_year", check, needs=("school_year", "organisation_id"))


def institution_refusal(region) -> str:
    return _("regio %(region)s rapporteert niet per instelling; laat de kolom Instelling leeg (de cijfers gelden "
             "dan voor de hele gemeente)", region=region.name)


def _institution_rule() -> RowRule:
    def check(values, _labels, context):
        if not context.settings.institution_reporting:
            return institution_refusal(context.region)
        return None

    return RowRule("brin", check, needs=("brin", "organisation_id"))


def _percentage(row):
    return percentage(row.get("new_leavers"), row.get("participants"))


COLUMNS = (
    Column("school_year", "Schooljaar", Kind.SCHOOL_YEAR,  # the region's closed set (SchoolYearSettings)
           help=N_("Een schooljaar uit de lijst, zoals 2024-2025.")),
    Column("organisation_id", "Gemeente", Kind.ORGANISATION, org_kinds=("gemeente",),
           aliases=("Gemeente (CBS-code)", "CBS-code"),
           help=N_("CBS-code van een gemeente in deze regio, zoals GM0344.")),
    Column("brin", "Instelling", Kind.BRIN, required=False, aliases=("Instelling (BRIN)", "BRIN"),
           help=N_("BRIN-code van de mbo-instelling, zoals 25LH, voor cijfers per instelling (alleen in regio's "
                   "die per instelling rapporteren). Leeg: de cijfers van de hele gemeente.")),
    Column("participants", "Deelnemers", Kind.INTEGER, minimum=0,
           help=N_("Aantal deelnemers (jongeren onder 23 in het onderwijs), geheel getal vanaf 0.")),
    Column("new_leavers", "Nieuwe vsv'ers", Kind.INTEGER, minimum=0,
           help=N_("Aantal nieuwe voortijdig schoolverlaters; niet meer dan het aantal deelnemers.")),
    Column("percentage", "Percentage vsv", Kind.DECIMAL, required=False, computed=_percentage,
           help=N_("Berekend: nieuwe vsv'ers / deelnemers x 100. Wordt bij invoer genegeerd.")),
)


def sheets() -> list[SheetSpec]:
    return [
        SheetSpec(
            name="vsv-cijfers", title="Vsv-cijfers", model=VsvFigure,
            permission="vsv.edit", view_permission="vsv.view", row_noun=lazy_gettext("cijfers"),
            description=DESCRIPTION,
            columns=COLUMNS,
            natural_key=("school_year", "organisation_id", "brin"),
            rules=(RowRule.at_most("new_leavers", "participants"), _deadline_rule(), _institution_rule()),
            version=2,  # 2: the optional Instelling column (the sheet per institution is gone)
        ),
    ]
