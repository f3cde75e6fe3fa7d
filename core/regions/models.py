"""Regions, their member organisations and the instruments enabled there."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.audit.models import Audited
from core.db import Base
from core.orgs.models import Organisation


class Region(Audited, Base):
    """An RMC region, described by one `regions/<slug>.toml` file."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    rmc_code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Reminder e-mails go this many days before each date (negative: after it); [reminders] in the region file
    # (None: the defaults of core.deadlines.reminders).
    reminder_offsets: Mapped[list | None] = mapped_column(JSON)

    members: Mapped[list["RegionMember"]] = relationship(back_populates="region", lazy="selectin")
    instruments: Mapped[list["RegionInstrument"]] = relationship(back_populates="region", lazy="selectin")

    @property
    def region_id(self) -> int:
        return self.id

    def enabled_keys(self) -> set[str]:
        return {ri.instrument_key for ri in self.instruments if ri.enabled}

    def has_instrument(self, key: str) -> bool:
        return key in self.enabled_keys()

    def settings_for(self, key: str) -> dict:
        for ri in self.instruments:
            if ri.instrument_key == key:
                return dict(ri.settings or {})
        return {}

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"


class RegionMember(Audited, Base):
    """An organisation's membership of a region; coordinators run the region."""

    __tablename__ = "region_member"
    __table_args__ = (UniqueConstraint("region_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)

    region: Mapped[Region] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class RegionInstrument(Audited, Base):
    """Whether an instrument is enabled in a region, with its settings.

    Disabling sets `enabled` to false; the row and the instrument's data stay.
    """

    __tablename__ = "region_instrument"
    __table_args__ = (UniqueConstraint("region_id", "instrument_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    instrument_key: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)

    region: Mapped[Region] = relationship(back_populates="instruments")
