"""An application as a samenwerkingsovereenkomst (template "rif-samenwerking").

Drafted while the application is a concept: every partner's signatory confirms its own pledge by co-signing
it (confirmations below), before the application can be submitted. A granted application without one
(from before) can still be drafted.

The parties are the penvoerder and the partners that are members of the
region's RIF consortium (the core takes an agreement's parties from the
instrument's consortium); the terms are the application's computed figures,
exact to the cent, plus its budget and every partner's pledge as text; the
text is the template's with the project written out. The core drafts it as a
concept; the region's coordinator sends it for signing on the agreement page,
where every party's signatory signs that exact version.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from core.plugin_api import Agreement, AgreementTemplate, AgreementTerm, _, db_session, lazy_gettext

from .rules import CENT, CONCEPT, COST_CATEGORY_NAMES, GRANTED, MIDTERM, ZERO, euro

# --- partners commit first: a pledge counts once its partner co-signed it ------------------------------------
# Partners commit first: a pledge counts once its partner confirmed it by co-signing the application's
# samenwerkingsovereenkomst (a core agreement: a frozen version with its fingerprint).
#
# A partner's pledge is confirmed when that partner's organisation signed a version of an agreement drafted
# from this application (template "rif-samenwerking", terms.application_ref = the reference) whose pledge line
# for that partner says exactly what the application says now: the amounts in cash and in kind. A changed
# pledge no longer matches its signed line, so that partner's confirmation is void (the others keep theirs);
# the penvoerder drafts a new version and the partner signs again. Submission waits until every pledge is
# confirmed; the one-third rule and the co-financing check count confirmed pledges only.

TEMPLATE_KEY = "rif-samenwerking"


def pledge_line(partner) -> str:
    """The partner's pledge as written into the agreement (Dutch, exact to the cent, per year when split): what
    its signatory signs."""
    line = (f"{partner.partner.name} ({partner.partner.identifier}): in geld {euro(partner.pledged_cash or 0)}, "
            f"in natura {euro(partner.pledged_in_kind or 0)}")
    if partner.years:
        line += " (per jaar: " + "; ".join(f"{y.year} in geld {euro(y.cash)}, in natura {euro(y.in_kind)}"
                                          for y in partner.years) + ")"
    return line


@dataclass(frozen=True)
class Confirmation:
    """How a partner's pledge stands: confirmed (by whom, when, on which version) or why not."""

    confirmed: bool
    signer: str | None = None
    at: object = None
    fingerprint: str | None = None
    changed: bool = False  # the partner signed an earlier pledge, not this one


def _versions(application):
    """Every version of every agreement drafted from `application`, with their signatures (three statements)."""
    agreements = db_session().scalars(
        select(Agreement).where(Agreement.region_id == application.region_id, Agreement.instrument_key == "rif",
                                Agreement.template_key == TEMPLATE_KEY)).all()
    for agreement in agreements:
        for version in agreement.versions:
            if (version.terms or {}).get("application_ref") == application.reference:
                yield version


def confirmations(application) -> dict[int, Confirmation]:
    """partner organisation id -> Confirmation, for every partner line of `application`."""
    signed: dict[int, list] = {}
    for version in _versions(application):
        lines = set((version.terms or {}).get("pledges", "").splitlines())
        for signature in version.signatures:
            signed.setdefault(signature.organisation_id, []).append((lines, signature, version))
    out = {}
    for partner in application.partners:
        line = pledge_line(partner)
        found = [(s, v) for lines, s, v in signed.get(partner.partner_id, []) if line in lines]
        if found:
            signature, version = max(found, key=lambda pair: pair[0].signed_at)
            out[partner.partner_id] = Confirmation(True, signature.signer_name, signature.signed_at,
                                                   version.fingerprint)
        else:
            out[partner.partner_id] = Confirmation(False, changed=partner.partner_id in signed)
    return out


def confirmed_partners(application, states: dict[int, Confirmation] | None = None) -> list:
    """The partner lines whose pledge is confirmed."""
    states = confirmations(application) if states is None else states
    return [p for p in application.partners if states.get(p.partner_id, Confirmation(False)).confirmed]


def pledges_changed(application, consortium_ids: set[int] | None = None) -> bool:
    """The linked agreement's latest version no longer says what the application's pledges say, or a partner
    that is now in the consortium (given `consortium_ids`) is not yet one of its parties: a new version is due."""
    linked = application.agreement
    if linked is None:
        return False
    latest = linked.latest
    lines = set((latest.terms or {}).get("pledges", "").splitlines())
    if any(pledge_line(p) not in lines for p in application.partners) or len(lines) != len(application.partners):
        return True
    if consortium_ids is not None:
        parties = {row.organisation_id for row in latest.party_rows}
        return any(p.partner_id in consortium_ids and p.partner_id not in parties for p in application.partners)
    return False


#  A concept (the partners confirm their pledges before submission) or a running project (granted, or halfway
#  with its midterm report) becomes an agreement.
AGREEMENT_STATES = (CONCEPT, GRANTED, MIDTERM)
ENDED = "beeindigd"  # the core's status of an ended agreement: a new one may be drafted then


def _subsidy_at_most_a_third(terms: dict, context=None) -> dict[str, str]:
    """The template's check (the same in every region: the context is not needed)."""
    costs, subsidy = Decimal(terms["project_costs"]), Decimal(terms["subsidy"])
    problems = {}
    if subsidy * 3 > costs:
        problems["subsidy"] = _("mag hoogstens een derde van de totale projectkosten zijn")
    cofinancing = Decimal(terms["cofinancing_cash"]) + Decimal(terms["cofinancing_in_kind"])
    if subsidy + cofinancing < costs:
        problems["cofinancing_in_kind"] = _(
            "de cofinanciering in geld en in natura dekt samen met de subsidie de projectkosten niet")
    return problems


TEMPLATE = AgreementTemplate(
    key=TEMPLATE_KEY,
    # title and text are copied into the agreement (stored, signed): they stay Dutch, as do the terms'
    # values (terms_of, text_of). The description and the terms' labels and hints are shown on the pages.
    title="Samenwerkingsovereenkomst RIF-project",
    description=lazy_gettext("Begroting, subsidie en cofinanciering (in geld en in natura) van de publiek-private "
                             "samenwerking."),
    text=(
        "# Samenwerkingsovereenkomst RIF-project\n\n"
        "De ondergetekende partijen voeren samen het project uit waarvoor de mbo-instelling als penvoerder "
        "subsidie uit het Regionaal Investeringsfonds mbo aanvraagt.\n\n"
        "1. De subsidie bedraagt ten hoogste een derde van de projectkosten.\n"
        "2. De partners dragen de cofinanciering bij zoals hieronder afgesproken, in geld en in natura. Met haar "
        "handtekening bevestigt elke partner haar toezegging, vóór de aanvraag wordt ingediend.\n"
        "3. Halverwege het project leggen partijen samen tussentijds verantwoording af.\n"
    ),
    terms=(
        AgreementTerm("application_ref", lazy_gettext("Kenmerk van de aanvraag"), kind="text", required=False,
                      hint=lazy_gettext("Zoals RIF-MC19-0001; zo hoort de overeenkomst bij de aanvraag.")),
        AgreementTerm("project_costs", lazy_gettext("Totale projectkosten"), kind="decimal", minimum=0, unit="euro"),
        AgreementTerm("subsidy", lazy_gettext("Aangevraagde subsidie"), kind="decimal", minimum=0, unit="euro",
                      hint=lazy_gettext("Ten hoogste een derde van de projectkosten.")),
        AgreementTerm("cofinancing_cash", lazy_gettext("Cofinanciering in geld"), kind="decimal", minimum=0,
                      unit="euro"),
        AgreementTerm("cofinancing_in_kind", lazy_gettext("Cofinanciering in natura"), kind="decimal", minimum=0,
                      unit="euro"),
        AgreementTerm("start", lazy_gettext("Startdatum project"), kind="date", required=False),
        AgreementTerm("end", lazy_gettext("Einddatum project"), kind="date", required=False),
        AgreementTerm("budget", lazy_gettext("Begroting per kostensoort"), kind="text", required=False,
                      hint=lazy_gettext("Eén regel per kostensoort met het bedrag.")),
        AgreementTerm("pledges", lazy_gettext("Toegezegde cofinanciering per partner"), kind="text", required=False,
                      hint=lazy_gettext("Eén regel per partner: in geld en in natura.")),
    ),
    check=_subsidy_at_most_a_third,
)


def organisations_of(application) -> list:
    """The penvoerder, then every partner (in the order they were added), each once."""
    out, seen = [application.organisation], {application.organisation_id}
    for line in application.partners:
        if line.partner_id not in seen:
            seen.add(line.partner_id)
            out.append(line.partner)
    return out


def split_parties(application, consortium_ids: set[int]) -> tuple[list, list]:
    """(the organisations that become parties, the partners left out because they are not in the consortium)."""
    orgs = organisations_of(application)
    return [o for o in orgs if o.id in consortium_ids], [o for o in orgs[1:] if o.id not in consortium_ids]


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(CENT))


def budget_by_category(application) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in application.budget_lines:
        totals[line.category] += line.amount
    order = [*COST_CATEGORY_NAMES, *(k for k in totals if k not in COST_CATEGORY_NAMES)]
    return [(COST_CATEGORY_NAMES.get(k, k), totals[k].quantize(CENT)) for k in order if k in totals]


def pledge_lines(application) -> list[tuple[str, Decimal, Decimal]]:
    return [(f"{p.partner.name} ({p.partner.identifier})", Decimal(p.pledged_cash or 0).quantize(CENT),
             Decimal(p.pledged_in_kind or 0).quantize(CENT)) for p in application.partners]


def terms_of(application, money) -> dict:
    """The structured terms: amounts as exact decimal strings with two decimals (as the core stores them)."""
    return {
        "application_ref": application.reference,
        "project_costs": _money(money.costs),
        "subsidy": _money(money.requested),
        "cofinancing_cash": _money(money.pledged_cash),
        "cofinancing_in_kind": _money(money.pledged_in_kind),
        "start": application.start.isoformat() if application.start else None,
        "end": application.end.isoformat() if application.end else None,
        "budget": "\n".join(f"{label}: {euro(amount)}" for label, amount in budget_by_category(application)),
        # one line per partner: what its signatory confirms (pledges.pledge_line)
        "pledges": "\n".join(pledge_line(p) for p in application.partners),
    }


def title_of(application) -> str:
    return f"Samenwerkingsovereenkomst {application.reference}: {application.title}"[:200]


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "/")


def text_of(application, money, parties) -> str:
    """The template's text with the project, its budget and the co-financing written out (Markdown)."""
    period = " tot en met ".join(d.strftime("%d-%m-%Y") for d in (application.start, application.end) if d)
    lines = [
        TEMPLATE.text.rstrip("\n"),
        "",
        f"## Het project {application.reference}: {_cell(application.title)}",
        "",
        f"Penvoerder: {application.organisation.name} ({application.organisation.identifier})."
        + (f" Looptijd: {period}." if period else ""),
        "",
        " ".join((application.description or "").split()),
        "",
        "## Begroting",
        "",
        "| Kostensoort | Bedrag |",
        "| --- | ---: |",
        *[f"| {_cell(label)} | {euro(amount)} |" for label, amount in budget_by_category(application)],
        f"| **Totale projectkosten** | **{euro(money.costs)}** |",
        "",
        f"De aangevraagde subsidie is {euro(money.requested)}: ten hoogste een derde van de projectkosten "
        f"(het maximum is {euro(money.maximum)}).",
        "",
        "## Cofinanciering",
        "",
        "| Partner | In geld | In natura |",
        "| --- | ---: | ---: |",
        *[f"| {_cell(name)} | {euro(cash)} | {euro(kind)} |" for name, cash, kind in pledge_lines(application)],
        f"| **Totaal** | **{euro(money.pledged_cash)}** | **{euro(money.pledged_in_kind)}** |",
        "",
        "## Partijen",
        "",
        *[f"- {_cell(o.name)} ({o.identifier})" for o in parties],
    ]
    return "\n".join(lines) + "\n"
