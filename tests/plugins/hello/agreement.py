"""The agreement template the hello instrument offers."""
from __future__ import annotations

from core.plugin_api import AgreementTemplate, AgreementTerm

TEMPLATE = AgreementTemplate(
    key="hello-afspraak", title="Groetafspraak", text="Wij groeten elkaar.",
    terms=(
        AgreementTerm("greetings_per_year", "Groeten per jaar", kind="integer", minimum=0),
        AgreementTerm("target", "Streefwaarde groeten", kind="integer", keys=("2025-2026", "2026-2027"),
                      minimum=0),
        AgreementTerm("budget", "Budget", kind="decimal", unit="euro", minimum=0, required=False),
    ),
)
