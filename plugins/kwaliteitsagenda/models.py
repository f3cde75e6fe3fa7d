"""The kwaliteitsagenda tables: an institution's agenda for a period, its goals, the regional responses,
the commission's assessments and the yearly realisation per goal.

An institution has one agenda per period (unique on organisation and period), kept in the region where it
was drafted (`region_id`); the region pages of every region the institution serves show it in their
figures. Money is Decimal euros (Numeric(14, 2)).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Agreement, Audited, Base, Organisation, Versioned

MONEY = Numeric(14, 2)
FIGURE = Numeric(12, 2)

CONSENT_GIVEN = "instemming"
CONSENT_REFUSED = "geen_instemming"
AGREE = "akkoord"
REMARKS = "opmerkingen"
SUFFICIENT = "voldoende"
INSUFFICIENT = "onvoldoende"
ASSESSMENT_KINDS = ("initieel", "tussentijds", "eind")


def period_years(period: str) -> list[int]:
    """"2024-2027" -> [2024, 2025, 2026, 2027] (the calendar years of the period)."""
    first, last = (int(part) for part in period.split("-"))
    return list(range(first, last + 1))


class Agenda(Audited, Base):
    """An institution's quality agenda for one period, with the consent of its councils.

    Consent is recorded, not claimed: the date, the decision and who recorded it, for the works council
    (ondernemingsraad, `works_council_*`) and the student council (studentenraad, `student_council_*`).
    `agreement_id`: the core agreement drafted from the agenda (signing, frozen version, fingerprint).
    """

    __tablename__ = "kwaliteitsagenda_agenda"
    __table_args__ = (UniqueConstraint("organisation_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(9))
    works_council_date: Mapped[dt.date | None] = mapped_column(Date)
    works_council_decision: Mapped[str | None] = mapped_column(String(20))
    works_council_by: Mapped[str | None] = mapped_column(String(255))
    student_council_date: Mapped[dt.date | None] = mapped_column(Date)
    student_council_decision: Mapped[str | None] = mapped_column(String(20))
    student_council_by: Mapped[str | None] = mapped_column(String(255))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    agreement: Mapped[Agreement | None] = relationship()
    goals: Mapped[list["Goal"]] = relationship(back_populates="agenda", order_by="Goal.code",
                                               cascade="all, delete-orphan")
    responses: Mapped[list["Response"]] = relationship(back_populates="agenda", order_by="Response.id",
                                                       cascade="all, delete-orphan")
    assessments: Mapped[list["Assessment"]] = relationship(back_populates="agenda", order_by="Assessment.id",
                                                           cascade="all, delete-orphan")

    @property
    def years(self) -> list[int]:
        return period_years(self.period)

    @property
    def consent_recorded(self) -> bool:
        """Both councils consented (a refusal is recorded too, but is no consent)."""
        return self.works_council_decision == CONSENT_GIVEN and self.student_council_decision == CONSENT_GIVEN

    @property
    def assessed(self) -> bool:
        """An assessed version cannot change."""
        return bool(self.assessments)

    @property
    def investment(self) -> Decimal:
        return sum((g.investment for g in self.goals), Decimal("0"))

    @property
    def result_dependent(self) -> Decimal:
        return sum((g.result_dependent for g in self.goals), Decimal("0"))

    def fingerprint(self) -> str:
        """SHA-256 of the agenda's content (period and goals), the version an assessment refers to."""
        content = {"period": self.period, "organisation": self.organisation_id,
                   "goals": [g.snapshot() for g in sorted(self.goals, key=lambda g: g.code)]}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


class Goal(Versioned, Audited, Base):
    """A goal of an agenda under one of the period's priorities: baseline, target per year, budget.

    `Versioned`: a save over someone else's newer save of the goal is refused (the core's no-lost-update).

    `targets` maps the year (as text) to the richtpunt (a decimal as text); `lower_is_better` when the
    goal is to bring a figure down (early school leaving). `investment`: budget spent on the goal;
    `result_dependent`: the part that depends on the result (the midterm assessment decides on it).
    """

    __tablename__ = "kwaliteitsagenda_goal"
    __table_args__ = (UniqueConstraint("agenda_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    agenda_id: Mapped[int] = mapped_column(ForeignKey("kwaliteitsagenda_agenda.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    indicator: Mapped[str | None] = mapped_column(String(200))
    baseline: Mapped[Decimal | None] = mapped_column(FIGURE)
    targets: Mapped[dict] = mapped_column(JSON, default=dict)
    lower_is_better: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    investment: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    result_dependent: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))

    agenda: Mapped[Agenda] = relationship(back_populates="goals")

    def target(self, year: int) -> Decimal | None:
        value = (self.targets or {}).get(str(year))
        return None if value is None else Decimal(str(value))

    def snapshot(self) -> dict:
        return {"code": self.code, "priority": self.priority, "title": self.title, "indicator": self.indicator,
                "baseline": None if self.baseline is None else str(self.baseline), "targets": self.targets or {},
                "lower_is_better": self.lower_is_better, "investment": str(self.investment),
                "result_dependent": str(self.result_dependent)}


class Response(Audited, Base):
    """A regional organisation invited to respond to an agenda, and its response (akkoord / opmerkingen).

    `organisation_id` is the invited organisation (an employer, another school, a municipality): its users
    respond; the agenda's institution and the region's coordinators read it.
    """

    __tablename__ = "kwaliteitsagenda_response"
    __table_args__ = (UniqueConstraint("agenda_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    agenda_id: Mapped[int] = mapped_column(ForeignKey("kwaliteitsagenda_agenda.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    invited_on: Mapped[dt.date] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    responded_on: Mapped[dt.date | None] = mapped_column(Date)

    agenda: Mapped[Agenda] = relationship(back_populates="responses")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Assessment(Audited, Base):
    """The commission's assessment of an agenda (initial, midterm or final), with its budget consequence.

    `fingerprint`: the agenda version assessed (Agenda.fingerprint); `reasons` maps goal codes to the
    reasons per goal. Stored once, never changed.
    """

    __tablename__ = "kwaliteitsagenda_assessment"
    __table_args__ = (UniqueConstraint("agenda_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    agenda_id: Mapped[int] = mapped_column(ForeignKey("kwaliteitsagenda_agenda.id", ondelete="CASCADE",
                                                      name="fk_kwaliteitsagenda_assessment_agenda"))
    kind: Mapped[str] = mapped_column(String(20))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    verdict: Mapped[str] = mapped_column(String(20))
    budget_consequence: Mapped[Decimal] = mapped_column(MONEY)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64))
    assessor: Mapped[str] = mapped_column(String(255))

    agenda: Mapped[Agenda] = relationship(back_populates="assessments")


class Realisation(Versioned, Audited, Base):
    """What an institution realised on one goal in one year (the same unit as the goal's richtpunt).

    `Versioned`: a save over someone else's newer save (form or Excel import) is refused, and a create that
    clashes with one stored at the same moment is a conflict, not an error (the core's no-lost-update).

    Imported by the Excel sheet "kwaliteitsagenda-realisatie" (natural key: institution, period, goal code,
    year) or entered on the form.
    """

    __tablename__ = "kwaliteitsagenda_realisation"
    __table_args__ = (UniqueConstraint("region_id", "organisation_id", "period", "goal_code", "year",
                                       name="uq_kwaliteitsagenda_realisation_key"),)  # the convention's is > 63

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(9))
    goal_code: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(FIGURE)
    note: Mapped[str | None] = mapped_column(String(500))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(lazy="joined")
