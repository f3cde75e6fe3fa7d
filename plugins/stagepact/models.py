"""The stagepact instrument's one table: an institution's report for one school year."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Audited, Base, Organisation, Versioned

MEASURE_SEPARATOR = ";"
MEASURE_MAX_LENGTH = 150
MEASURES_MAX_LENGTH = 2000


class Report(Versioned, Audited, Base):
    """What one mbo institution reports under the Stagepact mbo for one school year.

    `measures` holds the measures taken as short texts separated by "; " (one
    Excel cell, one column); `measure_list` gives them as a list. `is_demo`
    marks generated demo figures (`regio demo`). `Versioned`: a form save over
    someone else's newer save is refused (core's no-lost-update mechanism).
    """

    __tablename__ = "stagepact_report"
    __table_args__ = (UniqueConstraint("region_id", "organisation_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    has_desk: Mapped[bool] = mapped_column(Boolean)
    has_procedure: Mapped[bool] = mapped_column(Boolean)
    reports_received: Mapped[int] = mapped_column(Integer)
    reports_handled: Mapped[int] = mapped_column(Integer)
    reports_forwarded: Mapped[int] = mapped_column(Integer)
    teams_matching: Mapped[int] = mapped_column(Integer)
    teams_total: Mapped[int] = mapped_column(Integer)
    measures: Mapped[str | None] = mapped_column(String(MEASURES_MAX_LENGTH))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def measure_list(self) -> list[str]:
        return split_measures(self.measures)


def split_measures(text: str | None) -> list[str]:
    """"a; b;; c" -> ["a", "b", "c"]."""
    return [part.strip() for part in (text or "").split(MEASURE_SEPARATOR) if part.strip()]


def join_measures(items) -> str | None:
    items = [i.strip() for i in items if i and i.strip()]
    return f"{MEASURE_SEPARATOR} ".join(items) or None
