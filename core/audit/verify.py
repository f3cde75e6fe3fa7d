"""Verifying the audit log: walk the chain in order and name every entry that was removed or changed."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.bulk import check_rows
from core.audit.chain import GENESIS, HASHED_FIELDS, entry_hash
from core.audit.models import AuditEntry


@dataclass
class ChainProblem:
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"audit-regel {self.entry_id}: {self.reason}"


def verify_chain(session: Session, batch: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the log in order; return the number of entries and every problem found.

    An edited row no longer matches its hash; a removed row breaks the link
    of the row after it; the rows listed for bulk entries (audit_row) must be
    exactly the rows in their hashed payloads.
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
        problems += [ChainProblem(entry_id, reason) for entry_id, reason in check_rows(session, rows, last_id)]
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
    problems.sort(key=lambda problem: problem.entry_id)
    return count, problems
