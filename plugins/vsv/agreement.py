"""The agreement the vsv instrument offers: targets per school year for the region, and per mbo institution.

The template's check holds the terms to the "and/or" rule and parses the per-institution targets (one
institution per line), naming only institutions of the agreement's region (told by the core's context).
figures.py reads the signed terms back for the dashboard.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from core.plugin_api import AgreementTemplate, AgreementTerm, Organisation, _, db_session, lazy_gettext

TEMPLATE_KEY = "vsv-regionale-afspraak"
ABSOLUTE_TERM = "max_new_early_school_leavers"
PERCENTAGE_TERM = "max_percentage"
INSTITUTION_TERM = "institution_targets"
TARGET_YEARS = ("2024-2025", "2025-2026", "2026-2027", "2027-2028")  # the school years an agreement sets targets for


def check_targets(terms: dict, context=None) -> dict[str, str]:
    """The template's check: 'and/or': at least one maximum (number or percentage) for at least one school year;
    every line of the per-institution targets well-formed, for an mbo institution of the agreement's region
    (`context.region`; without a context, any known mbo institution)."""
    errors = {}
    filled = [v for name in (ABSOLUTE_TERM, PERCENTAGE_TERM)
              for v in (terms.get(name) or {}).values() if v is not None]
    if not filled:
        errors[ABSOLUTE_TERM] = _("vul voor minstens één schooljaar een maximum aantal of een maximum "
                                  "percentage nieuwe vsv'ers in")
    institutions = None
    for year, text in (terms.get(INSTITUTION_TERM) or {}).items():
        if not text:
            continue
        if institutions is None:
            institutions = _allowed_institutions(context)
        _targets, problems = parse_institution_targets(text, institutions, _region_phrase(context))
        if problems:
            errors[f"{INSTITUTION_TERM}.{year}"] = "; ".join(problems)
    return errors


# --- per-institution targets -----------------------------------------------------------------------------

@dataclass(frozen=True)
class InstitutionTarget:
    brin: str
    max_new: int | None  # at most this many new vsv'ers
    max_percentage: Decimal | None  # at most this percentage of its participants


_BRIN = re.compile(r"^\d{2}[A-Z]{2}$")
_COUNT = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)$")  # 40, 1250 or 1.250
_PERCENT = re.compile(r"^(\d+)(?:[.,](\d+))?%$")  # 2,5% or 2.5%


def parse_institution_targets(text: str, institutions: dict[str, str] | None = None, where: str | None = None
                              ) -> tuple[list[InstitutionTarget], list[str]]:
    """The targets of one school year, one mbo institution per line: its BRIN code, then a maximum number of
    new vsv'ers and/or a maximum percentage (with %), e.g. "25LH 150 2,5%".

    `institutions` (BRIN -> name) are the institutions allowed; None skips that check; `where` names them in a
    message ("regio Utrecht"). Returns the targets
    and the problems in the reader's language ("regel 2: ..."); the targets are only complete when there are no
    problems.
    """
    targets: list[InstitutionTarget] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line_no, raw in enumerate(str(text or "").splitlines(), start=1):
        line = re.sub(r"\s+%", "%", raw.strip())
        if not line:
            continue
        first, *rest = [t for t in re.split(r"[\s;:]+", line) if t]
        brin = first.upper()
        if not _BRIN.match(brin):
            problems.append(_("regel %(line)s: '%(text)s' is geen BRIN-code van een mbo-instelling (zoals 25LH)",
                              line=line_no, text=first))
            continue
        if institutions is not None and brin not in institutions:
            problems.append(_("regel %(line)s: %(brin)s is geen mbo-instelling van %(where)s",
                              line=line_no, brin=brin, where=where or _region_phrase(None)))
            continue
        if brin in seen:
            problems.append(_("regel %(line)s: %(brin)s staat al op regel %(first)s; één regel per instelling",
                              line=line_no, brin=brin, first=seen[brin]))
            continue
        max_new = max_pct = None
        bad = False
        for token in rest:
            count, percent = _COUNT.match(token), _PERCENT.match(token)
            if count and max_new is None:
                max_new = int(token.replace(".", ""))
            elif percent and max_pct is None:
                whole, fraction = percent.group(1), percent.group(2) or ""
                if len(fraction) > 2:
                    problems.append(_("regel %(line)s: gebruik hoogstens 2 decimalen in het percentage "
                                      "('%(token)s')", line=line_no, token=token))
                    bad = True
                    break
                max_pct = Decimal(f"{whole}.{fraction or '0'}")
                if max_pct <= 100:  # (quantized only then: 31 digits would exceed decimal's precision)
                    max_pct = max_pct.quantize(Decimal("0.01"))
                if max_pct > 100:
                    problems.append(_("regel %(line)s: het percentage %(token)s is meer dan 100%%",
                                      line=line_no, token=token))
                    bad = True
                    break
            elif count or percent:
                problems.append(_("regel %(line)s: geef één maximum aantal en/of één maximum percentage, "
                                  "niet twee", line=line_no))
                bad = True
                break
            else:
                problems.append(_("regel %(line)s: '%(token)s' is geen aantal (zoals 40) of percentage "
                                  "(zoals 2,5%%)", line=line_no, token=token))
                bad = True
                break
        if bad:
            continue
        if max_new is None and max_pct is None:
            problems.append(_("regel %(line)s: zet na %(brin)s een maximum aantal nieuwe vsv'ers (zoals 40) "
                              "en/of een maximum percentage (zoals 2,5%%)", line=line_no, brin=brin))
            continue
        seen[brin] = line_no
        targets.append(InstitutionTarget(brin, max_new, max_pct))
    return targets, problems


def _allowed_institutions(context) -> dict[str, str]:
    """The mbo institutions a target may name: those of the agreement's region, or any known mbo institution
    without a context."""
    if context is not None:
        return {org.identifier: org.name for org in context.members("mbo")}
    return dict(db_session().execute(select(Organisation.identifier, Organisation.name)
                                     .where(Organisation.kind == "mbo")).all())


def _region_phrase(context) -> str:
    return _("regio %(name)s", name=context.region.name) if context is not None else _("het platform")


TEMPLATE = AgreementTemplate(
    key=TEMPLATE_KEY,
    # title and text are copied into the agreement (stored, signed): they stay Dutch. The description and
    # the terms' labels, units and hints are shown on the pages.
    title="Regionale afspraak voortijdig schoolverlaten",
    description=lazy_gettext("Streefwaarden per schooljaar: een maximum aantal en/of een maximum percentage "
                             "nieuwe vsv'ers voor de regio, en desgewenst per mbo-instelling."),
    text=(
        "# Regionale afspraak voortijdig schoolverlaten\n\n"
        "De ondergetekende partijen werken samen om te voorkomen dat jongeren zonder startkwalificatie "
        "het onderwijs verlaten.\n\n"
        "1. Partijen streven ernaar dat het aantal en/of het percentage nieuwe voortijdig schoolverlaters "
        "per schooljaar ten hoogste het hieronder afgesproken maximum is.\n"
        "2. Waar hieronder een maximum per mbo-instelling is afgesproken, geldt dat voor de nieuwe vsv'ers van "
        "die instelling uit de gemeenten van de regio.\n"
        "3. Gemeenten en de RMC-functie leveren per schooljaar de cijfers aan via het Regioplatform, "
        "uiterlijk op de deadline die de regio vaststelt.\n"
        "4. Partijen bespreken de voortgang ten minste eenmaal per schooljaar.\n"
    ),
    terms=(
        AgreementTerm(ABSOLUTE_TERM, lazy_gettext("Ten hoogste nieuwe vsv'ers"), kind="integer",
                      keys=TARGET_YEARS, minimum=0, unit=lazy_gettext("jongeren"), required=False,
                      hint=lazy_gettext("Het maximum aantal nieuwe vsv'ers in de regio per schooljaar "
                                        "(leeg: geen).")),
        AgreementTerm(PERCENTAGE_TERM, lazy_gettext("Ten hoogste percentage nieuwe vsv'ers"),
                      kind="decimal", keys=TARGET_YEARS, minimum=0, maximum=100, places=2, unit="%",
                      required=False,
                      hint=lazy_gettext("Het maximum percentage nieuwe vsv'ers (van de deelnemers) per "
                                        "schooljaar (leeg: geen).")),
        AgreementTerm(INSTITUTION_TERM, lazy_gettext("Ten hoogste per mbo-instelling"), kind="text",
                      keys=TARGET_YEARS, required=False,
                      hint=lazy_gettext("Eén mbo-instelling van de regio per regel: de BRIN-code, dan het "
                                        "maximum aantal nieuwe vsv'ers en/of het maximum percentage, zoals "
                                        "'25LH 150 2,5%' of '01OE 3%' (leeg: geen afspraak per "
                                        "instelling).")),
    ),
    check=check_targets,
)
