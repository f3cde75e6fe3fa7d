"""The Excel sheet "stagepact": one row per institution and school year.

Its rules (counts >= 0, handled/forwarded <= received, matching teams <= all
teams, measures short) are also what the web form checks: views.py runs the
same `RULES` on the form's values, so the two never disagree.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.plugin_api import N_, Column, Kind, RowRule, SheetSpec, _, lazy_gettext

from .deadlines import lock_problem
from .models import MEASURE_MAX_LENGTH, Report, split_measures

SHEET = "stagepact"
# Written on the workbook's "Toelichting" sheet: part of the file format, so Dutch in every language
# (like the headers and help texts below); marked with N_ so the sheet's page shows them in the reader's
# language.
DESCRIPTION = N_("Rapportage Stagepact mbo: per instelling en schooljaar het meldpunt, de procedure, de meldingen "
                 "van stagediscriminatie, de teams met stagematching en de genomen maatregelen.")


def percentage(part, whole) -> Decimal | None:
    """part as a percentage of whole, one decimal (None when whole is 0 or missing)."""
    if part is None or not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _matching_share(row):
    return percentage(row.get("teams_matching"), row.get("teams_total"))


def _measures_check(values, labels, _context=None):
    for number, measure in enumerate(split_measures(values["measures"]), start=1):
        if len(measure) > MEASURE_MAX_LENGTH:
            return _("maatregel %(number)s ('%(start)s…') is langer dan %(maximum)s tekens; houd elke maatregel kort "
                     "en scheid ze met een puntkomma", number=number, start=measure[:30], maximum=MEASURE_MAX_LENGTH)
    return None


def _report_date_check(values, labels, context):
    """A school year closed by the report date of the signed agreement: only the coordinators may change it
    (the same rule as the report form, at the preview and again at the confirm)."""
    return lock_problem(context.region, values["school_year"], context.user, context.today)


RULES = (
    RowRule("school_year", _report_date_check, needs=("school_year",)),
    RowRule.at_most("reports_handled", "reports_received"),
    RowRule.at_most("reports_forwarded", "reports_received"),
    RowRule.at_most("teams_matching", "teams_total"),
    RowRule("measures", _measures_check, needs=("measures",)),
)

COLUMNS = (
    Column("organisation_id", "Instelling", Kind.ORGANISATION, org_kinds=("mbo",),
           help=N_("BRIN-code van de mbo-instelling (zoals 25LH).")),
    Column("school_year", "Schooljaar", Kind.SCHOOL_YEAR,  # the region's closed set (SchoolYearSettings)
           help=N_("Het schooljaar waarover u rapporteert, zoals 2024-2025.")),
    Column("has_desk", "Meldpunt", Kind.BOOLEAN,
           help=N_("Heeft de instelling een meldpunt voor stagediscriminatie? ja of nee.")),
    Column("has_procedure", "Procedure", Kind.BOOLEAN,
           help=N_("Heeft de instelling een vastgestelde procedure voor meldingen? ja of nee.")),
    Column("reports_received", "Meldingen ontvangen", Kind.INTEGER, minimum=0,
           help=N_("Aantal meldingen van stagediscriminatie dat in het schooljaar binnenkwam.")),
    Column("reports_handled", "Meldingen afgehandeld", Kind.INTEGER, minimum=0,
           help=N_("Hoeveel van de ontvangen meldingen zijn afgehandeld (niet meer dan ontvangen).")),
    Column("reports_forwarded", "Doorgezet naar SBB", Kind.INTEGER, minimum=0,
           help=N_("Hoeveel van de ontvangen meldingen zijn doorgezet naar SBB (niet meer dan ontvangen).")),
    Column("teams_matching", "Teams met stagematching", Kind.INTEGER, minimum=0,
           help=N_("Aantal opleidingsteams dat met stagematching werkt (niet meer dan het totaal).")),
    Column("teams_total", "Teams totaal", Kind.INTEGER, minimum=0,
           help=N_("Totaal aantal opleidingsteams van de instelling.")),
    Column("measures", "Maatregelen", required=False, width=60,
           # the separator is models.MEASURE_SEPARATOR
           help=N_("Genomen maatregelen, kort, gescheiden door een puntkomma (;). Gebruik bij "
                   "voorkeur de soorten van uw regio (zie het invoerformulier); vrije tekst mag ook.")),
    Column("matching_share", "Aandeel teams met stagematching (%)", Kind.DECIMAL, required=False,
           computed=_matching_share, help=N_("Berekend: teams met stagematching als percentage van alle teams.")),
)

SPEC = SheetSpec(
    name=SHEET,
    title="Stagepact",
    model=Report,
    permission="stagepact.edit",
    view_permission="stagepact.view",
    description=DESCRIPTION,
    row_noun=lazy_gettext("stagepactrapportages"),
    columns=COLUMNS,
    natural_key=("organisation_id", "school_year"),
    rules=RULES,
)
