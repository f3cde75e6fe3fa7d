"""Validation of organisation identifiers, with messages in the reader's language (Dutch outside a request)."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from core import reference
from core.orgs.models import ORG_KINDS

BRIN_RE = re.compile(r"^[0-9]{2}[A-Z]{2}$")
KVK_RE = re.compile(r"^[0-9]{8}$")


def identifier_problem(kind: str, identifier: str) -> str | None:
    """Return a Dutch reason why `identifier` is not valid for `kind`, or None."""
    if kind not in ORG_KINDS:
        return _("onbekende soort organisatie '%(kind)s' (kies uit %(kinds)s)", kind=kind, kinds=", ".join(ORG_KINDS))
    scheme = ORG_KINDS[kind][1]
    if scheme == "brin":
        if not BRIN_RE.match(identifier):
            return _("'%(identifier)s' is geen BRIN (twee cijfers en twee hoofdletters, bv. 25LP)",
                     identifier=identifier)
    elif scheme == "cbs":
        if identifier not in reference.municipalities():
            return _("gemeente %(identifier)s bestaat niet (CBS-code zoals GM0363)", identifier=identifier)
    elif scheme == "rmc":
        if identifier not in reference.rmc_regions():
            return _("RMC-regio %(identifier)s bestaat niet (code zoals MC17)", identifier=identifier)
    elif scheme == "kvk":
        if not KVK_RE.match(identifier):
            return _("'%(identifier)s' is geen KvK-nummer (8 cijfers)", identifier=identifier)
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
