"""Whether a region's public page is on, and the figures its coordinators published (as published)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.audit.models import Audited
from core.db import Base, utcnow


class PublicPage(Audited, Base):
    """A region's public page switch (no row: off)."""

    __tablename__ = "public_page"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)


class PublishedFigures(Audited, Base):
    """One instrument's table for one school year, as a coordinator published it (a snapshot).

    `rows` holds the cells as JSON (numbers with their kind, Decimals as text); `fingerprint` is the
    SHA-256 of the snapshot, shown under the table.
    """

    __tablename__ = "published_figures"
    __table_args__ = (UniqueConstraint("region_id", "instrument_key", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    instrument_key: Mapped[str] = mapped_column(String(40))
    school_year: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
