"""Consortium membership per region and instrument."""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.audit.models import Audited
from core.db import Base
from core.i18n import current_language
from core.orgs.models import Organisation

# role -> label in the reader's language (lazy)
CONSORTIUM_ROLES: dict[str, str] = {
    "penvoerder": _l("penvoerder"),
    "coordinator": _l("coördinator"),
    "deelnemer": _l("deelnemer"),
    "partner": _l("partner"),
    "adviseur": _l("adviseur"),
}


class ConsortiumMember(Audited, Base):
    """An organisation taking part in an instrument's consortium in a region."""

    __tablename__ = "consortium_member"
    __table_args__ = (UniqueConstraint("region_id", "instrument_key", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    instrument_key: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        """The role in the reader's language: translated once per request and role, not per member."""
        if not has_request_context():
            return str(CONSORTIUM_ROLES.get(self.role, self.role))
        labels = g.setdefault("consortium_role_labels", {})
        key = (current_language(), self.role)  # a page may render a part in another language (force_locale)
        if key not in labels:
            labels[key] = str(CONSORTIUM_ROLES.get(self.role, self.role))
        return labels[key]
