"""The organisation model and its kinds."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.audit.models import Audited
from core.db import Base

# kind -> (Dutch label, identifier scheme)
ORG_KINDS: dict[str, tuple[str, str]] = {
    "mbo": ("mbo-instelling", "brin"),
    "vo": ("vo-school", "brin"),
    "pro": ("praktijkonderwijs", "brin"),
    "vso": ("voortgezet speciaal onderwijs", "brin"),
    "gemeente": ("gemeente", "cbs"),
    "rmc": ("RMC", "rmc"),
    "werkgever": ("werkgever", "kvk"),
    "zorg": ("zorgaanbieder", "kvk"),
    "sbb": ("SBB", "kvk"),
    "overig": ("overig", "kvk"),
}


class Organisation(Audited, Base):
    """An organisation with its real identifier (BRIN, CBS code, KvK number or RMC code)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    identifier: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    @property
    def kind_label(self) -> str:
        return ORG_KINDS.get(self.kind, (self.kind, ""))[0]

    def __repr__(self) -> str:
        return f"<Organisation {self.identifier} {self.name}>"
