"""Verifying the audit log: walk the chain in order and name every entry that was removed or changed.

Three layers: the SHA-256 chain (anyone can recompute it), the keyed hash
and gap-free sequence number of each entry (core.audit.keyed: a rewrite
without AUDIT_KEY, or a deleted entry, shows), and the latest signed
checkpoint outside the database (core.audit.checkpoint: a removed tail, even
the whole log, shows).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.bulk import check_rows
from core.audit.chain import GENESIS, HASHED_FIELDS, entry_hash
from core.audit.keyed import audit_key, entry_mac
from core.audit.models import AuditEntry


@dataclass
class ChainProblem:
    entry_id: int | None  # None: the log as a whole (a removed tail)
    reason: str

    def __str__(self) -> str:
        return self.reason if self.entry_id is None else f"audit-regel {self.entry_id}: {self.reason}"


def verify_chain(session: Session, batch: int = 5000, *, checkpoint=None) -> tuple[int, list[ChainProblem]]:
    """Walk the log in order; return the number of entries and every problem found.

    An edited row no longer matches its hash; a removed row breaks the link
    of the row after it and leaves a gap in the sequence numbers; a row
    rewritten with recomputed hashes fails its keyed hash; the rows listed for
    bulk entries (audit_row) must be exactly the rows in their hashed
    payloads. With a `checkpoint` (core.audit.checkpoint.Checkpoint) the log
    must still reach its sequence number with the same hash there.
    """
    key = audit_key()
    problems: list[ChainProblem] = []
    previous = GENESIS
    previous_id = 0
    count = 0
    last_id = 0
    expected_seq = 1
    at_checkpoint = None
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
            if entry.seq != expected_seq:
                problems.append(ChainProblem(entry.id, (
                    f"volgnummer {expected_seq} tot en met {entry.seq - 1} ontbreekt: verwijderd"
                    if entry.seq > expected_seq else f"volgnummer {entry.seq} staat op de plaats van {expected_seq}")))
            if entry.mac != entry_mac(key, entry.seq, entry.hash):
                problems.append(ChainProblem(entry.id, "de sleutelhash (AUDIT_KEY) klopt niet: de regel is herschreven "
                                                       "en zonder de sleutel opnieuw berekend"))
            if checkpoint is not None and entry.seq == checkpoint.seq:
                at_checkpoint = (entry.id, entry.hash)
            expected_seq = max(expected_seq, entry.seq) + 1
            previous = entry.hash
            previous_id = entry.id
            last_id = entry.id
        session.expunge_all()
    if checkpoint is not None and checkpoint.seq > 0:
        if at_checkpoint is None and expected_seq - 1 < checkpoint.seq:
            problems.append(ChainProblem(None, (
                f"afgekapt: het checkpoint van {checkpoint.at} telt {checkpoint.seq} regels, maar de log "
                + (f"eindigt bij volgnummer {expected_seq - 1}: de laatste regels zijn verwijderd" if count
                   else "is leeg: alle regels zijn verwijderd"))))
        elif at_checkpoint is None:
            problems.append(ChainProblem(None, f"de regel met volgnummer {checkpoint.seq} uit het checkpoint van "
                                               f"{checkpoint.at} ontbreekt: verwijderd"))
        elif at_checkpoint[1] != checkpoint.head_hash:
            problems.append(ChainProblem(at_checkpoint[0], f"herschreven: de regel met volgnummer {checkpoint.seq} "
                                                           f"wijkt af van het checkpoint van {checkpoint.at}"))
    problems.sort(key=lambda problem: problem.entry_id or 0)
    return count, problems
