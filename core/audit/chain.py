"""Hashing of audit entries and verification of the chain."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry

GENESIS = "0" * 64
HASHED_FIELDS = (
    "at", "user_id", "actor", "action", "object_type", "object_id",
    "region_id", "organisation_id", "before", "after", "prev_hash",
)


def normalise_time(at: dt.datetime) -> str:
    """UTC ISO timestamp, identical whether the database kept the timezone or not."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(fields: dict) -> str:
    """SHA-256 over the canonical JSON of an entry's fields (its own hash excluded)."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = normalise_time(payload["at"])
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class ChainProblem:
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"audit-regel {self.entry_id}: {self.reason}"


def verify_chain(session: Session, batch: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the log in order; return the number of entries and every problem found.

    An edited row no longer matches its hash; a removed row breaks the link
    of the row after it.
    """
    problems: list[ChainProblem] = []
    previous = GENESIS
    previous_id = 0
    count = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            count += 1
            fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
            if entry.prev_hash != previous:
                problems.append(ChainProblem(
                    entry.id,
                    f"de keten is onderbroken na regel {previous_id}: een regel ertussen is verwijderd of gewijzigd",
                ))
            if entry_hash(fields) != entry.hash:
                problems.append(ChainProblem(entry.id, "de inhoud komt niet overeen met de hash: de regel is gewijzigd"))
            previous = entry.hash
            previous_id = entry.id
            last_id = entry.id
        session.expunge_all()
    return count, problems
