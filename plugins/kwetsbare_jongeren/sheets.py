"""The Excel sheet "monitor": aggregated counts per municipality, period and category."""
from __future__ import annotations

import re

from core.plugin_api import Column, Kind, RowRule, SheetSpec

from . import privacy
from .models import CATEGORIES, MonitorCount

PERIOD_RE = re.compile(r"^(\d{4})-(\d{4}|K[1-4])$")


def period_problem(period: str) -> str | None:
    """None for a school year ("2024-2025") or a quarter ("2025-K1"); otherwise a Dutch reason."""
    match = PERIOD_RE.match(period or "")
    if match is None:
        return f"'{period}' is geen periode: schrijf een schooljaar (2024-2025) of een kwartaal (2025-K1)"
    first, second = match.groups()
    if second.isdigit() and int(second) != int(first) + 1:
        return f"'{period}' is geen schooljaar: het tweede jaar volgt op het eerste (zoals 2024-2025)"
    return None


def _period_rule(values, labels):
    return period_problem(str(values["period"]).strip())


MONITOR = SheetSpec(
    name="monitor",
    title="Monitor",
    model=MonitorCount,
    permission="kwetsbare_jongeren.report",
    # Not a read permission: the engine's export then holds only the rows of the user's own organisation.
    # The region's figures are published by the instrument's pages, with small-number suppression.
    view_permission="kwetsbare_jongeren.report",
    description=("Geaggregeerde aantallen jongeren per gemeente, periode en categorie. Nooit persoonsgegevens: "
                 "een bestand met kolommen als naam, geboortedatum, BSN of adres, met een getal dat de "
                 "BSN-elfproef doorstaat of met een datum wordt in zijn geheel geweigerd."),
    row_noun="aantallen",
    columns=(
        Column("organisation_id", "Melder", Kind.ORGANISATION, org_kinds=("gemeente", "rmc"),
               help="CBS-code van uw gemeente (GM0344) of de RMC-code (MC19): de organisatie die meldt."),
        Column("municipality", "Gemeente", Kind.CBS_CODE, in_region=True,
               help="CBS-code van de gemeente waarover de aantallen gaan (zoals GM0344)."),
        Column("period", "Periode", help="Schooljaar (2024-2025) of kwartaal (2025-K1), zoals de regio afspreekt.",
               max_length=9),
        Column("category", "Categorie", Kind.ENUM, choices=CATEGORIES),
        Column("count", "Aantal", Kind.INTEGER, minimum=0, help="Een aantal jongeren, nooit gegevens over één jongere."),
    ),
    natural_key=("organisation_id", "municipality", "period", "category"),
    rules=(RowRule("period", _period_rule, needs=("period",)),),
    screen=privacy.screen,
)
