"""The Excel sheets of kwetsbare_jongeren: "monitor" (report counts) and "monitor-regio" (the published figures).

"monitor": aggregated counts per municipality, period and category, each
organisation its own (natural key melder + gemeente + periode + categorie):
an upload is compared with, and changes, only the counts of the organisations
in its Melder column, which the user must be allowed to report for, so it
never shows or overwrites another organisation's count. When the municipality
and the RMC both reported a cell, the figures count it once (figures.counted).
Its export holds the rows the user's organisation reported, unsuppressed (all
rows for platform admins), so export and import again changes nothing. Rules beyond
the column kinds: the period has the region's format (quarter or school
year), and a municipality reports only about itself (the RMC about any
municipality of its region).

"monitor-regio": the region's published figures in the same columns, through
the engine's export hook: small counts as "<5" and complementary suppressed
ones as "afgeschermd", exactly as on the region page, plus the region totals.
It is for reading: only platform admins may import it (their export is
unsuppressed), and any import refuses a "<5" or "afgeschermd" cell, naming it.
"""
from __future__ import annotations

import re

from core.plugin_api import N_, Column, Kind, RowRule, SheetSpec, _, lazy_gettext

from . import access, figures, privacy
from .models import CATEGORIES, MonitorCount
from .settings import settings_of
from .suppression import COMPLEMENTARY

KEY = "kwetsbare_jongeren"
PERIOD_RE = re.compile(r"^(\d{4})-(\d{4}|K[1-4])$")
SUPPRESSED_RE = re.compile(r"^<\s*\d+$")
TOTAL_LABEL = "Totaal regio"


def period_problem(period: str) -> str | None:
    """None for a school year ("2024-2025") or a quarter ("2025-K1"); otherwise the reason (reader's language)."""
    match = PERIOD_RE.match(period or "")
    if match is None:
        return _("'%(period)s' is geen periode: schrijf een schooljaar (2024-2025) of een kwartaal (2025-K1)",
                 period=period)
    first, second = match.groups()
    if second.isdigit() and int(second) != int(first) + 1:
        return _("'%(period)s' is geen schooljaar: het tweede jaar volgt op het eerste (zoals 2024-2025)",
                 period=period)
    return None


def period_kind_problem(period: str, kind: str, region_name: str) -> str | None:
    """None when `period` is a valid period of the region's kind ("schooljaar" or "kwartaal")."""
    problem = period_problem(period)
    if problem:
        return problem
    if ("-K" in period) != (kind == "kwartaal"):
        if "-K" in period:
            return _("'%(period)s' is een kwartaal, maar regio %(region)s meldt per schooljaar: vul een schooljaar "
                     "(zoals 2024-2025) in", period=period, region=region_name)
        return _("'%(period)s' is een schooljaar, maar regio %(region)s meldt per kwartaal: vul een kwartaal "
                 "(zoals 2025-K1) in", period=period, region=region_name)
    return None


def _period_rule(values, labels, context):
    """The period has the format of the region imported into (its settings say quarter or school year)."""
    period = str(values["period"]).strip()
    return period_kind_problem(period, context.settings.period, context.region.name)


def own_municipality_problem(reporter, municipality: str) -> str | None:
    """A municipality reports only about itself; the RMC (and any other reporter) about every municipality."""
    if reporter is not None and reporter.kind == "gemeente" and reporter.identifier != municipality:
        return _("%(code)s (%(name)s) meldt alleen aantallen over de eigen gemeente, niet over %(municipality)s; "
                 "het RMC meldt voor elke gemeente van de regio", code=reporter.identifier, name=reporter.name,
                 municipality=municipality)
    return None


def _own_municipality_rule(values, labels, context):
    return own_municipality_problem(context.organisation(values["organisation_id"]), values["municipality"])


def screen(value, is_header: bool, context) -> str | None:
    """Personal data (privacy.screen), and a published figure that is not a count ("<5", "afgeschermd")."""
    message = privacy.screen(value, is_header, context)
    if message or is_header or not isinstance(value, str):
        return message
    text = value.strip()
    if SUPPRESSED_RE.match(text) or text.casefold() == COMPLEMENTARY:
        return _("'%(value)s' is een afgeschermd aantal uit de gepubliceerde cijfers, geen aantal; een export van "
                 "Monitor regio kan niet worden ingelezen. Vul het echte aantal in of laat de rij weg", value=text)
    return None


COLUMNS = (
    Column("organisation_id", "Melder", Kind.ORGANISATION, org_kinds=("gemeente", "rmc"),
           help=N_("CBS-code van uw gemeente (GM0344) of de RMC-code (MC19): de organisatie die meldt. Een gemeente "
                   "meldt over zichzelf; het RMC over elke gemeente van de regio.")),
    Column("municipality", "Gemeente", Kind.CBS_CODE, in_region=True,
           help=N_("CBS-code van de gemeente waarover de aantallen gaan (zoals GM0344).")),
    Column("period", "Periode", max_length=9,
           help=N_("De periode zoals de regio afspreekt: een schooljaar (2024-2025) of een kwartaal (2025-K1); "
                   "de regio gebruikt er één.")),
    Column("category", "Categorie", Kind.ENUM, choices=CATEGORIES),
    Column("count", "Aantal", Kind.INTEGER, minimum=0,
           help=N_("Een aantal jongeren, nooit gegevens over één jongere.")),
)
RULES = (RowRule("period", _period_rule, needs=("period", "organisation_id")),
         RowRule("municipality", _own_municipality_rule, needs=("organisation_id", "municipality")))
NATURAL_KEY = ("organisation_id", "municipality", "period", "category")
# Written on the workbook's "Toelichting" sheet: part of the file format, so Dutch in every language
# (like the headers and help texts); marked with N_ so the sheet's page shows them in the reader's language.
# The rules' and the screen's messages are in the language of whoever uploads, like the core's cell messages.
MONITOR_DESCRIPTION = N_(
    "Geaggregeerde aantallen jongeren per gemeente, periode en categorie. Elke melder heeft zijn eigen "
    "aantallen: een bestand wijzigt alleen de aantallen van de organisatie in de kolom Melder. Meldden "
    "de gemeente en het RMC allebei een aantal voor dezelfde gemeente, periode en categorie, dan telt in "
    "de cijfers de melding van de gemeente zelf. Nooit persoonsgegevens: een bestand met kolommen als "
    "naam, geboortedatum, BSN of adres, met een getal dat de BSN-elfproef doorstaat of met een datum "
    "wordt in zijn geheel geweigerd.")
PUBLISHED_DESCRIPTION = N_(
    "De gepubliceerde aantallen van de regio per gemeente, periode en categorie, met de regiototalen, "
    "zoals op de pagina Kwetsbare jongeren: aantallen onder de drempel van de regio staan er als "
    "<5, en waar een afgeschermd aantal anders uit het regiototaal af te leiden is, is nog een aantal "
    "afgeschermd. Aantallen die uw eigen organisatie meldde, staan er zoals gemeld. Alleen om te "
    "lezen: dit bestand kan niet worden ingelezen; aantallen meldt u met het werkblad Monitor.")

def stored_as_published(session, region, user, rows):
    """The preview hook of both sheets: a stored count as the user may read it on the region page.

    Counts the user's organisation reported (and every count for platform
    admins) are shown as stored; any other count as the page publishes it
    ("<5", "afgeschermd" or the number). The natural key includes the
    reporter, so an upload only meets stored counts of the organisations it
    may report for; this keeps the preview from giving a count away should a
    role ever report for another organisation.
    """
    viewer = access.viewer_of(user)
    if viewer.raw or not rows:
        return rows
    names = figures.municipalities(region)
    threshold = settings_of(region).min_count
    stored = figures.region_rows(region.id, session)
    tables = {period: figures.table(stored, period, names, threshold=threshold, viewer=viewer)
              for period in {row["period"] for row in rows}}
    shown = []
    for row in rows:
        if row.get("organisation_id") in viewer.org_ids or "count" not in row:
            shown.append(row)
            continue
        cell = tables[row["period"]].cells.get((row["municipality"], row["category"]))
        shown.append({**row, "count": cell.text if cell is not None and cell.hidden else row["count"]})
    return shown


MONITOR = SheetSpec(
    name="monitor",
    title="Monitor",
    model=MonitorCount,
    permission=f"{KEY}.report",
    # Not a read permission: the engine's export then holds only the rows of the user's own organisation,
    # unsuppressed. The region's figures are published by "monitor-regio" and the pages, suppressed.
    view_permission=f"{KEY}.report",
    description=MONITOR_DESCRIPTION,
    row_noun=lazy_gettext("aantallen"),
    columns=COLUMNS,
    natural_key=NATURAL_KEY,
    rules=RULES,
    screen=screen,
    stored_shown=stored_as_published,
)


def published_rows(session, region, user):
    """The export hook of "monitor-regio": the region's figures as the user may see them on the region page.

    Per period (oldest first) and municipality (by name) one row per category
    with a count, then (when anything can be suppressed for this user) one
    "Totaal regio" row per category. Counts the user's organisation reported,
    and every count for platform admins, are as stored; the rest go through
    the same suppression as the page, so "<5" and "afgeschermd" are text.
    """
    conf = settings_of(region)
    names = figures.municipalities(region)
    viewer = access.viewer_of(user)
    for period, published in figures.over_time(figures.region_rows(region.id, session), names,
                                              threshold=conf.min_count, viewer=viewer):
        for muni in published.rows:
            for category in CATEGORIES:
                shown = published.cells.get((muni, category))
                if shown is not None:
                    count = shown.text if shown.hidden else shown.value
                    yield [published.reporters[(muni, category)], muni, period, category, count]
        if viewer.raw:
            continue  # the counting reports only: an admin's export imports again unchanged
        for category in CATEGORIES:
            total = published.totals[category]
            if total.hidden or total.value is not None:
                yield [None, TOTAL_LABEL, period, category, total.text if total.hidden else total.value]


PUBLISHED = SheetSpec(
    name="monitor-regio",
    title="Monitor regio",
    model=MonitorCount,
    # Reading this sheet in is for platform admins only (a permission no role has): their export is the
    # stored rows. Everyone else reports with "monitor".
    permission=f"{KEY}.import_published",
    view_permission=f"{KEY}.view",
    description=PUBLISHED_DESCRIPTION,
    row_noun=lazy_gettext("aantallen"),
    columns=COLUMNS,
    natural_key=NATURAL_KEY,
    rules=RULES,
    screen=screen,
    export_rows=published_rows,
    stored_shown=stored_as_published,
)
