"""The agreement templates of the kwaliteitsagenda instrument.

* "kwaliteitsagenda": an institution's agenda, signed by the institution and the region's coordinator; the
  plugin drafts it from the agenda (goals, budget, the councils' consent) once consent is recorded.
* "ongediplomeerde-uitstroom": the regional agreement on unqualified outflow to work that the region's
  institutions, municipalities and Doorstroompunt co-sign (structured terms, drafted on the core's page).
"""
from __future__ import annotations

from core.plugin_api import AgreementTemplate, AgreementTerm, lazy_gettext

AGENDA_TEMPLATE = "kwaliteitsagenda"
OUTFLOW_TEMPLATE = "ongediplomeerde-uitstroom"

AGENDA = AgreementTemplate(
    key=AGENDA_TEMPLATE,
    title="Kwaliteitsagenda",
    description=lazy_gettext("De kwaliteitsagenda van een mbo-instelling voor een periode, met richtpunten en "
                             "budget per doel; opgesteld vanuit de agenda zodra de raden hebben ingestemd."),
    text="# Kwaliteitsagenda\n\nDe instelling voert de doelen van deze kwaliteitsagenda uit.\n",
    terms=(
        AgreementTerm("period", lazy_gettext("Periode"), kind="text"),
        AgreementTerm("goals", lazy_gettext("Aantal doelen"), kind="integer", minimum=1),
        AgreementTerm("investment", lazy_gettext("Investeringsbudget"), kind="decimal", unit="euro", minimum=0),
        AgreementTerm("result_dependent", lazy_gettext("Resultaatafhankelijk budget"), kind="decimal",
                      unit="euro", minimum=0),
        AgreementTerm("works_council_consent", lazy_gettext("Instemming ondernemingsraad"), kind="date"),
        AgreementTerm("student_council_consent", lazy_gettext("Instemming studentenraad"), kind="date"),
    ),
)

OUTFLOW = AgreementTemplate(
    key=OUTFLOW_TEMPLATE,
    title="Regionale afspraken ongediplomeerde uitstroom naar werk",
    description=lazy_gettext("Afspraken van instellingen, gemeenten en het Doorstroompunt in de regio over het "
                             "tegengaan van ongediplomeerde uitstroom naar werk."),
    text=("# Regionale afspraken ongediplomeerde uitstroom naar werk\n\n"
          "De instellingen, gemeenten en het Doorstroompunt in de regio maken afspraken over het tegengaan van "
          "ongediplomeerde uitstroom naar werk:\n\n"
          "1. Een student die zonder diploma naar werk wil uitstromen, krijgt een gesprek over een diploma of "
          "certificaat naast het werk.\n"
          "2. De instelling meldt een ongediplomeerde uitstromer aan bij het Doorstroompunt.\n"
          "3. Gemeente en Doorstroompunt volgen de jongere en bieden een route terug naar onderwijs.\n"),
    terms=(
        AgreementTerm("exit_interview", lazy_gettext("Elke ongediplomeerde uitstromer krijgt een exitgesprek"),
                      kind="boolean"),
        AgreementTerm("referral_days", lazy_gettext("Aanmelding bij het Doorstroompunt binnen (dagen)"),
                      kind="integer", minimum=1, maximum=90),
        AgreementTerm("target_share", lazy_gettext("Streefwaarde aandeel uitstromers met een diploma of "
                                                   "certificaat"), kind="integer", keys=("2025", "2026", "2027"),
                      minimum=0, maximum=100, unit="%"),
        AgreementTerm("doorstroompunt", lazy_gettext("Doorstroompunt"), kind="text", required=False),
    ),
)


def agenda_terms(agenda) -> dict:
    """The structured terms of the agenda's agreement, from the agenda itself."""
    return {"period": agenda.period, "goals": len(agenda.goals), "investment": str(agenda.investment),
            "result_dependent": str(agenda.result_dependent),
            "works_council_consent": agenda.works_council_date.isoformat(),
            "student_council_consent": agenda.student_council_date.isoformat()}


def agenda_text(agenda) -> str:
    """The agreement text: every goal with its baseline, targets and budget (Dutch: it is signed as is)."""
    lines = [f"# Kwaliteitsagenda {agenda.organisation.name} {agenda.period}", "",
             f"De ondernemingsraad en de studentenraad hebben ingestemd "
             f"({agenda.works_council_date.isoformat()} en {agenda.student_council_date.isoformat()}).", ""]
    for priority in dict.fromkeys(g.priority for g in agenda.goals):
        lines += [f"## {priority}", ""]
        for goal in (g for g in agenda.goals if g.priority == priority):
            targets = ", ".join(f"{year}: {value}" for year, value in sorted((goal.targets or {}).items()))
            lines.append(f"- **{goal.code} {goal.title}**: startmeting {goal.baseline}; richtpunten {targets}; "
                         f"investering EUR {goal.investment}, resultaatafhankelijk EUR {goal.result_dependent}.")
        lines.append("")
    return "\n".join(lines)

