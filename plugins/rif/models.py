"""The rif instrument's tables (prefixed rif_): applications, their budget and partner lines,
scores, status history and the region's assessors. Money is Numeric(12, 2): exact euros and cents."""
from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, ForeignKeyConstraint, Integer, LargeBinary, Numeric,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Agreement, Audited, Base, Organisation, Versioned

Money = Numeric(12, 2)


class Application(Versioned, Audited, Base):
    """A subsidy application of a public-private partnership; organisation_id is the penvoerder.

    `Versioned`: an edit over someone else's newer save is refused (core's no-lost-update mechanism).
    """

    __tablename__ = "rif_application"
    __table_args__ = (UniqueConstraint("region_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    sectors: Mapped[str] = mapped_column(String(300), default="")  # comma-separated keys of SECTORS
    target_groups: Mapped[str] = mapped_column(String(40), default="")  # comma-separated: entree,2,3,4
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    requested_subsidy: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("0.00"))
    status: Mapped[str] = mapped_column(String(40), default="concept")
    reflection: Mapped[str | None] = mapped_column(Text)
    adjustments: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # The samenwerkingsovereenkomst drafted from this application once it was granted (a core agreement
    # the penvoerder and the partners sign); kept when the agreement is removed.
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", ondelete="SET NULL"), index=True)
    # The ministry's decision (granted or refused, on the committee's advice): when, how much, why and by whom.
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    granted_subsidy: Mapped[decimal.Decimal | None] = mapped_column(Money)
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(254))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    agreement: Mapped[Agreement | None] = relationship()
    budget_lines: Mapped[list["BudgetLine"]] = relationship(back_populates="application", order_by="BudgetLine.id",
                                                            cascade="all, delete-orphan")
    partners: Mapped[list["Partner"]] = relationship(back_populates="application", order_by="Partner.id",
                                                     cascade="all, delete-orphan")
    scores: Mapped[list["Score"]] = relationship(back_populates="application", cascade="all, delete-orphan")
    history: Mapped[list["StatusChange"]] = relationship(back_populates="application", order_by="StatusChange.id",
                                                         cascade="all, delete-orphan")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="application", order_by="Attachment.id",
                                                           cascade="all, delete-orphan")

    @property
    def years(self) -> list[int]:
        """The calendar years of the project's runtime (for the pledge per year), at most ten."""
        if self.start is None or self.end is None or self.end < self.start:
            return []
        return list(range(self.start.year, self.end.year + 1))[:10]

    @property
    def sector_list(self) -> list[str]:
        return [s for s in (self.sectors or "").split(",") if s]

    @property
    def target_group_list(self) -> list[str]:
        return [s for s in (self.target_groups or "").split(",") if s]


class BudgetLine(Audited, Base):
    """One line of the project budget (a cost category and an amount)."""

    __tablename__ = "rif_budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("rif_application.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[decimal.Decimal] = mapped_column(Money)

    application: Mapped[Application] = relationship(back_populates="budget_lines")


class Partner(Audited, Base):
    """A partner of an application with its co-financing: pledged and (at the midterm) delivered.

    The rows of the Excel sheet "cofinanciering". organisation_id is the application's
    penvoerder (the row belongs to the penvoerder: its members and the region's
    coordinators see it); partner_id is the co-financing organisation.
    """

    __tablename__ = "rif_partner"
    __table_args__ = (
        UniqueConstraint("region_id", "application_ref", "partner_id"),
        ForeignKeyConstraint(["region_id", "application_ref"], ["rif_application.region_id", "rif_application.reference"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    application_ref: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    mkb: Mapped[bool] = mapped_column(Boolean, default=False)
    pledged_cash: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("0.00"))
    pledged_in_kind: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("0.00"))
    in_kind_description: Mapped[str | None] = mapped_column(String(200))
    delivered_cash: Mapped[decimal.Decimal | None] = mapped_column(Money)
    delivered_in_kind: Mapped[decimal.Decimal | None] = mapped_column(Money)

    application: Mapped[Application] = relationship(back_populates="partners", overlaps="partners")
    partner: Mapped[Organisation] = relationship(foreign_keys=[partner_id], lazy="joined")
    years: Mapped[list["PledgeYear"]] = relationship(back_populates="line", order_by="PledgeYear.year",
                                                     cascade="all, delete-orphan")

    @property
    def pledged(self) -> decimal.Decimal:
        return (self.pledged_cash or 0) + (self.pledged_in_kind or 0)


class PledgeYear(Audited, Base):
    """A partner's pledge for one calendar year of the project (optional; the years add up to the pledge)."""

    __tablename__ = "rif_pledge_year"
    __table_args__ = (UniqueConstraint("partner_line_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_line_id: Mapped[int] = mapped_column(ForeignKey("rif_partner.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    cash: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("0.00"))
    in_kind: Mapped[decimal.Decimal] = mapped_column(Money, default=decimal.Decimal("0.00"))

    line: Mapped[Partner] = relationship(back_populates="years")


class Score(Audited, Base):
    """The assessors' score of one published criterion for one application."""

    __tablename__ = "rif_score"
    __table_args__ = (UniqueConstraint("application_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("rif_application.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    assessor: Mapped[str] = mapped_column(String(254))  # e-mail address of who scored

    application: Mapped[Application] = relationship(back_populates="scores")


class StatusChange(Audited, Base):
    """One workflow transition, shown on the application page (the audit log has the full record)."""

    __tablename__ = "rif_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("rif_application.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(40))
    to_status: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(254))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=lambda: dt.datetime.now(dt.timezone.utc))

    application: Mapped[Application] = relationship(back_populates="history")


class Assessor(Audited, Base):
    """A user (by e-mail address) a region's coordinator appointed as beoordelaar in that region."""

    __tablename__ = "rif_assessor"
    __table_args__ = (UniqueConstraint("region_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))


class Attachment(Audited, Base):
    """A document attached to an application (PDF or .xlsx), stored with it and removed with it.

    The content is checked against its extension when it is uploaded (forms.check_attachment) and is
    only ever served as a download."""

    __tablename__ = "rif_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("rif_application.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # a key of forms.ATTACHMENT_KINDS
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                     default=lambda: dt.datetime.now(dt.timezone.utc))

    application: Mapped[Application] = relationship(back_populates="attachments")
