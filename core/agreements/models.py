"""Agreements (convenanten): versions, their required parties, signatures and the in-force event.

The database itself guards the rules that matter most:

* a signature refers to its version by (version_id, fingerprint), a foreign
  key to the version's (id, fingerprint): a signature can only carry the
  fingerprint of the version it belongs to, and a version that has
  signatures cannot change its fingerprint (its text, terms or parties);
* a signature refers to (version_id, organisation_id) of a required party,
  once per organisation and version;
* the transition to "van kracht" is one `agreement_in_force` row, unique per
  version, written in the same transaction as the last signature.

"Van kracht" is never stored as a state: it follows from the signatures.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, CheckConstraint, DateTime, ForeignKey, ForeignKeyConstraint, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.audit.models import Audited
from core.db import Base, utcnow
from core.orgs.models import Organisation
from core.regions.models import Region

CANONICAL_FORMAT = "regioplatform/afspraakversie/1"

# Stored states of a version. "van kracht" is not among them: it is computed.
CONCEPT = "concept"
SENT = "verzonden"
SUPERSEDED = "vervangen"
ENDED = "beeindigd"
VERSION_STATES = (CONCEPT, SENT, SUPERSEDED, ENDED)

# Computed statuses, with their labels (Dutch source text, shown in the reader's language: lazy).
STATUS_CONCEPT = "concept"
STATUS_SIGNING = "ter_ondertekening"
STATUS_IN_FORCE = "van_kracht"
STATUS_ENDED = "beeindigd"
STATUS_SUPERSEDED = "vervangen"
STATUS_LABELS = {
    STATUS_CONCEPT: _l("concept"),
    STATUS_SIGNING: _l("ter ondertekening"),
    STATUS_IN_FORCE: _l("van kracht"),
    STATUS_ENDED: _l("beëindigd"),
    STATUS_SUPERSEDED: _l("vervangen"),
}


def canonical_json(data) -> str:
    """The one serialisation that is hashed: JSON, sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def fingerprint_of(canonical: dict) -> str:
    """SHA-256 (hex) of the canonical serialisation of a version."""
    return hashlib.sha256(canonical_json(canonical).encode("utf-8")).hexdigest()


class Agreement(Audited, Base):
    """A convenant of one region and instrument; its content lives in numbered versions."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    instrument_key: Mapped[str] = mapped_column(String(40))
    template_key: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    region: Mapped[Region] = relationship()
    versions: Mapped[list["AgreementVersion"]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.number", lazy="selectin",
        cascade="all, delete-orphan",
    )

    @property
    def latest(self) -> "AgreementVersion":
        return self.versions[-1]

    @property
    def in_force(self) -> "AgreementVersion | None":
        """The version that is in force now, if any."""
        for version in reversed(self.versions):
            if version.status == STATUS_IN_FORCE:
                return version
        return None

    @property
    def open_version(self) -> "AgreementVersion | None":
        """The version being drafted or signed (not yet in force), if any."""
        latest = self.latest
        return latest if latest.status in (STATUS_CONCEPT, STATUS_SIGNING) else None

    @property
    def leading(self) -> "AgreementVersion":
        """The version that tells the agreement's status: the one in force, else the latest."""
        return self.in_force or self.latest

    @property
    def status(self) -> str:
        return self.leading.status

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def title(self) -> str:
        return self.leading.title


class AgreementVersion(Audited, Base):
    """One numbered text with terms and required parties; frozen once sent for signing."""

    __tablename__ = "agreement_version"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number"),
        UniqueConstraint("id", "fingerprint"),  # target of the signatures' (version, fingerprint) key
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in VERSION_STATES)})", name="state"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    terms: Mapped[dict] = mapped_column(JSON, default=dict)
    parties: Mapped[list] = mapped_column(JSON, default=list)  # canonical snapshot: identifier, kind, name
    state: Mapped[str] = mapped_column(String(20), default=CONCEPT)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # the verify page looks it up
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    party_rows: Mapped[list["AgreementParty"]] = relationship(
        back_populates="version", lazy="selectin", cascade="all, delete-orphan")
    signatures: Mapped[list["AgreementSignature"]] = relationship(
        back_populates="version", lazy="selectin", order_by="AgreementSignature.signed_at")
    in_force_event: Mapped["AgreementInForce | None"] = relationship(back_populates="version", lazy="selectin")

    def canonical(self) -> dict:
        """What the fingerprint covers, as one JSON-ready object (recomputable offline)."""
        agreement = self.agreement
        return {
            "format": CANONICAL_FORMAT,
            "agreement": agreement.id,
            "region": agreement.region.rmc_code,
            "instrument": agreement.instrument_key,
            "template": agreement.template_key,
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "terms": self.terms,
            "parties": sorted(self.parties, key=lambda p: p["identifier"]),
        }

    def compute_fingerprint(self) -> str:
        return fingerprint_of(self.canonical())

    @property
    def party_ids(self) -> set[int]:
        return {p.organisation_id for p in self.party_rows}

    @property
    def signed_ids(self) -> set[int]:
        return {s.organisation_id for s in self.signatures}

    @property
    def missing_ids(self) -> set[int]:
        return self.party_ids - self.signed_ids

    @property
    def fully_signed(self) -> bool:
        return bool(self.party_rows) and not self.missing_ids

    @property
    def status(self) -> str:
        """Computed: concept, ter ondertekening, van kracht (all parties signed), beëindigd, vervangen."""
        if self.state == CONCEPT:
            return STATUS_CONCEPT
        if self.state == SUPERSEDED:
            return STATUS_SUPERSEDED
        if self.state == ENDED:
            return STATUS_ENDED
        return STATUS_IN_FORCE if self.fully_signed else STATUS_SIGNING

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def was_in_force(self) -> bool:
        return self.in_force_event is not None


class AgreementParty(Audited, Base):
    """A required party of one version: the organisation must sign it for the version to be in force."""

    __tablename__ = "agreement_party"
    __table_args__ = (UniqueConstraint("version_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    version: Mapped[AgreementVersion] = relationship(back_populates="party_rows")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class AgreementSignature(Audited, Base):
    """An organisation's signature on one version, by one of its signatories, for one fingerprint."""

    __tablename__ = "agreement_signature"
    __table_args__ = (
        UniqueConstraint("version_id", "organisation_id"),
        ForeignKeyConstraint(["version_id", "organisation_id"],
                             ["agreement_party.version_id", "agreement_party.organisation_id"],
                             name="fk_agreement_signature_party"),
        ForeignKeyConstraint(["version_id", "fingerprint"],
                             ["agreement_version.id", "agreement_version.fingerprint"],
                             name="fk_agreement_signature_version_fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_email: Mapped[str] = mapped_column(String(254))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    fingerprint: Mapped[str] = mapped_column(String(64))

    version: Mapped[AgreementVersion] = relationship(
        back_populates="signatures", foreign_keys=[version_id],
        primaryjoin="AgreementSignature.version_id == AgreementVersion.id")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class AgreementInForce(Audited, Base):
    """The moment a version came into force: written once, with the signature that completed it."""

    __tablename__ = "agreement_in_force"
    __table_args__ = (
        UniqueConstraint("version_id"),
        ForeignKeyConstraint(["version_id", "fingerprint"],
                             ["agreement_version.id", "agreement_version.fingerprint"],
                             name="fk_agreement_in_force_version_fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    version: Mapped[AgreementVersion] = relationship(
        back_populates="in_force_event", foreign_keys=[version_id],
        primaryjoin="AgreementInForce.version_id == AgreementVersion.id")
