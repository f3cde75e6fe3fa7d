"""Validation of organisation identifiers, with Dutch messages."""
from __future__ import annotations

import re

from core import reference
from core.orgs.models import ORG_KINDS

BRIN_RE = re.compile(r"^[0-9]{2}[A-Z]{2}$")
KVK_RE = re.compile(r"^[0-9]{8}$")


def identifier_problem(kind: str, identifier: str) -> str | None:
    """Return a Dutch reason why `identifier` is not valid for `kind`, or None."""
    if kind not in ORG_KINDS:
        return f"onbekende soort organisatie '{kind}' (kies uit {', '.join(ORG_KINDS)})"
    scheme = ORG_KINDS[kind][1]
    if scheme == "brin":
        if not BRIN_RE.match(identifier):
            return f"'{identifier}' is geen BRIN (twee cijfers en twee hoofdletters, bv. 25LP)"
    elif scheme == "cbs":
        if identifier not in reference.municipalities():
            return f"gemeente {identifier} bestaat niet (CBS-code zoals GM0363)"
    elif scheme == "rmc":
        if identifier not in reference.rmc_regions():
            return f"RMC-regio {identifier} bestaat niet (code zoals MC17)"
    elif scheme == "kvk":
        if not KVK_RE.match(identifier):
            return f"'{identifier}' is geen KvK-nummer (8 cijfers)"
    return None


def reference_name(kind: str, identifier: str) -> str | None:
    """The official name of an organisation from the reference data, if known."""
    if kind == "gemeente":
        m = reference.municipalities().get(identifier)
        return f"Gemeente {m.name}" if m else None
    if kind == "mbo":
        inst = reference.mbo_institutions().get(identifier)
        return inst.name if inst else None
    if kind == "rmc":
        region = reference.rmc_regions().get(identifier)
        return f"RMC {region.name}" if region else None
    return None
