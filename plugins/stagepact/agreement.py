"""The agreement the stagepact instrument offers: the regional stagepact, with matching targets per school year."""
from __future__ import annotations

import datetime as dt

from core.plugin_api import AgreementTemplate, AgreementTerm, _, lazy_gettext, long_date

TEMPLATE_KEY = "stagepact-regio"
TARGET_YEARS = ("2024-2025", "2025-2026", "2026-2027", "2027-2028")


def _report_date_not_past(terms: dict, context) -> dict[str, str]:
    """A new report date must not lie in the past: it becomes a deadline that locks the reports."""
    value = terms.get("report_deadline")
    if not value:
        return {}
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if day < context.today:
        return {"report_deadline": _("%(date)s ligt in het verleden; de rapportagedatum wordt een deadline "
                                     "waarna de rapportages vergrendeld zijn. Kies vandaag of later.",
                                     date=long_date(day))}
    return {}

TEMPLATE = AgreementTemplate(
    key=TEMPLATE_KEY,
    title="Regionaal stagepact mbo",
    # title and text are copied into the agreement (stored, signed): they stay Dutch.
    description=lazy_gettext("Regionale afspraken tegen stagediscriminatie, met streefwaarden voor "
                             "stagematching."),
    text=("# Regionaal stagepact mbo\n\n"
          "De ondergetekende partijen werken samen tegen stagediscriminatie, in lijn met het Stagepact mbo "
          "(2023):\n\n"
          "1. Elke mbo-instelling heeft een meldpunt en een procedure voor meldingen van stagediscriminatie.\n"
          "2. Meldingen worden opgevolgd en, waar nodig, doorgezet naar SBB.\n"
          "3. Opleidingsteams gaan met stagematching werken; de partijen spreken per schooljaar een "
          "streefwaarde af voor het aandeel teams dat dat doet.\n"
          "4. De instellingen rapporteren jaarlijks op het Regioplatform.\n"),
    terms=(
        AgreementTerm("target_matching_share", lazy_gettext("Streefwaarde aandeel teams met stagematching"),
                      kind="integer", keys=TARGET_YEARS, minimum=0, maximum=100, unit="%",
                      hint=lazy_gettext("Per schooljaar: welk percentage van de opleidingsteams met "
                                        "stagematching werkt.")),
        AgreementTerm("every_institution_desk", lazy_gettext("Elke instelling heeft een meldpunt en procedure"),
                      kind="boolean", required=False),
        AgreementTerm("report_deadline", lazy_gettext("Uiterste datum jaarlijkse rapportage"), kind="date",
                      required=False),
    ),
    check=_report_date_not_past,
)
