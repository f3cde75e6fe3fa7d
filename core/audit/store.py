"""Appending entries to the hash chain: one hash per entry, rows written in bulk.

Each entry's before/after values are encoded once (`chain.json_text`); the
same text is hashed (`chain.entry_hasher`) and stored, so nothing is
serialised twice and no ORM object or per-row SQLAlchemy parameter
processing is involved. Rows go in through core.bulk_insert (COPY on
PostgreSQL, the driver's executemany on SQLite), always on the caller's
connection, so the entries are part of the change's own transaction.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select, text

from core.audit.chain import GENESIS, entry_hasher, json_text
from core.audit.keyed import audit_key, entry_mac
from core.audit.models import AuditEntry
from core.bulk_insert import insert_rows
from core.db import utcnow

_PG_LOCK_ID = 727_001  # advisory lock that serialises the chain on PostgreSQL
COLUMNS = ("at", "user_id", "actor", "action", "object_type", "object_id", "region_id", "organisation_id",
           "before", "after", "prev_hash", "hash", "seq", "mac")

# (action, object_type, object_id, region_id, organisation_id, before_json, after_json)
Item = tuple[str, str, str, "int | None", "int | None", "str | None", "str | None"]


def append_entries(conn, actor: tuple[int | None, str], entries: list[dict]) -> None:
    """Append entries to the one hash chain, in the caller's transaction.

    Each entry gives action, object_type, object_id, region_id,
    organisation_id, before and after (JSON-safe); `actor` is (user id, label).
    On PostgreSQL an advisory lock serialises every writer of the chain.
    """
    append_items(conn, actor, [
        (e["action"], e["object_type"], e["object_id"], e["region_id"], e["organisation_id"],
         json_text(e["before"]), json_text(e["after"]))
        for e in entries
    ])


def append_items(conn, actor: tuple[int | None, str], items: Iterable[Item]) -> list[int]:
    """Hash and write entries whose before/after are already JSON text (`chain.json_text`).

    Returns the new entries' ids, in order: under the chain's lock (or
    SQLite's single writer) every id above the last one before is ours.
    """
    items = list(items)
    if not items:
        return []
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})
    last = conn.execute(select(AuditEntry.id, AuditEntry.hash, AuditEntry.seq)
                        .order_by(AuditEntry.id.desc()).limit(1)).first()
    last_id, previous, seq = last if last is not None else (0, GENESIS, 0)
    key = audit_key()
    user_id, label = actor
    at = utcnow()  # one moment for the whole flush or batch: they are one transaction
    hash_entry = entry_hasher(at, user_id, label)
    stored_at = _bound(conn, AuditEntry.__table__.c.at, at)  # before/after are JSON text already: no processors
    rows = []
    for action, object_type, object_id, region_id, organisation_id, before, after in items:
        digest = hash_entry(action, object_type, object_id, region_id, organisation_id, before, after, previous)
        seq += 1  # gap-free: the chain's lock (or SQLite's one writer) is held until the transaction ends
        rows.append((stored_at, user_id, label, action, object_type, object_id, region_id, organisation_id,
                     before, after, previous, digest, seq, entry_mac(key, seq, digest)))
        previous = digest
    insert_rows(conn, AuditEntry.__table__, COLUMNS, rows, convert=False)
    ids = list(conn.execute(select(AuditEntry.id).where(AuditEntry.id > last_id).order_by(AuditEntry.id)).scalars())
    if len(ids) != len(rows):
        raise RuntimeError("another writer appended to the audit chain without taking its lock")
    return ids


def _bound(conn, column, value):
    """`value` as the driver receives it for `column` (SQLite keeps timestamps as text): converted once."""
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return value if process is None else process(value)
