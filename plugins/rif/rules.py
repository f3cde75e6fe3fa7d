"""The rif instrument's rules, free of web and database: money, the one-third rule,
co-financing coverage, the workflow and the assessment score. Money is Decimal, never float.
Labels are marked for translation (lazy, so they take the reader's language when shown)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from core.plugin_api import lazy_gettext

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Labels shown on the pages, in the reader's language (lazy: evaluated per request). The keys are what
# the database stores.
SECTORS = {
    "techniek": lazy_gettext("Techniek"), "zorg_welzijn": lazy_gettext("Zorg en welzijn"),
    "bouw": lazy_gettext("Bouw en infra"), "ict": lazy_gettext("ICT"), "logistiek": lazy_gettext("Logistiek"),
    "voedsel_groen": lazy_gettext("Voedsel en groen"), "economie": lazy_gettext("Economie en handel"),
    "energie": lazy_gettext("Energie en duurzaamheid"), "creatief": lazy_gettext("Creatieve industrie"),
    "horeca": lazy_gettext("Horeca en toerisme"),
}
TARGET_GROUPS = {"entree": lazy_gettext("Entree"), "2": lazy_gettext("Niveau 2"), "3": lazy_gettext("Niveau 3"),
                 "4": lazy_gettext("Niveau 4")}
COST_CATEGORIES = {
    "personeel": lazy_gettext("Personeel (uren docenten en praktijkopleiders)"),
    "materieel": lazy_gettext("Apparatuur en materiaal"), "huisvesting": lazy_gettext("Huisvesting en locaties"),
    "ontwikkeling": lazy_gettext("Ontwikkeling onderwijs"), "overig": lazy_gettext("Overige kosten"),
}
# The same cost categories as written into the samenwerkingsovereenkomst (a signed document): Dutch in
# every language, never translated. tests/rif/test_language.py checks they match COST_CATEGORIES in Dutch.
COST_CATEGORY_NAMES = {
    "personeel": "Personeel (uren docenten en praktijkopleiders)", "materieel": "Apparatuur en materiaal",
    "huisvesting": "Huisvesting en locaties", "ontwikkeling": "Ontwikkeling onderwijs", "overig": "Overige kosten",
}

# --- the application form's steps (as the real form has them), each a page that saves on its own ----------

STEPS = {
    "start": lazy_gettext("Start"), "project": lazy_gettext("Project"), "documenten": lazy_gettext("Documenten"),
    "samenwerking": lazy_gettext("Samenwerking"), "financieel": lazy_gettext("Financieel"),
    "ondertekenen": lazy_gettext("Ondertekenen"), "verzenden": lazy_gettext("Verzenden"),
}

# --- workflow ---------------------------------------------------------------

CONCEPT, SUBMITTED, ASSESSING, GRANTED, REJECTED, MIDTERM, CLOSED = (
    "concept", "ingediend", "in_beoordeling", "toegekend", "afgewezen", "tussentijdse_verantwoording", "afgerond")
STATUS_LABELS = {
    CONCEPT: lazy_gettext("Concept"), SUBMITTED: lazy_gettext("Ingediend"), ASSESSING: lazy_gettext("In beoordeling"),
    GRANTED: lazy_gettext("Toegekend"), REJECTED: lazy_gettext("Afgewezen"),
    MIDTERM: lazy_gettext("Tussentijdse verantwoording"), CLOSED: lazy_gettext("Afgerond"),
}
PENVOERDER_SIGNATORY, ASSESSOR = "penvoerder", "beoordelaar"


@dataclass(frozen=True)
class Transition:
    to: str
    sources: tuple[str, ...]
    who: str  # PENVOERDER_SIGNATORY or ASSESSOR
    button: str  # the button's text (lazily translated)


TRANSITIONS = {t.to: t for t in (
    Transition(SUBMITTED, (CONCEPT,), PENVOERDER_SIGNATORY, lazy_gettext("Aanvraag indienen")),
    Transition(ASSESSING, (SUBMITTED,), ASSESSOR, lazy_gettext("Beoordeling starten")),
    Transition(MIDTERM, (GRANTED,), PENVOERDER_SIGNATORY, lazy_gettext("Tussentijdse verantwoording indienen")),
    Transition(CLOSED, (MIDTERM,), PENVOERDER_SIGNATORY, lazy_gettext("Eindverantwoording indienen")),
)}
# Granting or refusing is no transition anyone in a region makes: the ministry decides (views/decision.py,
# permission rif.decide held by the platform role "ministry"), on the committee's scores.
DECISIONS = {GRANTED: lazy_gettext("Toekennen"), REJECTED: lazy_gettext("Afwijzen")}
GRANTED_STATES = (GRANTED, MIDTERM, CLOSED)
# Deliveries (geleverde cofinanciering) are filled in while the subsidy is granted: the midterm report
# is written then and submitting it (-> MIDTERM) freezes them, as it freezes the reflection.
DELIVERY_STATES = (GRANTED,)
# "aanvraag RIF-MC19-0001 is ingediend": the state as it reads after the reference, in the Excel import's
# messages (in the reader's language, like the core's cell messages); the pages use STATUS_LABELS.
STATUS_PHRASES = {
    CONCEPT: lazy_gettext("is een concept"), SUBMITTED: lazy_gettext("is ingediend"),
    ASSESSING: lazy_gettext("is in beoordeling"), GRANTED: lazy_gettext("is toegekend"),
    REJECTED: lazy_gettext("is afgewezen"), MIDTERM: lazy_gettext("heeft de tussentijdse verantwoording ingediend"),
    CLOSED: lazy_gettext("is afgerond"),
}


# --- money -------------------------------------------------------------------

def euro(value) -> str:
    """€ 1.234,56 (Dutch notation, always two decimals), for text that stays Dutch: the agreement's terms and
    text, the command line, the Excel import's messages in Dutch. Pages use the core's `bedrag` filter / `euro`."""
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
    problems: list[str] = field(default_factory=list)  # in Dutch
    issues: list[str] = field(default_factory=list)  # the same problems as codes (EMPTY_BUDGET, ...), for the pages

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


EMPTY_BUDGET, NO_SUBSIDY, OVER_A_THIRD, NOT_COVERED = "empty_budget", "no_subsidy", "over_a_third", "not_covered"


def finances(costs, requested, pledges) -> Finances:
    """The computed figures of an application; `pledges` are (cash, in kind) pairs. Problems are Dutch;
    `issues` names them, so that a page can say them in the reader's language."""
    costs = Decimal(costs or 0).quantize(CENT)
    requested = Decimal(requested or 0).quantize(CENT)
    cash = sum((Decimal(c or 0) for c, _k in pledges), ZERO).quantize(CENT)
    in_kind = sum((Decimal(k or 0) for _c, k in pledges), ZERO).quantize(CENT)
    result = Finances(costs=costs, requested=requested, maximum=max_subsidy(costs), pledged_cash=cash,
                      pledged_in_kind=in_kind, needed=max(costs - requested, ZERO))
    if costs <= 0:
        result.issues.append(EMPTY_BUDGET)
        result.problems.append("De begroting is leeg: voeg minstens één kostenpost toe.")
    if requested <= 0:
        result.issues.append(NO_SUBSIDY)
        result.problems.append("De aangevraagde subsidie is nog niet ingevuld.")
    if not result.within_third:
        result.issues.append(OVER_A_THIRD)
        result.problems.append(
            f"De aangevraagde subsidie ({euro(requested)}) is meer dan een derde van de projectkosten "
            f"({euro(costs)}); het maximum is {euro(result.maximum)}.")
    if not result.covered:
        result.issues.append(NOT_COVERED)
        result.problems.append(
            f"De cofinanciering ({euro(result.pledged)}) dekt de rest van de projectkosten ({euro(result.needed)}) "
            f"niet: er ontbreekt {euro(result.shortfall)}.")
    return result


def share(part, whole, threshold=None) -> Decimal | None:
    """part / whole as a percentage with one decimal, rounded half-up (2 of 12 is 16,7%), or None when whole
    is zero. Given a `threshold` (80), a share below it never shows as reaching it: 79,99% is 79,9%, not the
    80,0% that rounding would make of it."""
    if not whole:
        return None
    exact = Decimal(part or 0) * 100 / Decimal(whole)
    rounded = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if threshold is not None and exact < Decimal(threshold) <= rounded:
        return exact.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return rounded


# --- assessment ----------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # lazily translated, as is help
    weight: int
    help: str = ""
    entree: bool = False  # counts `entree_weight` times as heavy for projects with the entree target group


CRITERIA = (
    Criterion("samenwerking", lazy_gettext("Kwaliteit van de publiek-private samenwerking"), 2,
              lazy_gettext("Rol en inbreng van de partners, waaronder het mkb.")),
    Criterion("arbeidsmarkt", lazy_gettext("Aansluiting op de regionale arbeidsmarkt"), 2,
              lazy_gettext("Onderbouwde vraag van werkgevers in de regio.")),
    Criterion("onderwijs", lazy_gettext("Vernieuwing van het onderwijs"), 2,
              lazy_gettext("Wat studenten en docenten er concreet aan hebben.")),
    Criterion("duurzaamheid", lazy_gettext("Duurzaamheid"), 2,
              lazy_gettext("Verankering na de subsidieperiode en bijdrage aan de duurzaamheidsopgave.")),
    Criterion("entree", lazy_gettext("Bereik van de entree-doelgroep"), 1,
              lazy_gettext("Weegt extra zwaar als het project zich op entree-studenten richt."), entree=True),
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
