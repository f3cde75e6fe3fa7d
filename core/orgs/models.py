"""The organisation model and its kinds."""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.audit.models import Audited
from core.db import Base
from core.i18n import current_language

# kind -> (label in the reader's language (lazy), identifier scheme)
ORG_KINDS: dict[str, tuple[str, str]] = {
    "mbo": (_l("mbo-instelling"), "brin"),
    "vo": (_l("vo-school"), "brin"),
    "pro": (_l("praktijkonderwijs"), "brin"),
    "vso": (_l("voortgezet speciaal onderwijs"), "brin"),
    "gemeente": (_l("gemeente"), "cbs"),
    "rmc": (_l("RMC"), "rmc"),
    "werkgever": (_l("werkgever"), "kvk"),
    "zorg": (_l("zorgaanbieder"), "kvk"),
    "sbb": (_l("SBB"), "kvk"),
    "overig": (_l("overig"), "kvk"),
}


class Organisation(Audited, Base):
    """An organisation with its real identifier (BRIN, CBS code, KvK number or RMC code)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    identifier: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Read-only: the regions the organisation is a member of, loaded with a signed-in user's memberships
    # (core.identity.sessions.load_signed_in) so the authorization context needs no statement of its own.
    region_links: Mapped[list["RegionMember"]] = relationship("RegionMember", viewonly=True)  # noqa: F821

    @property
    def kind_label(self) -> str:
        """The kind in the reader's language: translated once per request and kind, not per organisation."""
        if not has_request_context():
            return str(ORG_KINDS.get(self.kind, (self.kind, ""))[0])
        labels = g.setdefault("org_kind_labels", {})
        key = (current_language(), self.kind)  # a page may render a part in another language (force_locale)
        if key not in labels:
            labels[key] = str(ORG_KINDS.get(self.kind, (self.kind, ""))[0])
        return labels[key]

    def __repr__(self) -> str:
        return f"<Organisation {self.identifier} {self.name}>"
