"""The rif instrument's rules, free of web and database: money, the one-third rule,
co-financing coverage, the workflow and the assessment score. Money is Decimal, never float."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

SECTORS = {
    "techniek": "Techniek", "zorg_welzijn": "Zorg en welzijn", "bouw": "Bouw en infra", "ict": "ICT",
    "logistiek": "Logistiek", "voedsel_groen": "Voedsel en groen", "economie": "Economie en handel",
    "energie": "Energie en duurzaamheid", "creatief": "Creatieve industrie", "horeca": "Horeca en toerisme",
}
TARGET_GROUPS = {"entree": "Entree", "2": "Niveau 2", "3": "Niveau 3", "4": "Niveau 4"}
COST_CATEGORIES = {
    "personeel": "Personeel (uren docenten en praktijkopleiders)", "materieel": "Apparatuur en materiaal",
    "huisvesting": "Huisvesting en locaties", "ontwikkeling": "Ontwikkeling onderwijs", "overig": "Overige kosten",
}

# --- workflow ---------------------------------------------------------------

CONCEPT, SUBMITTED, ASSESSING, GRANTED, REJECTED, MIDTERM, CLOSED = (
    "concept", "ingediend", "in_beoordeling", "toegekend", "afgewezen", "tussentijdse_verantwoording", "afgerond")
STATUS_LABELS = {
    CONCEPT: "Concept", SUBMITTED: "Ingediend", ASSESSING: "In beoordeling", GRANTED: "Toegekend",
    REJECTED: "Afgewezen", MIDTERM: "Tussentijdse verantwoording", CLOSED: "Afgerond",
}
PENVOERDER_SIGNATORY, ASSESSOR = "penvoerder", "beoordelaar"


@dataclass(frozen=True)
class Transition:
    to: str
    sources: tuple[str, ...]
    who: str  # PENVOERDER_SIGNATORY or ASSESSOR
    button: str


TRANSITIONS = {t.to: t for t in (
    Transition(SUBMITTED, (CONCEPT,), PENVOERDER_SIGNATORY, "Aanvraag indienen"),
    Transition(ASSESSING, (SUBMITTED,), ASSESSOR, "Beoordeling starten"),
    Transition(GRANTED, (ASSESSING,), ASSESSOR, "Toekennen"),
    Transition(REJECTED, (ASSESSING,), ASSESSOR, "Afwijzen"),
    Transition(MIDTERM, (GRANTED,), PENVOERDER_SIGNATORY, "Tussentijdse verantwoording indienen"),
    Transition(CLOSED, (MIDTERM,), ASSESSOR, "Project afronden"),
)}
GRANTED_STATES = (GRANTED, MIDTERM, CLOSED)


# --- money -------------------------------------------------------------------

def euro(value) -> str:
    """€ 1.234,56 (Dutch notation, always two decimals)."""
    if value is None:
        return "–"
    value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}€ {groups},{cents}"


def max_subsidy(costs: Decimal) -> Decimal:
    """One third of the costs, rounded down to whole cents (three times it never exceeds the costs)."""
    return (Decimal(costs) / 3).quantize(CENT, rounding=ROUND_DOWN)


@dataclass
class Finances:
    costs: Decimal
    requested: Decimal
    maximum: Decimal
    pledged_cash: Decimal
    pledged_in_kind: Decimal
    needed: Decimal  # what co-financing must cover: costs minus requested subsidy
    problems: list[str] = field(default_factory=list)

    @property
    def pledged(self) -> Decimal:
        return self.pledged_cash + self.pledged_in_kind

    @property
    def within_third(self) -> bool:
        return self.requested * 3 <= self.costs

    @property
    def covered(self) -> bool:
        return self.pledged >= self.needed

    @property
    def shortfall(self) -> Decimal:
        return max(self.needed - self.pledged, ZERO)


def finances(costs, requested, pledges) -> Finances:
    """The computed figures of an application; `pledges` are (cash, in kind) pairs. Problems are Dutch."""
    costs = Decimal(costs or 0).quantize(CENT)
    requested = Decimal(requested or 0).quantize(CENT)
    cash = sum((Decimal(c or 0) for c, _k in pledges), ZERO).quantize(CENT)
    in_kind = sum((Decimal(k or 0) for _c, k in pledges), ZERO).quantize(CENT)
    result = Finances(costs=costs, requested=requested, maximum=max_subsidy(costs), pledged_cash=cash,
                      pledged_in_kind=in_kind, needed=max(costs - requested, ZERO))
    if costs <= 0:
        result.problems.append("De begroting is leeg: voeg minstens één kostenpost toe.")
    if requested <= 0:
        result.problems.append("De aangevraagde subsidie is nog niet ingevuld.")
    if not result.within_third:
        result.problems.append(
            f"De aangevraagde subsidie ({euro(requested)}) is meer dan een derde van de projectkosten "
            f"({euro(costs)}); het maximum is {euro(result.maximum)}.")
    if not result.covered:
        result.problems.append(
            f"De cofinanciering ({euro(result.pledged)}) dekt de rest van de projectkosten ({euro(result.needed)}) "
            f"niet: er ontbreekt {euro(result.shortfall)}.")
    return result


def share(part, whole) -> Decimal | None:
    """part / whole as a percentage with one decimal, rounded down (79,99% shows as 79,9%, never as
    a threshold of 80% it did not reach), or None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


# --- assessment ----------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: int
    help: str = ""
    entree: bool = False  # counts `entree_weight` times as heavy for projects with the entree target group


CRITERIA = (
    Criterion("samenwerking", "Kwaliteit van de publiek-private samenwerking", 2,
              "Rol en inbreng van de partners, waaronder het mkb."),
    Criterion("arbeidsmarkt", "Aansluiting op de regionale arbeidsmarkt", 2,
              "Onderbouwde vraag van werkgevers in de regio."),
    Criterion("onderwijs", "Vernieuwing van het onderwijs", 2, "Wat studenten en docenten er concreet aan hebben."),
    Criterion("duurzaamheid", "Duurzaamheid", 2,
              "Verankering na de subsidieperiode en bijdrage aan de duurzaamheidsopgave."),
    Criterion("entree", "Bereik van de entree-doelgroep", 1,
              "Weegt extra zwaar als het project zich op entree-studenten richt.", entree=True),
)
SCORE_MIN, SCORE_MAX = 1, 5


def weight_of(criterion: Criterion, target_groups, entree_weight: int) -> int:
    if criterion.entree and "entree" in target_groups:
        return criterion.weight * entree_weight
    return criterion.weight


def total_score(scores: dict[str, int], target_groups, entree_weight: int) -> tuple[int | None, int]:
    """(weighted total or None while a criterion is unscored, the maximum possible)."""
    maximum = sum(weight_of(c, target_groups, entree_weight) * SCORE_MAX for c in CRITERIA)
    if any(c.key not in scores for c in CRITERIA):
        return None, maximum
    return sum(weight_of(c, target_groups, entree_weight) * scores[c.key] for c in CRITERIA), maximum
