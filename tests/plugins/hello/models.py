"""The hello instrument's one table (prefixed with its key)."""
from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import Audited, Base


class Greeting(Audited, Base):
    """A greeting an organisation posts in a region.

    The columns after `text` exist for the Excel sheet "hello-groeten", which
    exercises every column kind of the core's Excel engine.
    """

    __tablename__ = "hello_greeting"
    __table_args__ = (UniqueConstraint("region_id", "organisation_id", "school_year", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(200))
    school_year: Mapped[str | None] = mapped_column(String(9))
    sent: Mapped[int | None] = mapped_column(Integer)
    answered: Mapped[int | None] = mapped_column(Integer)
    budget: Mapped[decimal.Decimal | None] = mapped_column(Numeric(12, 2))
    sent_on: Mapped[dt.date | None] = mapped_column(Date)
    public: Mapped[bool | None] = mapped_column(Boolean)
    mood: Mapped[str | None] = mapped_column(String(20))
    brin: Mapped[str | None] = mapped_column(String(4))
    municipality: Mapped[str | None] = mapped_column(String(6))
