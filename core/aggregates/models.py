"""The table of maintained sums: one value per (instrument, aggregate, region, period, measure)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class _SumOfOnePeriod:
    """Columns of one sum: instrument, aggregate, region, period and measure (the key) and its value."""

    instrument: Mapped[str] = mapped_column(String(40), primary_key=True)
    aggregate: Mapped[str] = mapped_column(String(40), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    measure: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(20, 2))


class AggregateValue(_SumOfOnePeriod, Base):
    """A sum over an instrument's rows of one region and period; written only by core.aggregates.maintain."""

    __tablename__ = "aggregate_value"


class AggregateRetained(_SumOfOnePeriod, Base):
    """What rows removed by a retention period contributed to a sum (core.aggregates.maintain.retain).

    Every stored sum is the sum over the rows still there plus this part, so recomputing a region (a later
    write, `regio db rebuild-aggregates`) keeps the figures of periods whose detail is gone.
    """

    __tablename__ = "aggregate_retained"
