"""Partners commit first: a pledge counts once its partner confirmed it by co-signing the application's
samenwerkingsovereenkomst (a core agreement: a frozen version with its fingerprint).

A partner's pledge is confirmed when that partner's organisation signed a version of an agreement drafted
from this application (template "rif-samenwerking", terms.application_ref = the reference) whose pledge line
for that partner says exactly what the application says now: the amounts in cash and in kind. A changed
pledge no longer matches its signed line, so that partner's confirmation is void (the others keep theirs);
the penvoerder drafts a new version and the partner signs again. Submission waits until every pledge is
confirmed; the one-third rule and the co-financing check count confirmed pledges only.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.plugin_api import Agreement, db_session

from .rules import euro

TEMPLATE_KEY = "rif-samenwerking"


def pledge_line(partner) -> str:
    """The partner's pledge as written into the agreement (Dutch, exact to the cent): what its signatory signs."""
    return (f"{partner.partner.name} ({partner.partner.identifier}): in geld {euro(partner.pledged_cash or 0)}, "
            f"in natura {euro(partner.pledged_in_kind or 0)}")


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
