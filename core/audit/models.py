"""The audit entry table and the `Audited` marker mixin."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class Audited:
    """Mixin: every insert, update and delete of this model is written to the audit log.

    The capture runs in the session's flush, in the same transaction as the
    change itself, so a plugin cannot forget it. Columns named in
    `__audit_exclude__` are recorded as hidden.
    """

    __audit_exclude__: tuple[str, ...] = ()


class AuditEntry(Base):
    """One recorded change. Rows are only ever inserted; each carries the previous row's hash."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the log outlives users
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(20))
    object_type: Mapped[str] = mapped_column(String(80), index=True)
    object_id: Mapped[str] = mapped_column(String(80))
    region_id: Mapped[int | None] = mapped_column(Integer, index=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # gap-free position in the chain (core.audit.keyed)
    mac: Mapped[str] = mapped_column(String(64))  # HMAC with AUDIT_KEY over seq and hash


class AuditRow(Base):
    """One row of a bulk entry (core.audit.bulk): finds every entry that changed a given row.

    A lookup table beside the chain: the rows themselves, with their values,
    are in the entry's hashed before/after, and `regio audit verify` checks
    that this table lists exactly those rows. No foreign key: the log is
    append-only and a check per inserted row would only slow bulk writes.
    """

    __tablename__ = "audit_row"
    __table_args__ = {"sqlite_with_rowid": False}  # one b-tree keyed by (object_id, entry_id)

    object_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)  # verify walks by entry
